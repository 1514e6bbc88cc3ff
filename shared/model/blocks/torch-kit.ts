/**
 * Shared parts of the blocks' PyTorch forms (`BlockDef.torch`; main/engine/export/pytorch.ts
 * writes them into model.py): Python literals, the activations, weight lookups and axis
 * permutations. Every module takes and returns Keras's channels-last layout, so layers that
 * only move values (Flatten, Reshape, Concatenate) keep Keras's order without any permuting.
 */
import { ACTIVATIONS, RECURRENT_ACTIVATIONS } from './params';
import type { TorchArray, TorchCode, TorchModule, TorchResult, TorchSource } from './types';

/** A config value as a Python literal (lists for shapes: torch takes them as tuples). */
export function pyLit(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyLit).join(', ')}]`;
  throw new Error(`no Python literal for ${typeof v}`);
}

export const refuse = (why: string): TorchResult => ({ refuse: why });
export const isRefusal = (r: TorchResult): r is { refuse: string } => 'refuse' in r;

/** Keras activations as tfjs-layers 4.22 computes them (activations.js, backend hardSigmoid). */
export const ACTIVATION_CODE: TorchCode = {
  name: 'activation',
  source: `def activation(name):
    """A Keras activation as tfjs-layers computes it (hard_sigmoid is clip(0.2 x + 0.5, 0, 1), the Keras 2 form)."""
    return {
        "linear": lambda x: x,
        "relu": torch.relu,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "hard_sigmoid": lambda x: torch.clamp(0.2 * x + 0.5, 0.0, 1.0),
        "softmax": lambda x: torch.softmax(x, dim=-1),
        "elu": F.elu,
        "selu": F.selu,
        "softplus": F.softplus,
        "softsign": F.softsign,
    }[name]`,
};
const KNOWN_ACTIVATIONS = new Set<string>([...ACTIVATIONS, ...RECURRENT_ACTIVATIONS]);

/** The activation `cfg[key]` as a Python string, or null where model.py has no such activation. */
export function torchActivation(cfg: Record<string, unknown>, key = 'activation'): string | null {
  const name = cfg[key] ?? 'linear';
  return typeof name === 'string' && KNOWN_ACTIVATIONS.has(name) ? pyLit(name) : null;
}

/** A size of an n-D layer (tfjs writes `[5]`, Keras may write `5`), as `rank` numbers. */
export function cfgSizes(cfg: Record<string, unknown>, key: string, rank: number, def?: number): number[] {
  const v = cfg[key] ?? def;
  return Array.isArray(v) ? v.map(Number) : Array.from({ length: rank }, () => Number(v));
}

/** Whether a normalisation's config axis (-1, 2 or [2]: tfjs writes it counted from the batch axis) is the input's last axis only. */
export function lastAxisOnly(layer: Pick<TorchSource, 'config' | 'inputShapes'>): boolean {
  const axis = [layer.config.axis ?? -1].flat();
  const rank = layer.inputShapes[0]?.length ?? 0;
  return axis.length === 1 && (axis[0] === -1 || axis[0] === rank - 1);
}

/** A layer variable by its Keras name (`kernel`). */
export function kerasWeight(layer: TorchSource, name: string): TorchArray | undefined {
  return layer.weights.find((w) => w.name === name);
}

/** The named variable, or `fill` of `shape` where the layer has none (no bias: adding 0 is exact). */
export function weightOr(layer: TorchSource, name: string, shape: number[], fill: number, key = name): TorchArray {
  const w = kerasWeight(layer, name);
  return { name: key, shape: w ? w.shape : shape, data: w ? w.data : new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill) };
}

/** The array with its axes permuted (output axis i is input axis perm[i]), under a new name. */
export function permute(a: TorchArray, perm: number[], name: string): TorchArray {
  const shape = perm.map((p) => a.shape[p]!);
  const inStrides = a.shape.map((_, i) => a.shape.slice(i + 1).reduce((x, y) => x * y, 1));
  const steps = perm.map((p) => inStrides[p]!);
  const out = new Float32Array(a.data.length);
  const idx = shape.map(() => 0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = a.data[src]!;
    for (let i = shape.length - 1; i >= 0; i--) {
      idx[i]!++;
      src += steps[i]!;
      if (idx[i]! < shape[i]!) break;
      src -= steps[i]! * shape[i]!;
      idx[i] = 0;
    }
  }
  return { name, shape, data: out };
}

/** The same arrays under `prefix` (a submodule's state-dict keys). */
export const prefixed = (prefix: string, weights: TorchArray[]): TorchArray[] => weights.map((w) => ({ ...w, name: `${prefix}${w.name}` }));

/** A module without weights. */
export const plain = (module: string, ...code: TorchCode[]): TorchModule => ({ module, code, weights: [] });
