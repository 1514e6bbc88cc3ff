/** What the command-line commands share: reading JSON files and experiments (with CSV paths). */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { DatasetRefSchema, ExperimentSchema, MissingPolicySchema, type Experiment } from '../../shared/experiment';
import { importCsvFromPath } from '../engine/data/service';

/**
 * The command line may name a CSV file by path (`{"kind": "file", "path": "..."}`), which
 * the window never may: the file is copied into a private imports folder through the
 * engine's own import function, and the run then uses its file id like any other.
 */
const CliFileRefSchema = z.object({ kind: z.literal('file'), path: z.string().min(1).max(4096), missing: MissingPolicySchema.optional() }).strict();
const CliExperimentSchema = ExperimentSchema.extend({ dataset: z.union([DatasetRefSchema, CliFileRefSchema]) });

/** Reads and parses a JSON file; prints why not and returns undefined on failure. */
export async function readJsonFile(file: string): Promise<unknown | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
  } catch (e) {
    console.error(`Cannot read ${file}: ${e instanceof Error ? e.message : e}`);
    return undefined;
  }
}

export interface LoadedExperiment {
  experiment: Experiment;
  /** A temporary data folder holding the imported CSV (remove it with cleanup()). */
  dataDir?: string;
  cleanup(): Promise<void>;
}

/** Reads an experiment file; a CSV named by path (relative to the experiment file) is imported. */
export async function readExperimentFile(file: string): Promise<LoadedExperiment | undefined> {
  const raw = await readJsonFile(file);
  if (raw === undefined) return undefined;
  const parsed = CliExperimentSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    console.error(`${file} is not a valid experiment: ${i ? `${i.path.join('.')}: ${i.message}` : 'invalid'}`);
    return undefined;
  }
  let dataset = parsed.data.dataset;
  let dataDir: string | undefined;
  if ('path' in dataset) {
    const source = path.resolve(path.dirname(file), dataset.path);
    dataDir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-cli-'));
    try {
      dataset = await importCsvFromPath(dataDir, source, dataset.missing);
    } catch (e) {
      await fs.rm(dataDir, { recursive: true, force: true });
      throw e;
    }
  }
  const dir = dataDir;
  return {
    experiment: ExperimentSchema.parse({ ...parsed.data, dataset }),
    ...(dir ? { dataDir: dir } : {}),
    cleanup: async () => {
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
