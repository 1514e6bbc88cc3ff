/** One-click presets: each a builder graph with a bilingual name and its lesson. */
import { resolveParams, type Bilingual, type Params } from './catalog';
import type { BuilderEdge, BuilderGraph, BuilderNode } from './graph';
import { CAPTION_STEPS, MODEL_TOKENS, captionerGraph } from '../captioning';

export interface Preset {
  id: string;
  name: Bilingual;
  lesson: string;
  /** Per-sample target shape (no batch axis), for inferShapes' target check. */
  targetShape: (number | null)[];
  graph: BuilderGraph;
}

type Step = [block: string, params?: Params, wrapped?: [block: string, params?: Params]];

/** A chain graph: node ids n0 (the input), n1, n2, ... */
export function chainGraph(name: string, input: [string, Params], steps: Step[]): BuilderGraph {
  const nodes: BuilderNode[] = [{ id: 'n0', block: input[0], params: resolveParams(input[0], input[1]) }];
  const edges: BuilderEdge[] = [];
  steps.forEach(([block, params, wrapped], i) => {
    const node: BuilderNode = { id: `n${i + 1}`, block, params: resolveParams(block, params) };
    if (wrapped) node.wrapped = { block: wrapped[0], params: resolveParams(wrapped[0], wrapped[1]) };
    nodes.push(node);
    edges.push({ id: `e${i + 1}`, source: `n${i}`, target: `n${i + 1}` });
  });
  return { name, nodes, edges };
}

const conv = (filters: number, k: number): Step => ['conv1d', { filters, kernel_size: k, activation: 'relu' }];
const jena: [string, Params] = ['input_sequence', { timesteps: null, features: 14 }];
const jena240: [string, Params] = ['input_sequence', { timesteps: 240, features: 14 }];
/** The clips of the video experiment (main/engine/experiments/video-data.ts): 10 frames of 32x32, 6 classes. */
const video: [string, Params] = ['input_video', { frames: 10, height: 32, width: 32, channels: 1 }];

export const PRESETS: readonly Preset[] = [
  {
    id: 'conv1d-6.47', lesson: 'conv1d', targetShape: [1],
    name: { fa: 'شبکهٔ کانولوشنی یک‌بعدی ساده (فهرست ۶٫۴۷)', en: 'Simple 1D convnet (listing 6.47)' },
    graph: chainGraph('listing_6_47', jena, [conv(32, 5), ['max_pooling1d', { pool_size: 3 }], conv(32, 5), ['max_pooling1d', { pool_size: 3 }], conv(32, 5), ['global_max_pooling1d'], ['dense', { units: 1 }]]),
  },
  {
    id: 'conv1d-gru-6.49', lesson: 'cnn-rnn', targetShape: [1],
    name: { fa: 'کانولوشن یک‌بعدی پیش از GRU (فهرست ۶٫۴۹)', en: 'Conv1D before a GRU (listing 6.49)' },
    graph: chainGraph('listing_6_49', jena, [conv(32, 5), ['max_pooling1d', { pool_size: 3 }], conv(32, 5), ['gru', { units: 32, dropout: 0.1, recurrent_dropout: 0.5 }], ['dense', { units: 1 }]]),
  },
  {
    id: 'gru', lesson: 'lstm-gru', targetShape: [1],
    name: { fa: 'یک GRU ساده برای پیش‌بینی دما', en: 'Plain GRU for temperature forecasting' },
    graph: chainGraph('gru_basic', jena240, [['gru', { units: 32 }], ['dense', { units: 1 }]]),
  },
  {
    id: 'stacked-gru', lesson: 'stacked-rnn', targetShape: [1],
    name: { fa: 'دو GRU روی هم با دراپ‌اوت', en: 'Stacked GRUs with dropout' },
    graph: chainGraph('stacked_gru', jena240, [
      ['gru', { units: 32, dropout: 0.1, recurrent_dropout: 0.5, return_sequences: true }],
      ['gru', { units: 64, activation: 'relu', dropout: 0.1, recurrent_dropout: 0.5 }],
      ['dense', { units: 1 }],
    ]),
  },
  {
    id: 'bidirectional-gru', lesson: 'bidirectional', targetShape: [1],
    name: { fa: 'GRU دوسویه', en: 'Bidirectional GRU' },
    graph: chainGraph('bidirectional_gru', jena240, [['bidirectional', { merge_mode: 'concat' }, ['gru', { units: 32 }]], ['dense', { units: 1 }]]),
  },
  {
    id: 'video-cnn-lstm', lesson: 'video-cnn-rnn', targetShape: [6],
    name: { fa: 'CNN روی هر قاب و سپس LSTM برای ویدئو', en: 'Per-frame CNN then LSTM for video' },
    graph: chainGraph('video_cnn_lstm', video, [
      ['time_distributed', {}, ['conv2d', { filters: 8, kernel_size: [3, 3], activation: 'relu' }]],
      ['time_distributed', {}, ['max_pooling2d', { pool_size: [2, 2] }]],
      ['time_distributed', {}, ['flatten']],
      ['lstm', { units: 32 }],
      ['dense', { units: 6, activation: 'softmax' }],
    ]),
  },
  {
    id: 'video-conv3d', lesson: 'conv3d', targetShape: [6],
    name: { fa: 'دسته‌بندی ویدئو با کانولوشن سه‌بعدی', en: 'Conv3D video classifier' },
    graph: chainGraph('video_conv3d', video, [
      // One Conv3D layer keeps the lesson's run short on a CPU (its measured accuracy is
      // near 1). Stacked Conv3D layers train correctly too: the engine replaces the wrong
      // 3-D kernels of tfjs-backend-wasm 4.22 (main/engine/kernels/conv/conv3d.ts).
      ['max_pooling3d', { pool_size: [1, 2, 2] }],
      ['conv3d', { filters: 16, kernel_size: [3, 3, 3], activation: 'relu' }],
      ['max_pooling3d', { pool_size: [2, 2, 2] }],
      ['flatten'],
      ['dense', { units: 6, activation: 'softmax' }],
    ]),
  },
  {
    id: 'video-convlstm', lesson: 'convlstm', targetShape: [6],
    name: { fa: 'ConvLSTM برای ویدئو', en: 'ConvLSTM video model' },
    graph: chainGraph('video_convlstm', video, [
      ['conv_lstm2d', { filters: 16, kernel_size: [3, 3], strides: [2, 2] }],
      ['max_pooling2d', { pool_size: [3, 3] }],
      ['flatten'],
      ['dense', { units: 6, activation: 'softmax' }],
    ]),
  },
  {
    // The captioning experiment's own model (issue #6): shared/captioning.ts builds both.
    id: 'captioning', lesson: 'captioning', targetShape: [CAPTION_STEPS, MODEL_TOKENS.length],
    name: { fa: 'توصیف تصویر (رمزگذار-رمزگشا)', en: 'Image captioning (encoder-decoder)' },
    graph: captionerGraph(),
  },
  {
    id: 'dense-autoencoder', lesson: 'autoencoder', targetShape: [784],
    name: { fa: 'خودرمزگذار چگال ۷۸۴-۱۲۸-۳۲-۱۲۸-۷۸۴', en: 'Dense autoencoder 784-128-32-128-784' },
    graph: chainGraph('dense_autoencoder', ['input_vector', { features: 784 }], [
      ['dense', { units: 128, activation: 'relu' }],
      ['dense', { units: 32, activation: 'relu' }],
      ['dense', { units: 128, activation: 'relu' }],
      ['dense', { units: 784, activation: 'sigmoid' }],
    ]),
  },
];

export function getPreset(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
