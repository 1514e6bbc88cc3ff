/**
 * Generated lesson datasets with a known answer (binary classification, sigmoid output,
 * binary cross-entropy, accuracy). Deterministic from a seed.
 *
 * ORDER task ('order-task'): "did A come before B?"
 *   Input [length, 2]: channel 0 = signal, channel 1 = marker. Exactly two steps carry a
 *   marker (1): event A has a positive signal (0.5..1.5), event B a negative one; every
 *   other step has marker 0 and a distractor signal ~ N(0, 1). Target 1 when A comes
 *   before B. Both classes hold the same events, only their order differs, so a
 *   bag-of-features model is at chance; a Dense model on the flattened input must find
 *   "marker AND sign" at every position and compare positions, which a small one cannot,
 *   while a GRU just keeps the sign of the latest event (A before B = the last event is B).
 *
 * BIDIRECTIONAL task ('bidirectional-task'): "will an event happen within the next 2 steps?"
 *   Input [length, 2]: channel 0 = marker (1 with probability 0.3 per step), channel 1 =
 *   noise. Target per step t: 1 when a marker occurs at t+1 or t+2. The answer lies in
 *   the future, so a forward GRU can only guess (about half right) while a Bidirectional
 *   GRU, whose backward half reads the sequence from the end, sees it. The model must
 *   return sequences: output [batch, length, 1].
 */
import { gaussian, mulberry32 } from './random';

export interface TaskData {
  /** Samples * length * features, row-major. */
  x: Float32Array;
  /** Samples * targetSize. */
  y: Float32Array;
  samples: number;
  length: number;
  features: number;
  /** 1 for one label per sequence, `length` for one per step. */
  targetSize: number;
  /** Feature names (for the UI). */
  featureNames: string[];
}

export interface TaskOptions {
  samples?: number;
  length?: number;
  seed?: number;
}

export const ORDER_TASK_DEFAULTS = { samples: 6000, length: 16, seed: 11 } as const;
export const BIDIRECTIONAL_TASK_DEFAULTS = { samples: 3000, length: 16, seed: 12 } as const;

/** The ORDER task: target 1 when event A (positive signal) precedes event B (negative signal). */
export function orderTask(opts: TaskOptions = {}): TaskData {
  const samples = opts.samples ?? ORDER_TASK_DEFAULTS.samples;
  const length = Math.max(3, opts.length ?? ORDER_TASK_DEFAULTS.length);
  const rand = mulberry32(opts.seed ?? ORDER_TASK_DEFAULTS.seed);
  const g = gaussian(rand);
  const F = 2;
  const x = new Float32Array(samples * length * F);
  const y = new Float32Array(samples);
  for (let s = 0; s < samples; s++) {
    const base = s * length * F;
    for (let t = 0; t < length; t++) x[base + t * F] = g();
    const i = Math.floor(rand() * length);
    let j = Math.floor(rand() * (length - 1));
    if (j >= i) j++;
    const aFirst = rand() < 0.5;
    const [posA, posB] = aFirst ? [Math.min(i, j), Math.max(i, j)] : [Math.max(i, j), Math.min(i, j)];
    x[base + posA * F] = 0.5 + rand();
    x[base + posA * F + 1] = 1;
    x[base + posB * F] = -(0.5 + rand());
    x[base + posB * F + 1] = 1;
    y[s] = aFirst ? 1 : 0;
  }
  return { x, y, samples, length, features: F, targetSize: 1, featureNames: ['signal', 'marker'] };
}

/** The BIDIRECTIONAL task: per step, 1 when a marker occurs in the next two steps. */
export function bidirectionalTask(opts: TaskOptions = {}): TaskData {
  const samples = opts.samples ?? BIDIRECTIONAL_TASK_DEFAULTS.samples;
  const length = Math.max(3, opts.length ?? BIDIRECTIONAL_TASK_DEFAULTS.length);
  const rand = mulberry32(opts.seed ?? BIDIRECTIONAL_TASK_DEFAULTS.seed);
  const g = gaussian(rand);
  const F = 2;
  const x = new Float32Array(samples * length * F);
  const y = new Float32Array(samples * length);
  const marker = new Uint8Array(length);
  for (let s = 0; s < samples; s++) {
    const base = s * length * F;
    for (let t = 0; t < length; t++) {
      marker[t] = rand() < 0.3 ? 1 : 0;
      x[base + t * F] = marker[t]!;
      x[base + t * F + 1] = 0.5 * g();
    }
    for (let t = 0; t < length; t++) {
      y[s * length + t] = (t + 1 < length && marker[t + 1]) || (t + 2 < length && marker[t + 2]) ? 1 : 0;
    }
  }
  return { x, y, samples, length, features: F, targetSize: length, featureNames: ['marker', 'noise'] };
}
