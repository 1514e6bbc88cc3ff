/** Parameter definitions and text shared by several blocks. */
import type { Bilingual, BlockDef, Keras3HardSigmoid, ParamDef } from './types';

export const L = (fa: string, en: string): Bilingual => ({ fa, en });

export const ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'hard_sigmoid', 'softmax', 'elu', 'selu', 'softplus', 'softsign'] as const;
export const RECURRENT_ACTIVATIONS = ['hard_sigmoid', 'sigmoid', 'tanh', 'relu', 'linear'] as const;

/**
 * BlockDef.keras3HardSigmoid for a layer whose weights' last axis is `keys.length` equal blocks
 * (gates), each feeding the activation that config key names: Dense ['activation'], GRU's
 * z, r, h ['recurrent_activation', 'recurrent_activation', 'activation']. `cannot`: keys whose
 * hard_sigmoid also acts on a value no weight column scales (LSTM's activation, on the cell state).
 */
export const hardSigmoidGates = (keys: readonly string[], cannot: readonly string[] = []) => (cfg: Record<string, unknown>): Keras3HardSigmoid => {
  const bad = cannot.find((k) => cfg[k] === 'hard_sigmoid');
  if (bad) return { refuse: bad };
  const gates = keys.map((k) => cfg[k] === 'hard_sigmoid');
  return gates.some(Boolean) ? { gates } : null;
};

/** BlockDef.keras3HardSigmoid of a wrapper: its variables are the wrapped layer's (Bidirectional: two copies). */
export const wrappedHardSigmoid = (cfg: Record<string, unknown>, inner?: BlockDef): Keras3HardSigmoid => {
  const layer = cfg.layer as { config?: Record<string, unknown> } | undefined;
  return inner?.keras3HardSigmoid?.(layer?.config ?? {}) ?? null;
};

/** Exactly one incoming edge. */
export const ONE = { min: 1, max: 1 } as const;

export const units = (def: number): ParamDef => ({ name: 'units', type: 'int', default: def, min: 1, max: 4096, label: L('تعداد واحدها', 'Units') });
export const activation = (def: string): ParamDef => ({ name: 'activation', type: 'enum', default: def, options: ACTIVATIONS, label: L('تابع فعال‌سازی', 'Activation') });
export const recurrentActivation: ParamDef = {
  name: 'recurrent_activation', type: 'enum', default: 'hard_sigmoid', options: RECURRENT_ACTIVATIONS,
  label: L('فعال‌سازی دروازه‌ها', 'Recurrent (gate) activation'),
};
export const dropout: ParamDef = { name: 'dropout', type: 'float', default: 0, min: 0, max: 0.99, label: L('دراپ‌اوت ورودی', 'Input dropout') };
export const recurrentDropout: ParamDef = { name: 'recurrent_dropout', type: 'float', default: 0, min: 0, max: 0.99, label: L('دراپ‌اوت حالت بازگشتی', 'Recurrent dropout') };
export const returnSequences: ParamDef = { name: 'return_sequences', type: 'bool', default: false, label: L('برگرداندن کل دنباله', 'Return the whole sequence') };
export const goBackwards: ParamDef = { name: 'go_backwards', type: 'bool', default: false, label: L('پیمایش از آخر به اول', 'Process backwards') };
export const filters = (def: number): ParamDef => ({ name: 'filters', type: 'int', default: def, min: 1, max: 4096, label: L('تعداد فیلترها', 'Filters') });
export const padding = (withCausal: boolean): ParamDef => ({
  name: 'padding', type: 'enum', default: 'valid', options: withCausal ? ['valid', 'same', 'causal'] : ['valid', 'same'],
  label: L('لایه‌گذاری (پدینگ)', 'Padding'),
});
export const shapeParam = (name: string, rank: number, def: number | null, label: Bilingual, nullable = false): ParamDef => ({
  name, type: 'shape', rank, default: def === null ? null : Array.from({ length: rank }, () => def), min: 1, max: 1024, nullable, label,
});
export const kernelLabel = L('اندازهٔ هسته', 'Kernel size');
export const stridesLabel = L('گام', 'Strides');
export const poolLabel = L('اندازهٔ پنجرهٔ ادغام', 'Pool size');
export const poolStridesLabel = L('گام (خالی = برابر پنجره)', 'Strides (empty = pool size)');
/** One axis of an input block's shape. */
export const dim = (name: string, def: number | null, label: Bilingual, nullable = false): ParamDef => ({
  name, type: 'int', default: def, min: 1, max: 100_000, nullable, label,
});
export const epsilon: ParamDef = { name: 'epsilon', type: 'float', default: 0.001, min: 0, max: 1, label: L('اپسیلون', 'Epsilon') };

/** Default random initializers (Keras 2 / tfjs): a layer with a kernel, one with a recurrent kernel too. */
export const KERNEL_INIT = { kernel_initializer: 'GlorotUniform' } as const;
export const RECURRENT_INIT = { kernel_initializer: 'GlorotUniform', recurrent_initializer: 'Orthogonal' } as const;
