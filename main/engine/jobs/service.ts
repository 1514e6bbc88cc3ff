/**
 * The job service: every long task of the engine (a forecasting run, the captioning, video
 * and pretraining experiments) runs as a job here, one at a time in the engine's single
 * training slot, and reports through the one job event family (shared/ipc/jobs.ts):
 * queued, started, progress, epoch, result, then exactly one of done, stopped or failed.
 *
 *   const jobId = jobs.start('captioning', async (job) => { ...; job.progress(p); return done; });
 *
 * A job's body returns its kind's final report (with `status`); the service sends it as
 * job.done, job.stopped or job.failed by that status, and a body that throws ends as
 * job.failed with the error. One Stop for all (`train.stop` with the jobId: the body polls
 * job.shouldStop() between batches). While a job runs, start() refuses with E_ENGINE_BUSY.
 * If the engine worker dies, the host (host.ts) sends job.failed for the running job.
 */
import { AppError, toErrorData } from '../../../shared/errors';
import type { Channel, EventName, EventPayload, Req, Res } from '../../../shared/ipc/contract';
import type { DoneOf, EpochOf, JobKind, JobRef, ProgressOf, ResultOf } from '../../../shared/ipc/jobs';

export type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export type HandlersFor<C extends Channel> = { [K in C]: (req: Req<K>) => Promise<Res<K>> };

/** What a job's body gets. */
export interface Job<K extends JobKind> {
  readonly jobId: string;
  readonly kind: K;
  /** Polled between batches: true once the user pressed Stop. */
  shouldStop(): boolean;
  progress(p: ProgressOf<K>): void;
  epoch(e: EpochOf<K>): void;
  /** A part of the job finished (a video model, a pretraining stage). */
  result(r: ResultOf<K>): void;
}

/** What every kind's final report has (DoneOf<K>). */
interface FinalReport {
  status: 'completed' | 'stopped' | 'failed';
  error?: { code: string; params?: Record<string, string | number> } | undefined;
}

/** The jobId's prefix per kind (runIds of forecasting runs have always been `run-...`). */
const PREFIX: Record<JobKind, string> = { train: 'run', captioning: 'caption', video: 'video', pretrain: 'pretrain', compare: 'compare' };

export class JobService {
  private current: (JobRef & { stop: boolean }) | null = null;
  private counter = 0;

  constructor(private readonly emit: Emit) {}

  /** The running job's id, or null. */
  get busy(): string | null {
    return this.current?.jobId ?? null;
  }

  running(): JobRef | null {
    return this.current ? { jobId: this.current.jobId, kind: this.current.kind } : null;
  }

  /**
   * Starts a job; returns its id at once (the body runs on). Throws E_ENGINE_BUSY while
   * another job holds the slot.
   */
  start<K extends JobKind>(kind: K, body: (job: Job<K>) => Promise<DoneOf<K>>): string {
    if (this.current) throw new AppError('E_ENGINE_BUSY', { runId: this.current.jobId });
    const jobId = `${PREFIX[kind]}-${Date.now().toString(36)}-${++this.counter}`;
    const state: JobRef & { stop: boolean } = { jobId, kind, stop: false };
    this.current = state;
    const emit = this.emit;
    emit('job.queued', { jobId, kind });
    emit('job.started', { jobId, kind });
    // Each emit names its kind's variant; TypeScript checks the payload against it.
    const job: Job<K> = {
      jobId,
      kind,
      shouldStop: () => state.stop,
      progress: (progress: ProgressOf<K>) => emit('job.progress', { jobId, kind, progress } as EventPayload<'job.progress'>),
      epoch: (epoch: EpochOf<K>) => emit('job.epoch', { jobId, kind, epoch } as EventPayload<'job.epoch'>),
      result: (result: ResultOf<K>) => emit('job.result', { jobId, kind, result } as EventPayload<'job.result'>),
    };
    void body(job).then(
      (done) => this.finish(state, done, null),
      (e: unknown) => this.finish(state, null, e),
    );
    return jobId;
  }

  /** Frees the slot, then sends the job's end by its report's status (or the error it threw). */
  private finish(state: JobRef & { stop: boolean }, done: FinalReport | null, thrown: unknown): void {
    const { jobId, kind } = state;
    // The slot is free before the window hears the end, so its next start is accepted.
    if (this.current === state) this.current = null;
    const emit = this.emit;
    if (done && done.status === 'completed') emit('job.done', { jobId, kind, done } as EventPayload<'job.done'>);
    else if (done && done.status === 'stopped') emit('job.stopped', { jobId, kind, done } as EventPayload<'job.stopped'>);
    else {
      const reported = done?.error ?? null;
      const err = thrown === null ? null : toErrorData(thrown);
      const error = reported ?? (err ? { code: err.code, ...(err.params ? { params: err.params } : {}) } : { code: 'E_INTERNAL' });
      emit('job.failed', { jobId, kind, error, ...(done ? { done } : {}) } as EventPayload<'job.failed'>);
    }
  }

  /** Stop for every kind: the body sees shouldStop() between two batches. */
  stop(jobId: string): boolean {
    if (this.current && this.current.jobId === jobId) {
      this.current.stop = true;
      return true;
    }
    return false;
  }
}
