/**
 * Checkpoints: a training run that a crash, a kill or a power cut interrupts is not lost.
 *
 * While a run trains, `<dataDir>/checkpoints/<runId>/` holds:
 *   run.json      what the run is (experiment, backend, start time), its owner (the engine
 *                 instance training it) and its status, written when the run starts;
 *   state.json    the history so far and the best epoch, rewritten after every epoch;
 *   weights.bin   the best weights so far and the optimizer's state at that epoch (float32,
 *   weights.json  little-endian, one tensor after the other) and their shapes, rewritten
 *                 whenever validation improves.
 * Every file is written atomically (files.ts: temp file, fsync, rename), and the weights
 * before the state that names their epoch, so what is on disk is always a complete,
 * consistent checkpoint, never half a file. When the run ends normally its run record is
 * saved and the folder is removed.
 *
 * When the engine starts again and lists runs, a folder whose owner is gone and whose run
 * never finished is an interrupted run: it joins the run history (status 'failed', error
 * E_RUN_INTERRUPTED, its history kept) and can be resumed (`runs.resume`): training starts
 * again from the checkpoint's weights and optimizer state (moments, iteration count) for the
 * epochs that were left, and the resumed run replaces the interrupted one when it finishes.
 *
 * A checkpoint that cannot be written (disk full, read-only folder) never stops training:
 * checkpointing is switched off for that run and its folder is removed, so nothing partial
 * is left behind that could pass for a checkpoint.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { ExperimentSchema, type Experiment } from '../../../shared/experiment';
import { BACKEND_NAMES, EpochLogSchema, type EpochLog, type TrainDone } from '../../../shared/training';
import type { RunRecord } from '../../../shared/runs';
import { tf } from '../platform/backend';
import { writeFileAtomic } from '../platform/files';

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

const RunFileSchema = z.object({
  version: z.literal(1),
  runId: z.string().regex(RUN_ID),
  owner: z.string(),
  status: z.enum(['running', 'interrupted']),
  createdAt: z.string().max(40),
  backend: z.enum(BACKEND_NAMES),
  experiment: ExperimentSchema,
  /** The interrupted run this one resumes (it is replaced when this one finishes). */
  resumedFrom: z.string().regex(RUN_ID).optional(),
});
type RunFile = z.infer<typeof RunFileSchema>;

const BestSchema = z.object({
  epoch: z.number().int().min(1),
  valLoss: z.number(),
  valLossPhysical: z.number().nullable(),
  valAccuracy: z.number().nullable(),
});
export type CheckpointBest = z.infer<typeof BestSchema>;

const StateSchema = z.object({
  history: z.array(EpochLogSchema),
  /** The epoch whose weights are in weights.bin (null before the first improvement). */
  best: BestSchema.nullable(),
  updatedAt: z.string(),
});

const TensorEntrySchema = z.object({ shape: z.array(z.number().int().nonnegative()), offset: z.number().int().nonnegative(), length: z.number().int().nonnegative() });
const WeightsIndexSchema = z.object({
  epoch: z.number().int().min(1),
  /** The model's weights, in model.getWeights() order. */
  tensors: z.array(TensorEntrySchema),
  /** The optimizer's state, in optimizer.getWeights() order (after the model's in weights.bin). */
  optimizer: z.array(TensorEntrySchema.extend({ name: z.string().max(500) })).default([]),
});

/** What trainModel reports after every epoch (train.ts TrainHooks.checkpoint). */
export interface EpochCheckpoint {
  epoch: number;
  history: EpochLog[];
  /** Set when this epoch improved on the best so far: the weights to keep. */
  bestWeights: tf.Tensor[] | null;
  optimizerWeights: { name: string; tensor: tf.Tensor }[] | null;
  best: CheckpointBest | null;
}

/** What a resumed run starts from (train.ts TrainOptions.resume plus initialWeights). */
export interface ResumePoint {
  fromRunId: string;
  experiment: Experiment;
  weights: tf.Tensor[];
  optimizerWeights: { name: string; tensor: tf.Tensor }[];
  history: EpochLog[];
  best: CheckpointBest;
  /** The last epoch that completed (training continues with the next one). */
  fromEpoch: number;
}

interface RunHistoryStore {
  save(record: RunRecord): Promise<void>;
  list(): Promise<RunRecord[]>;
  delete(id: string): Promise<boolean>;
}

export class Checkpoints {
  /** This engine instance: runs owned by another instance that never finished were interrupted. */
  readonly owner = randomBytes(8).toString('hex');
  private recovered: Promise<number> | null = null;

  constructor(private readonly dataDir: string) {}

  dir(runId: string): string {
    if (!RUN_ID.test(runId)) throw new AppError('E_VALIDATION', { path: 'runId', issue: 'invalid_string' });
    return path.join(this.dataDir, 'checkpoints', runId);
  }

  /**
   * Starts checkpointing a run. The returned hook goes to trainModel; `finish` is called
   * once the run's record is saved (it removes the checkpoint, and the interrupted run a
   * resumed one replaces).
   */
  track(runId: string, meta: { createdAt: string; backend: RunFile['backend']; experiment: Experiment; resumedFrom?: string }) {
    const dir = this.dir(runId);
    let failed: string | null = null;
    // Writes happen one after another, in order, off the training loop's critical path.
    let queue: Promise<void> = Promise.resolve();
    const run = (work: () => Promise<void>): Promise<void> => {
      queue = queue.then(async () => {
        if (failed) return;
        try {
          await work();
        } catch (e) {
          // Disk full, read-only, gone: stop checkpointing this run and leave nothing half-made.
          failed = (e as NodeJS.ErrnoException).code ?? 'EIO';
          await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
        }
      });
      return queue;
    };
    const runFile: RunFile = { version: 1, runId, owner: this.owner, status: 'running', ...meta };
    void run(() => writeFileAtomic(path.join(dir, 'run.json'), JSON.stringify(runFile)));
    return {
      hook: (c: EpochCheckpoint): Promise<void> => {
        // Copy what is needed now: the loop may dispose these tensors before the write runs.
        const copy = (t: tf.Tensor): { shape: number[]; data: Float32Array } => ({ shape: t.shape.slice(), data: Float32Array.from(t.dataSync() as ArrayLike<number>) });
        const weights = c.bestWeights ? c.bestWeights.map(copy) : null;
        const optimizer = c.bestWeights && c.optimizerWeights ? c.optimizerWeights.map((w) => ({ name: w.name, ...copy(w.tensor) })) : [];
        const state = JSON.stringify({ history: c.history, best: c.best, updatedAt: new Date().toISOString() });
        return run(async () => {
          if (weights && c.best) await writeWeights(dir, c.best.epoch, weights, optimizer);
          await writeFileAtomic(path.join(dir, 'state.json'), state);
        });
      },
      /** Why checkpoints stopped being written (an errno code such as ENOSPC), or null. */
      error: (): string | null => failed,
      finish: async (runs?: RunHistoryStore): Promise<void> => {
        await queue;
        await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
        if (meta.resumedFrom) {
          await fs.rm(this.dir(meta.resumedFrom), { recursive: true, force: true }).catch(() => undefined);
          await runs?.delete(meta.resumedFrom).catch(() => false);
        }
      },
    };
  }

  /**
   * Finds runs that were training when their engine died and records each in the run
   * history (once per engine start): status 'failed', E_RUN_INTERRUPTED, history kept.
   * Returns how many were found.
   */
  recover(runs: RunHistoryStore): Promise<number> {
    this.recovered ??= this.doRecover(runs).catch(() => 0);
    return this.recovered;
  }

  private async doRecover(runs: RunHistoryStore): Promise<number> {
    const root = path.join(this.dataDir, 'checkpoints');
    let names: string[];
    try {
      names = await fs.readdir(root);
    } catch {
      return 0;
    }
    let found = 0;
    for (const name of names) {
      if (!RUN_ID.test(name)) continue;
      const cp = await this.read(name).catch(() => null);
      if (!cp || cp.run.owner === this.owner) continue;
      found++;
      // A write cut short by the crash leaves its temp file (the complete files were never
      // touched: writes are atomic). Those leftovers are removed.
      for (const f of await fs.readdir(this.dir(name)).catch(() => [] as string[])) {
        if (f.endsWith('.tmp')) await fs.rm(path.join(this.dir(name), f), { force: true }).catch(() => undefined);
      }
      if (cp.run.status === 'running') {
        await writeFileAtomic(path.join(this.dir(name), 'run.json'), JSON.stringify({ ...cp.run, status: 'interrupted' } satisfies RunFile)).catch(() => undefined);
      }
      const known = (await runs.list()).some((r) => r.id === name);
      if (!known) await runs.save(interruptedRecord(cp.run, cp.history, cp.best, cp.hasWeights)).catch(() => undefined);
    }
    return found;
  }

  private async read(runId: string): Promise<{ run: RunFile; history: EpochLog[]; best: CheckpointBest | null; hasWeights: boolean }> {
    const dir = this.dir(runId);
    const run = RunFileSchema.parse(JSON.parse(await fs.readFile(path.join(dir, 'run.json'), 'utf8')));
    let history: EpochLog[] = [];
    let best: CheckpointBest | null = null;
    try {
      const state = StateSchema.parse(JSON.parse(await fs.readFile(path.join(dir, 'state.json'), 'utf8')));
      history = state.history;
      best = state.best;
    } catch {
      /* interrupted before the first epoch ended */
    }
    let hasWeights = false;
    try {
      const index = WeightsIndexSchema.parse(JSON.parse(await fs.readFile(path.join(dir, 'weights.json'), 'utf8')));
      hasWeights = best !== null && index.epoch === best.epoch;
    } catch {
      /* none yet */
    }
    return { run, history, best, hasWeights };
  }

  /** Loads an interrupted run's checkpoint for resuming (E_NOT_FOUND when there is none to resume). */
  async prepareResume(runId: string): Promise<ResumePoint> {
    const cp = await this.read(runId).catch(() => null);
    if (!cp || cp.run.owner === this.owner || !cp.best || !cp.hasWeights) throw new AppError('E_NOT_FOUND', { what: 'checkpoint', id: runId });
    const dir = this.dir(runId);
    const index = WeightsIndexSchema.parse(JSON.parse(await fs.readFile(path.join(dir, 'weights.json'), 'utf8')));
    const bin = await fs.readFile(path.join(dir, 'weights.bin'));
    const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
    const load = (t: z.infer<typeof TensorEntrySchema>): tf.Tensor => {
      if (t.offset + t.length > all.length || t.length !== t.shape.reduce((a, b) => a * b, 1)) throw new AppError('E_NOT_FOUND', { what: 'checkpoint', id: runId });
      return tf.tensor(all.slice(t.offset, t.offset + t.length), t.shape, 'float32');
    };
    const weights = index.tensors.map(load);
    const optimizerWeights = index.optimizer.map((t) => ({ name: t.name, tensor: load(t) }));
    const fromEpoch = cp.history[cp.history.length - 1]?.epoch ?? cp.best.epoch;
    return { fromRunId: runId, experiment: cp.run.experiment, weights, optimizerWeights, history: cp.history, best: cp.best, fromEpoch };
  }
}

async function writeWeights(dir: string, epoch: number, weights: { shape: number[]; data: Float32Array }[], optimizerState: { name: string; shape: number[]; data: Float32Array }[]): Promise<void> {
  const total = [...weights, ...optimizerState].reduce((n, w) => n + w.data.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  const put = (w: { shape: number[]; data: Float32Array }): z.infer<typeof TensorEntrySchema> => {
    all.set(w.data, offset);
    const entry = { shape: w.shape, offset, length: w.data.length };
    offset += w.data.length;
    return entry;
  };
  const tensors = weights.map(put);
  const optimizer = optimizerState.map((w) => ({ name: w.name, ...put(w) }));
  // Float32Array is little-endian on every platform Electron runs on.
  await writeFileAtomic(path.join(dir, 'weights.bin'), new Uint8Array(all.buffer));
  await writeFileAtomic(path.join(dir, 'weights.json'), JSON.stringify({ epoch, tensors, optimizer }));
}

/** The run-history record of an interrupted run: what it learned so far, marked as cut off. */
export function interruptedRecord(run: RunFile, history: EpochLog[], best: CheckpointBest | null, resumable: boolean): RunRecord {
  const last = history[history.length - 1];
  const done: TrainDone = {
    runId: run.runId,
    status: 'failed',
    history,
    finalLoss: last ? last.loss : null,
    finalValLoss: last ? last.valLoss : null,
    baselineValLoss: null,
    bestEpoch: best ? best.epoch : null,
    wallSeconds: history.reduce((s, h) => s + h.seconds, 0),
    lossName: run.experiment.training.loss,
    bestValLoss: best ? best.valLoss : null,
    bestValLossPhysical: best ? best.valLossPhysical : null,
    valAccuracy: best ? best.valAccuracy : null,
    error: { code: 'E_RUN_INTERRUPTED', params: { epochs: history.length, of: run.experiment.training.epochs, resumable: resumable ? 1 : 0 } },
  };
  return { id: run.runId, createdAt: run.createdAt, experiment: run.experiment, backend: run.backend, params: null, done };
}
