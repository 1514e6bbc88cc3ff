/** Shared parts of the convolution and pooling blocks. */
import { L, kernelLabel, poolLabel, poolStridesLabel, shapeParam, stridesLabel } from './params';
import { arr, convOutputLength, needFeatures, needRank, num, ok, spatial } from './shape-kit';
import type { LayerRule, ParamDef, RuleIssue } from './types';

/** What Keras 2 / tfjs write for an n-D (n > 1) convolution beyond its params. */
export const convFixed = (rank: number) => ({ use_bias: true, data_format: 'channels_last', dilation_rate: Array.from({ length: rank }, () => 1) });
/** What Keras 2 / tfjs write for an n-D (n > 1) pooling beyond its params. */
export const POOL_ND_FIXED = { data_format: 'channels_last' } as const;

/** A 1-D size written as `[k]` in the Keras config. */
export const size1d = (name: string, def: number | null, label: typeof kernelLabel, nullable = false, nullAs?: string): ParamDef => ({
  name, type: 'int', default: def, min: 1, max: 1024, tuple: true, label, ...(nullable ? { nullable } : {}), ...(nullAs ? { nullAs } : {}),
});

/** pool_size and strides (null = pool size) of a 1-D pooling. */
export const pool1dParams = (): ParamDef[] => [size1d('pool_size', 2, poolLabel), size1d('strides', null, poolStridesLabel, true, 'pool_size')];

/** pool_size and strides (null = pool size) of an n-D pooling. */
export const poolNdParams = (rank: number): ParamDef[] => [
  shapeParam('pool_size', rank, 2, poolLabel),
  { ...shapeParam('strides', rank, null, poolStridesLabel, true), nullAs: 'pool_size' },
];

/** kernel_size and strides of an n-D convolution. */
export const convNdParams = (rank: number, kernel: number): ParamDef[] => [shapeParam('kernel_size', rank, kernel, kernelLabel), shapeParam('strides', rank, 1, stridesLabel)];

export const dilationLabel = L('نرخ گشادی', 'Dilation rate');

/** (None, T, d) -> (None, T', d): 1-D pooling over time. */
export const pool1dRule: LayerRule = (p, s, t) => {
  const bad = needRank(s, 3);
  if (bad) return bad;
  const k = num(p, 'pool_size');
  const st = p.strides === null ? k : num(p, 'strides');
  const T = s[1] ?? null;
  const out = convOutputLength(T, k, String(p.padding), st);
  const issues: RuleIssue[] = [];
  if (T !== null && out !== null && out <= 0) issues.push({ code: 'no_time_steps_left', params: { length: T, pool: k } });
  return ok([null, out, s[2] ?? null], t, 0, 0, issues);
};

/** (None, T, d) -> (None, d): global pooling over time. */
export const globalPool1dRule: LayerRule = (_p, s) => needRank(s, 3) ?? ok([null, s[2] ?? null], null);

/**
 * An n-D convolution over axes 1..n: (None, ...spatial, c) -> (None, ...spatial', filters).
 * `keepsTime`: the first spatial axis is the time axis (Conv3D over frames).
 */
export function convNdRule(rank: number, keepsTime: boolean): LayerRule {
  return (p, s, t) => {
    const bad = needRank(s, rank + 2) ?? needFeatures(s);
    if (bad) return bad;
    const f = num(p, 'filters');
    const k = arr(p, 'kernel_size', rank);
    const { dims, issues } = spatial(s, 1, p, false, rank);
    const count = k.reduce((a, b) => a * b, 1) * (s[s.length - 1] as number) * f + f;
    return ok([null, ...dims, f], keepsTime ? t : null, count, 0, issues);
  };
}

/** An n-D pooling over axes 1..n; channels stay. */
export function poolNdRule(rank: number, keepsTime: boolean): LayerRule {
  return (p, s, t) => {
    const bad = needRank(s, rank + 2);
    if (bad) return bad;
    const { dims, issues } = spatial(s, 1, p, true, rank);
    return ok([null, ...dims, s[s.length - 1] ?? null], keepsTime ? t : null, 0, 0, issues);
  };
}
