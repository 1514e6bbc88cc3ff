// Graphs and seeded models shared by the export tests that run an exported model in another
// runtime (PyTorch, ONNX) and compare it with tfjs: the cases that reach the blocks and options
// the presets leave out, and the engine's model of a graph with weights of a trained network's size.
import * as tf from '@tensorflow/tfjs';
import type { Experiment } from '../../shared/experiment';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { chainGraph, resolveParams, toKerasSpec, type BuilderGraph, type Params } from '../../shared/model';
import { mulberry32 } from '../../shared/random';
import { buildModel } from '../../main/engine/model/build';

/** A functional graph: nodes [id, block, params, wrapped?], edges [source, target] in each target's input order. */
export function graphOf(name: string, nodes: [string, string, Params?, [string, Params?]?][], edges: [string, string][]): BuilderGraph {
  const into = new Map<string, number>();
  return {
    name,
    nodes: nodes.map(([id, block, params, wrapped]) => ({
      id, block, params: resolveParams(block, params ?? {}), ...(wrapped ? { wrapped: { block: wrapped[0], params: resolveParams(wrapped[0], wrapped[1] ?? {}) } } : {}),
    })),
    edges: edges.map(([source, target], i) => {
      const k = into.get(target) ?? 0;
      into.set(target, k + 1);
      return { id: `e${i}`, source, target, targetIndex: k };
    }),
  };
}

export interface Case {
  id: string;
  graph: BuilderGraph;
  /** Length of the axes the graph leaves open (None). */
  steps?: number;
}

/** Graphs beyond the presets: recurrent stacks and wrappers, convolutions and normalisations, merges, 2-D convolution with same padding. */
export const SHARED_CASES: Case[] = [
  {
    id: 'lstm-stack',
    graph: chainGraph('lstm_stack', ['input_sequence', { timesteps: 30, features: 5 }], [
      ['lstm', { units: 16, return_sequences: true, go_backwards: true }],
      ['bidirectional', { merge_mode: 'sum' }, ['lstm', { units: 8, return_sequences: true, recurrent_activation: 'sigmoid' }]],
      ['time_distributed', {}, ['dense', { units: 3, activation: 'tanh' }]],
      ['flatten'],
      ['dense', { units: 2, activation: 'softsign' }],
    ]),
  },
  {
    id: 'conv-mix',
    graph: chainGraph('conv_mix', ['input_sequence', { timesteps: 41, features: 6 }], [
      ['conv1d', { filters: 8, kernel_size: 3, strides: 2, padding: 'same', activation: 'elu' }],
      ['batch_normalization', { epsilon: 0.01 }],
      ['average_pooling1d', { pool_size: 3, strides: 2, padding: 'same' }],
      ['conv1d', { filters: 8, kernel_size: 3, dilation_rate: 2, padding: 'same', activation: 'selu' }],
      ['max_pooling1d', { pool_size: 2, padding: 'same' }],
      ['layer_normalization'],
      ['simple_rnn', { units: 8, return_sequences: true, activation: 'relu' }],
      ['bidirectional', { merge_mode: 'ave' }, ['simple_rnn', { units: 4, go_backwards: true }]],
      ['dropout', { rate: 0.3 }],
      ['dense', { units: 3, activation: 'softmax' }],
    ]),
  },
  {
    id: 'merge-mix',
    graph: graphOf('merge_mix', [
      ['x', 'input_sequence', { timesteps: 20, features: 4 }],
      ['g', 'gru', { units: 6, recurrent_activation: 'sigmoid', go_backwards: true }],
      ['avg', 'global_average_pooling1d'],
      ['d', 'dense', { units: 6, activation: 'softplus' }],
      ['sum', 'add'],
      ['rep', 'repeat_vector', { n: 3 }],
      ['bi', 'bidirectional', { merge_mode: 'mul' }, ['gru', { units: 6, return_sequences: true }]],
      ['cat', 'concatenate', { axis: 1 }],
      ['re', 'reshape', { target_shape: [4, 9] }],
      ['ln', 'layer_normalization', { center: false }],
      ['flat', 'flatten'],
      ['out', 'dense', { units: 2, activation: 'hard_sigmoid' }],
    ], [['x', 'g'], ['x', 'avg'], ['avg', 'd'], ['g', 'sum'], ['d', 'sum'], ['sum', 'rep'], ['rep', 'bi'], ['bi', 'cat'], ['rep', 'cat'], ['cat', 're'], ['re', 'ln'], ['ln', 'flat'], ['flat', 'out']]),
  },
  {
    id: 'conv2d-same',
    graph: chainGraph('conv2d_same', ['input_image', { height: 9, width: 9, channels: 2 }], [
      ['conv2d', { filters: 4, kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'tanh' }],
      ['max_pooling2d', { pool_size: [2, 2], padding: 'same' }],
      ['flatten'],
      ['dense', { units: 2, activation: 'sigmoid' }],
    ]),
  },
];

/**
 * The engine's model of the graph (buildModel: seeded, fused kernels) with seeded random weights
 * of a trained network's size: kernels uniform in +-1.5/sqrt(fan-in), so activations stay near 1
 * and 1e-5 measures the semantics, not float32 rounding of huge sums (or a relu GRU blowing up).
 */
export async function modelOf(graph: BuilderGraph, seed: number): Promise<tf.LayersModel> {
  const model = await buildModel({ ...STARTER_EXPERIMENT, model: toKerasSpec(graph) } as Experiment);
  const rand = mulberry32(seed);
  model.setWeights(model.weights.map((w) => {
    const positive = /moving_variance|gamma/.test(w.originalName);
    const shape = w.shape as number[];
    const n = shape.reduce((p, d) => p * d, 1);
    const fanIn = shape.length > 1 ? n / shape[shape.length - 1]! : 4;
    const scale = /embeddings/.test(w.originalName) ? 0.6 : 1.5 / Math.sqrt(fanIn);
    return tf.tensor(Float32Array.from({ length: n }, () => (positive ? 0.5 + rand() : (rand() * 2 - 1) * scale)), shape);
  }));
  return model;
}
