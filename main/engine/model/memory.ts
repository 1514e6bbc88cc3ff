/**
 * Memory needed to train a model, estimated before training starts, so that a model or
 * batch that cannot fit is refused with the numbers (E_MEMORY) instead of crashing the
 * engine half-way through an epoch.
 *
 * The estimate, in float32 bytes:
 *   weights:     parameters x 4 x (weights + gradients + optimizer slots + best-weights copy)
 *   activations: for every layer, its output for one batch x 8 (value, gradient, temporaries);
 *                recurrent layers keep every timestep's gates for backpropagation through time:
 *                timesteps x batch x state size x a per-cell factor (GRU 96, LSTM 112,
 *                SimpleRNN 24; measured with tf.profile: each block's `memory` in shared/model/blocks)
 *   data:        the batch buffers, plus the table (raw and normalised) when its size is known.
 * It is simple, and checked against tf.profile's peak in tests/unit/memory-estimate.test.ts
 * (within 0.8x to 2.5x); it tells "fits" from "cannot fit", not the peak to the megabyte.
 *
 * The budget: what the backend can use. WebAssembly (wasm32) addresses at most 4 GiB; the
 * pure-JS and native backends keep tensors outside the JS heap, bounded by free system memory.
 * A share of free memory is kept back for the rest of the app and the system.
 */
import * as os from 'node:os';
import { AppError } from '../../../shared/errors';
import type { Experiment } from '../../../shared/experiment';
import { fromKerasSpec, getBlock, inferShapes, type BlockDef, type BuilderGraph, type Shape } from '../../../shared/model';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** The wasm32 address space: tfjs-backend-wasm cannot grow its memory past this. */
export const WASM_MAX_BYTES = 4 * GiB;
/** Share of free system memory training may plan to use. */
const FREE_SHARE = 0.8;

const OPTIMIZER_SLOTS: Record<string, number> = { adam: 2, rmsprop: 2, sgd: 0 };
/** Float32 values per output element of any layer (value, gradient, temporaries; Conv1D measured about 13 with its Dense head). */
const LAYER_FACTOR = 8;

export interface MemoryEstimate {
  params: number;
  weightBytes: number;
  activationBytes: number;
  dataBytes: number;
  totalBytes: number;
  /** Bytes that grow with the batch size (for suggesting a batch that fits). */
  perSampleBytes: number;
  batchSize: number;
}

export interface MemoryBudget {
  bytes: number;
  /** What limits it: the wasm32 address space, or free system memory. */
  limitedBy: 'wasm32' | 'system';
}

const elems = (shape: Shape | null, batch: number, T: number): number => {
  if (!shape) return 0;
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    n *= i === 0 ? batch : d == null ? T : d;
  }
  return n;
};

/** The per-timestep state needs of a node's block (a wrapper's: its wrapped block's). */
function memoryNeeds(node: BuilderGraph['nodes'][number]): BlockDef['memory'] {
  const block = getBlock(node.block);
  if (block?.memory) return block.memory;
  return block?.wrapper && node.wrapped ? getBlock(node.wrapped.block)?.memory : undefined;
}

/**
 * Estimates the memory a training run of this experiment needs. Returns null when the
 * model spec cannot be analysed (training will then report the model's own error).
 */
export function estimateTrainingMemory(exp: Experiment, opts: { tableRows?: number } = {}): MemoryEstimate | null {
  let graph: BuilderGraph;
  try {
    graph = fromKerasSpec(exp.model);
  } catch {
    return null;
  }
  const report = inferShapes(graph);
  // A stack that does not build has no honest estimate (not "fits, 0 parameters").
  if (!report.ok) return null;
  const B = exp.windowing.batchSize;
  const T = Math.max(1, Math.ceil(exp.windowing.lookback / exp.windowing.step));
  const params = report.totals.total;
  const slots = OPTIMIZER_SLOTS[exp.training.optimizer] ?? 2;
  const weightBytes = params * 4 * (1 + 1 + slots + 1);

  const incoming = new Map<string, string[]>();
  for (const e of graph.edges) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e.source]);
  let perSample = 0;
  let inputFeatures = 1;
  for (const node of graph.nodes) {
    const info = report.nodes[node.id];
    if (!info) continue;
    const out = info.outputShape;
    if (getBlock(node.block)?.kind === 'input' && out) inputFeatures = elems(out, 1, T) / T || 1;
    perSample += elems(out, 1, T) * LAYER_FACTOR;
    const rec = memoryNeeds(node);
    if (rec) {
      const src = (incoming.get(node.id) ?? [])[0];
      const inShape = src ? report.nodes[src]?.outputShape ?? null : null;
      const steps = inShape && inShape.length >= 3 && inShape[1] != null ? inShape[1] : T;
      // State size per sample: the last axis of the output, unless the block says otherwise (ConvLSTM2D: its whole map).
      const stateSize = out ? (rec.stateSize ? rec.stateSize(out, T) : out[out.length - 1] ?? 1) : 1;
      perSample += steps * stateSize * rec.bpttFactor;
    }
  }
  const perSampleBytes = perSample * 4 + T * inputFeatures * 4 * 3;
  const activationBytes = perSample * 4 * B;
  const tableBytes = opts.tableRows ? opts.tableRows * inputFeatures * 4 * 2 : 0;
  const dataBytes = T * inputFeatures * 4 * 3 * B + tableBytes;
  return { params, weightBytes, activationBytes, dataBytes, totalBytes: weightBytes + activationBytes + dataBytes, perSampleBytes, batchSize: B };
}

/** What the backend may use now. */
export function memoryBudget(backend: string, freeBytes: number = os.freemem()): MemoryBudget {
  const free = Math.floor(freeBytes * FREE_SHARE);
  if (backend === 'wasm' && WASM_MAX_BYTES < free) return { bytes: WASM_MAX_BYTES, limitedBy: 'wasm32' };
  return { bytes: free, limitedBy: 'system' };
}

/** The largest batch size that fits the budget (0 when even one sample does not). */
export function batchThatFits(est: MemoryEstimate, budget: MemoryBudget): number {
  const fixed = est.totalBytes - est.perSampleBytes * est.batchSize;
  if (est.perSampleBytes <= 0) return est.batchSize;
  return Math.max(0, Math.floor((budget.bytes - fixed) / est.perSampleBytes));
}

/** The numbers the renderer shows (MiB, rounded up) and whether the run fits. */
export function memoryReport(est: MemoryEstimate, budget: MemoryBudget): { needMiB: number; haveMiB: number; fits: boolean; suggestedBatch: number; limitedBy: MemoryBudget['limitedBy']; params: number } {
  return {
    needMiB: Math.ceil(est.totalBytes / MiB),
    haveMiB: Math.floor(budget.bytes / MiB),
    fits: est.totalBytes <= budget.bytes,
    suggestedBatch: Math.min(est.batchSize, batchThatFits(est, budget)),
    limitedBy: budget.limitedBy,
    params: est.params,
  };
}

/**
 * Refuses a run that cannot fit, before anything is allocated: E_MEMORY with the numbers
 * and what to change (a batch size that would fit, or 0 when the model itself is too big).
 */
export function assertFitsInMemory(exp: Experiment, backend: string, freeBytes?: number): void {
  const est = estimateTrainingMemory(exp);
  if (!est) return;
  const r = memoryReport(est, memoryBudget(backend, freeBytes));
  if (!r.fits) {
    throw new AppError('E_MEMORY', {
      needMiB: r.needMiB,
      haveMiB: r.haveMiB,
      batch: est.batchSize,
      suggestedBatch: r.suggestedBatch,
      lookback: exp.windowing.lookback,
      limitedBy: r.limitedBy,
    });
  }
}
