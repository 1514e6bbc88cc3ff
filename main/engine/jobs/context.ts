/** What the lesson experiments' handlers get from the engine: the data folder and the job service. */
import type { JobService } from './service';

export interface ExperimentContext {
  readonly dataDir: string;
  readonly jobs: JobService;
}
