/**
 * The architectures `npm run bench` trains: the lesson presets (shared/model/presets.ts)
 * plus an LSTM(32) -> Dense(1) that has no preset of its own. Every Jena model gets
 * 240 timesteps of 14 features (inputs with a free time axis are given 240).
 */
import { PRESETS, chainGraph, toKerasSpec, type KerasModelJSON } from '../../shared/model';

export interface BenchModel {
  id: string;
  /** Short label for the table. */
  label: string;
  /** 'mae' for the Jena regressors, categorical cross-entropy for the softmax classifiers. */
  loss: 'mae' | 'categorical_crossentropy';
  /** Has a PyTorch twin in peer.py. */
  peer: boolean;
  /** Issue #16's target for ms/batch against PyTorch's in the same invocation (e.g. 0.5: twice as fast). */
  ratioTarget?: number;
  spec(): KerasModelJSON;
}

const preset = (id: string): (() => KerasModelJSON) => () => {
  const p = PRESETS.find((q) => q.id === id);
  if (!p) throw new Error(`no preset ${id}`);
  return toKerasSpec(p.graph);
};

/** A model with extra config on its layers of one class. */
const withConfig = (spec: () => KerasModelJSON, className: string, extra: Record<string, unknown>) => (): KerasModelJSON => {
  const m = spec();
  return { ...m, config: { ...m.config, layers: m.config.layers.map((l) => (l.class_name === className ? { ...l, config: { ...l.config, ...extra } } : l)) } };
};

export const BENCH_MODELS: readonly BenchModel[] = [
  { id: 'gru', label: 'GRU(32) -> Dense(1)', loss: 'mae', peer: true, ratioTarget: 0.5, spec: preset('gru') },
  {
    id: 'lstm', label: 'LSTM(32) -> Dense(1)', loss: 'mae', peer: true, ratioTarget: 0.5,
    spec: () => toKerasSpec(chainGraph('lstm_basic', ['input_sequence', { timesteps: 240, features: 14 }], [['lstm', { units: 32 }], ['dense', { units: 1 }]])),
  },
  { id: 'conv1d-6.47', label: 'Conv1D x3 (listing 6.47)', loss: 'mae', peer: true, ratioTarget: 0.5, spec: preset('conv1d-6.47') },
  { id: 'conv1d-gru-6.49', label: 'Conv1D x2 + GRU(32) (listing 6.49)', loss: 'mae', peer: true, ratioTarget: 0.5, spec: preset('conv1d-gru-6.49') },
  { id: 'bidirectional-gru', label: 'Bidirectional(GRU(32))', loss: 'mae', peer: true, ratioTarget: 0.6, spec: preset('bidirectional-gru') },
  { id: 'stacked-gru', label: 'GRU(32) -> GRU(64) stacked', loss: 'mae', peer: true, ratioTarget: 0.6, spec: preset('stacked-gru') },
  { id: 'video-cnn-lstm', label: 'Video: TimeDistributed CNN -> LSTM', loss: 'categorical_crossentropy', peer: true, ratioTarget: 0.8, spec: preset('video-cnn-lstm') },
  { id: 'video-conv3d', label: 'Video: Conv3D', loss: 'categorical_crossentropy', peer: true, ratioTarget: 0.8, spec: preset('video-conv3d') },
  { id: 'video-convlstm', label: 'Video: ConvLSTM2D', loss: 'categorical_crossentropy', peer: true, ratioTarget: 1.5, spec: preset('video-convlstm') },
  // the same with dropout 0.2 and recurrent dropout 0.2: in training the fused op draws the masks (before: tfjs's layer ran)
  { id: 'video-convlstm-dropout', label: 'Video: ConvLSTM2D, dropout 0.2 + 0.2', loss: 'categorical_crossentropy', peer: false, spec: withConfig(preset('video-convlstm'), 'ConvLSTM2D', { dropout: 0.2, recurrent_dropout: 0.2 }) },
  { id: 'captioning', label: 'Captioning: CNN + Embedding -> GRU(96)', loss: 'categorical_crossentropy', peer: true, ratioTarget: 1.0, spec: preset('captioning') },
];

export function benchModel(id: string): BenchModel {
  const m = BENCH_MODELS.find((x) => x.id === id);
  if (!m) throw new Error(`unknown model "${id}"; known: ${BENCH_MODELS.map((x) => x.id).join(', ')}`);
  return m;
}

/** A free (null) time axis of a Jena input becomes this many steps. */
export const BENCH_TIMESTEPS = 240;
