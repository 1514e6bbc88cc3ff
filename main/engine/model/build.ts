/**
 * Builds a tfjs model from an experiment's Keras topology: every random initializer and
 * dropout seeded from the run's seed (so a run repeats exactly), and recurrent layers served
 * by the fused WebAssembly kernels on the CPU backends.
 */
import { AppError } from '../../../shared/errors';
import type { Experiment } from '../../../shared/experiment';
import { BLOCKS } from '../../../shared/model';
import { tf } from '../platform/backend';
import { installFusedConv2d, installFusedConvLstm, installFusedDense, installFusedRnn } from '../kernels';
import { foldTimeDistributed } from './time-distributed';

const RANDOM_INITIALIZERS = new Set([
  'GlorotUniform', 'GlorotNormal', 'HeUniform', 'HeNormal', 'LecunUniform', 'LecunNormal',
  'RandomUniform', 'RandomNormal', 'TruncatedNormal', 'Orthogonal', 'VarianceScaling',
]);
/**
 * What each layer class seeds, from the block registry: the random initializers its config
 * leaves to the default (config key -> initializer class), and whether it takes a dropout seed.
 */
const SEEDED = new Map(
  BLOCKS.filter((b) => b.kind !== 'input' && (b.initializers || b.seedsDropout)).map((b) => [b.className, { initializers: Object.entries(b.initializers ?? {}), dropout: b.seedsDropout === true }]),
);

/**
 * Gives every random initializer and dropout in the topology a seed derived from the
 * run's seed, so a run repeats exactly. Only the copy used for building is changed;
 * the spec the user sees and exports stays plain.
 */
export function seedTopology<T>(topology: T, seed: number): T {
  const copy = JSON.parse(JSON.stringify(topology)) as T;
  let k = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (typeof obj.class_name === 'string' && obj.config && typeof obj.config === 'object') {
      const cfg = obj.config as Record<string, unknown>;
      const seeds = SEEDED.get(obj.class_name);
      if (seeds?.dropout && cfg.seed == null) cfg.seed = seed + 7919 * ++k;
      for (const [key, defaultClass] of seeds?.initializers ?? []) {
        if (cfg[key] == null) cfg[key] = { class_name: defaultClass, config: {} };
      }
      for (const [key, value] of Object.entries(cfg)) {
        if (key.endsWith('_initializer') && value && typeof value === 'object') {
          const init = value as { class_name?: string; config?: Record<string, unknown> };
          if (init.class_name && RANDOM_INITIALIZERS.has(init.class_name)) {
            init.config = { ...(init.config ?? {}) };
            if (init.config.seed == null) init.config.seed = seed + 104729 * ++k;
          }
        }
      }
    }
    for (const v of Object.values(obj)) visit(v);
  };
  visit(copy);
  return copy;
}

/**
 * Builds a Keras topology with seeded initializers and installs the engine's kernels on it:
 * on the CPU backends (wasm, cpu) recurrent layers, Conv1D/Conv2D, their max poolings and
 * ConvLSTM2D run as fused WebAssembly ops; the model stays the same plain Keras layers
 * (kernels/rnn, kernels/conv1d, kernels/conv2d, kernels/convlstm).
 * SEQLAB_FUSED=0 turns them off. Every model the engine trains is built here (forecasting,
 * the comparison, video, captioning), so all of them get every kernel, and TimeDistributed
 * runs folded as in Keras (time-distributed.ts).
 */
export async function buildTopology(topology: unknown, seed: number): Promise<tf.LayersModel> {
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON(seedTopology(topology, seed) as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
  } catch (e) {
    throw new AppError('E_MODEL_INVALID', { detail: (e instanceof Error ? e.message : String(e)).slice(0, 300) });
  }
  await installFusedRnn(model, seed);
  installFusedConvLstm(model, seed);
  installFusedConv2d(model);
  installFusedDense(model);
  foldTimeDistributed(model);
  return model;
}

export function buildModel(exp: Experiment): Promise<tf.LayersModel> {
  return buildTopology(exp.model, exp.training.seed);
}

/** The weights of `source` when `target` has exactly the same weight shapes (in order), else null. */
export function matchingWeights(target: tf.LayersModel, source: tf.LayersModel): tf.Tensor[] | null {
  const a = target.weights.map((w) => w.shape.join('x'));
  const b = source.weights.map((w) => w.shape.join('x'));
  if (a.length !== b.length || a.some((s, i) => s !== b[i])) return null;
  return source.getWeights();
}
