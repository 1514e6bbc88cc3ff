/**
 * For the GRU gate explorer: the weights of a trained model's first GRU and the sequence
 * that reaches it for one validation sample (through any layers before it, e.g. Conv1D).
 */
import { AppError } from '../../../shared/errors';
import { tf } from '../platform/backend';
import type { SampleSource } from '../data/source';

export interface GruWindow {
  layer: string;
  kernel: number[][];
  recurrentKernel: number[][];
  bias: number[];
  /** Keras's reset_after=True form: `bias` is the input row, `recurrentBias` the recurrent row. */
  resetAfter: boolean;
  recurrentBias?: number[];
  activation: string;
  recurrentActivation: string;
  window: number[][];
}

function toPyName(name: string): string {
  // tfjs reports activations as camelCase class names (hardSigmoid); the lesson uses Keras's names.
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function gruWindow(model: tf.LayersModel, source: SampleSource, sample: number): GruWindow {
  const gru = model.layers.find((l) => l.getClassName() === 'GRU');
  if (!gru) throw new AppError('E_NOT_FOUND', { what: 'layer', id: 'GRU' });
  const cfg = gru.getConfig() as { activation?: string; recurrent_activation?: string; recurrentActivation?: string; reset_after?: boolean; use_bias?: boolean };
  const [kernel, recurrent, bias] = gru.getWeights();
  const n = source.count('validation');
  if (n < 1) throw new AppError('E_NOT_FOUND', { what: 'sample', id: String(sample) });
  const idx = Math.min(sample, n - 1);
  const x = new Float32Array(source.timesteps * source.features);
  const y = new Float32Array(source.targetSize);
  source.fill('validation', [idx], x, y);
  const inner = tf.model({ inputs: model.inputs, outputs: gru.input as tf.SymbolicTensor });
  const seq = tf.tidy(() => inner.predict(tf.tensor3d(x, [1, source.timesteps, source.features])) as tf.Tensor);
  const window = (seq.arraySync() as number[][][])[0]!;
  seq.dispose();
  const units = (recurrent!.shape[0] as number) ?? 0;
  const zeros = (): number[] => new Array<number>(3 * units).fill(0);
  // reset_after=True keeps the bias as two rows (input, recurrent)
  const resetAfter = (cfg as { resetAfter?: boolean }).resetAfter === true || cfg.reset_after === true;
  const rows = bias && resetAfter ? (bias.arraySync() as number[][]) : null;
  return {
    layer: gru.name,
    kernel: kernel!.arraySync() as number[][],
    recurrentKernel: recurrent!.arraySync() as number[][],
    bias: rows ? rows[0]! : bias ? (bias.arraySync() as number[]) : zeros(),
    resetAfter,
    ...(resetAfter ? { recurrentBias: rows ? rows[1]! : zeros() } : {}),
    activation: toPyName(String(cfg.activation ?? 'tanh')),
    recurrentActivation: toPyName(String(cfg.recurrent_activation ?? cfg.recurrentActivation ?? 'hard_sigmoid')),
    window,
  };
}
