/**
 * Helpers for the blocks' shape rules (tfjs-layers 4.22 / Keras 2, channels_last).
 * formatShape and convOutputLength are public (re-exported by shapes.ts).
 */
import type { IssueCode } from '../shapes';
import type { Params, RuleIssue, RuleOut, Shape } from './types';

/** Keras's printed form: `(None, 240, 14)`; a one-axis shape prints `(None,)`. */
export function formatShape(shape: Shape | null | undefined): string {
  if (!shape) return '?';
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** tfjs convOutputLength ('causal' keeps the length, as Keras does). */
export function convOutputLength(len: number | null, k: number, padding: string, stride: number, dilation = 1): number | null {
  if (len === null) return null;
  const dk = k + (k - 1) * (dilation - 1);
  const out = padding === 'same' || padding === 'causal' ? len : len - dk + 1;
  return Math.floor((out + stride - 1) / stride);
}

export function ok(shape: Shape, timeAxis: number | null, trainable = 0, nonTrainable = 0, issues: RuleIssue[] = []): RuleOut {
  return { shape, timeAxis, trainable, nonTrainable, issues };
}

export function fail(code: IssueCode, params: Record<string, string | number> = {}): RuleOut {
  return { shape: null, timeAxis: null, trainable: 0, nonTrainable: 0, issues: [{ code, params }] };
}

const RANK_NEED: Record<number, IssueCode> = { 2: 'needs_vector', 3: 'needs_sequence', 4: 'needs_image', 5: 'needs_video' };

/** A failure when `s` does not have `rank` axes (batch included). */
export function needRank(s: Shape, rank: number): RuleOut | null {
  return s.length === rank ? null : fail(RANK_NEED[rank]!, { shape: formatShape(s), rank: s.length });
}

/** A failure when the last axis (the features) is unknown. */
export function needFeatures(s: Shape): RuleOut | null {
  return s[s.length - 1] == null ? fail('unknown_feature_size', { shape: formatShape(s) }) : null;
}

export const num = (p: Params, k: string): number => (typeof p[k] === 'number' ? (p[k] as number) : 0);

/** A per-axis param as `rank` numbers (a single number repeats; nulls count as 1). */
export const arr = (p: Params, k: string, rank: number): number[] => {
  const v = p[k];
  if (Array.isArray(v)) return v.map((x) => x ?? 1);
  if (typeof v === 'number') return Array.from({ length: rank }, () => v);
  return Array.from({ length: rank }, () => 1);
};

/**
 * The spatial output dims of an n-D convolution or pooling over axes `first`.. of `s`
 * (pools: null strides = pool size), with `kernel_larger_than_input` where one runs out.
 */
export function spatial(s: Shape, first: number, p: Params, isPool: boolean, rank: number): { dims: (number | null)[]; issues: RuleIssue[] } {
  const k = arr(p, isPool ? 'pool_size' : 'kernel_size', rank);
  const st = isPool && (p.strides === null || p.strides === undefined) ? k : arr(p, 'strides', rank);
  const pad = String(p.padding ?? 'valid');
  const issues: RuleIssue[] = [];
  const dims = k.map((kk, i) => {
    const len = s[first + i] ?? null;
    const out = convOutputLength(len, kk, pad, st[i] ?? 1);
    if (len !== null && out !== null && out <= 0) issues.push({ code: 'kernel_larger_than_input', params: { axis: first + i, size: len, kernel: kk } });
    return out;
  });
  return { dims, issues };
}
