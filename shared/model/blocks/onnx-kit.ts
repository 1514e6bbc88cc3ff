/**
 * Shared parts of the blocks' ONNX forms (`BlockDef.onnx`; main/engine/export/onnx.ts assembles
 * them into model.onnx, opset 17): the activations, the layout moves ONNX needs (channels-first
 * convolutions and pooling, time-major recurrent ops), TensorFlow's padding as explicit pads,
 * and weight lookups. Every form takes and gives Keras's channels-last layout, so the layers
 * that only move values (Flatten, Reshape, Concatenate) keep Keras's order without permuting.
 */
import type { OnnxAttr, OnnxGraph, OnnxResult, OnnxSource, Shape, TorchArray } from './types';

export const cannot = (why: string): OnnxResult => ({ refuse: why });
export const isOnnxRefusal = (r: OnnxResult): r is { refuse: string } => 'refuse' in r;
export const out = (output: string): OnnxResult => ({ output });

export const int = (i: number): OnnxAttr => ({ i });
export const ints = (v: number[]): OnnxAttr => ({ ints: v });
export const float = (f: number): OnnxAttr => ({ f });
export const str = (s: string): OnnxAttr => ({ s });

/**
 * Keras activations as ONNX operators over the last axis, as tfjs-layers 4.22 computes them:
 * hard_sigmoid is clip(0.2 x + 0.5, 0, 1) (ONNX HardSigmoid's defaults), selu uses the same
 * constants as tfjs, softmax runs over the last axis (opset 13+ semantics).
 */
const ACTIVATION_OPS: Readonly<Record<string, ((g: OnnxGraph, x: string) => string) | undefined>> = {
  linear: (_g, x) => x,
  relu: (g, x) => g.op('Relu', [x]),
  tanh: (g, x) => g.op('Tanh', [x]),
  sigmoid: (g, x) => g.op('Sigmoid', [x]),
  hard_sigmoid: (g, x) => g.op('HardSigmoid', [x], { alpha: float(0.2), beta: float(0.5) }),
  softmax: (g, x) => g.op('Softmax', [x], { axis: int(-1) }),
  elu: (g, x) => g.op('Elu', [x], { alpha: float(1) }),
  selu: (g, x) => g.op('Selu', [x], { alpha: float(1.6732632423543772), gamma: float(1.0507009873554805) }),
  softplus: (g, x) => g.op('Softplus', [x]),
  softsign: (g, x) => g.op('Softsign', [x]),
};

/** `cfg[key]` applied to `x`, or null where ONNX has no such activation here. */
export function onnxActivation(g: OnnxGraph, x: string, cfg: Record<string, unknown>, key = 'activation'): string | null {
  const name = cfg[key] ?? 'linear';
  const f = typeof name === 'string' ? ACTIVATION_OPS[name] : undefined;
  return f ? f(g, x) : null;
}

/**
 * The recurrent ops' own activation names (ONNX RNN/GRU/LSTM `activations`) with the alpha and
 * beta each takes: onnxruntime consumes activation_alpha / activation_beta in order, only for the
 * activations that take them.
 */
const RNN_ACTIVATIONS: Readonly<Record<string, { name: string; alpha?: number; beta?: number } | undefined>> = {
  tanh: { name: 'Tanh' },
  sigmoid: { name: 'Sigmoid' },
  relu: { name: 'Relu' },
  hard_sigmoid: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
  linear: { name: 'Affine', alpha: 1, beta: 0 },
  elu: { name: 'Elu', alpha: 1 },
  softplus: { name: 'Softplus' },
  softsign: { name: 'Softsign' },
};

/** The `activations`, `activation_alpha` and `activation_beta` attributes for these Keras names, or null. */
export function rnnActivations(names: unknown[]): Record<string, OnnxAttr> | null {
  const acts = names.map((n) => (typeof n === 'string' ? RNN_ACTIVATIONS[n] : undefined));
  if (acts.some((a) => !a)) return null;
  const alphas = acts.flatMap((a) => (a!.alpha === undefined ? [] : [a!.alpha]));
  const betas = acts.flatMap((a) => (a!.beta === undefined ? [] : [a!.beta]));
  return {
    activations: { strings: acts.map((a) => a!.name) },
    ...(alphas.length ? { activation_alpha: { floats: alphas } } : {}),
    ...(betas.length ? { activation_beta: { floats: betas } } : {}),
  };
}

/** channels-last (batch, ...spatial, c) -> channels-first (batch, c, ...spatial), `rank` spatial axes. */
export const toChannelsFirst = (g: OnnxGraph, x: string, rank: number): string =>
  g.op('Transpose', [x], { perm: ints([0, rank + 1, ...Array.from({ length: rank }, (_, i) => i + 1)]) }, 'to_channels_first');

/** channels-first back to Keras's channels-last. */
export const toChannelsLast = (g: OnnxGraph, x: string, rank: number): string =>
  g.op('Transpose', [x], { perm: ints([0, ...Array.from({ length: rank }, (_, i) => i + 2), 1]) }, 'to_channels_last');

/** Swaps the first two axes: Keras's (batch, time, ...) <-> the recurrent ops' (time, batch, ...). */
export const swapBatchTime = (g: OnnxGraph, x: string, stem: string): string => g.op('Transpose', [x], { perm: ints([1, 0, 2]) }, stem);

/** The steps of axis 1 in reverse order (Keras's go_backwards reads from the last step). */
export const reverseTime = (g: OnnxGraph, x: string): string =>
  // ends at INT64_MIN: the slice runs down through step 0 whatever the length
  g.op('Slice', [x, g.int64s('last', [-1]), g.int64s('before_first', [-(2 ** 63)]), g.int64s('time_axis', [1]), g.int64s('backwards', [-1])], {}, 'reversed');

/**
 * A convolution's or pooling's padding, TensorFlow's way: `same` pads (k_eff - 1) with the odd
 * entry at the end (where the length is unknown and the stride above 1, ONNX's SAME_UPPER does
 * the same at run time), `causal` pads before only, `valid` nothing. Null: a padding ONNX has no
 * form for here.
 */
export function tfPads(inShape: Shape, size: number[], strides: number[], dilation: number[], padding: string): Record<string, OnnxAttr> | null {
  if (padding === 'valid') return {};
  const spatial = inShape.slice(1, 1 + size.length);
  const before: number[] = [];
  const after: number[] = [];
  for (const [i, k] of size.entries()) {
    const eff = (k - 1) * (dilation[i] ?? 1) + 1;
    const n = spatial[i];
    let total: number;
    if (padding === 'causal') total = eff - 1;
    else if (padding !== 'same') return null;
    else if (strides[i] === 1) total = eff - 1;
    else if (typeof n === 'number') total = Math.max((Math.ceil(n / strides[i]!) - 1) * strides[i]! + eff - n, 0);
    else return (dilation[i] ?? 1) === 1 && padding === 'same' ? { auto_pad: str('SAME_UPPER') } : null;
    const b = padding === 'causal' ? total : Math.floor(total / 2);
    before.push(b);
    after.push(total - b);
  }
  return { pads: ints([...before, ...after]) };
}

/** A layer variable by its Keras name. */
export const onnxWeight = (layer: OnnxSource, name: string): TorchArray | undefined => layer.weights.find((w) => w.name === name);

/** The named variable, or `fill` of `shape` where the layer has none (no bias: adding 0 is exact). */
export function weightOrFill(layer: OnnxSource, name: string, shape: number[], fill: number): TorchArray {
  return onnxWeight(layer, name) ?? { name, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill) };
}

/** A float32 initializer holding this array. */
export const constant = (g: OnnxGraph, a: TorchArray, stem = a.name): string => g.floats(stem, a.shape, a.data);
