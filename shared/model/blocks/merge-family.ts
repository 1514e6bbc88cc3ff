/** Shared parts of the merge blocks (Concatenate, Add). */
import { fail, formatShape } from './shape-kit';
import type { RuleOut, Shape } from './types';

/** Inputs of one rank and their common time axis, or the failure. */
export function mergeInputs(ins: Shape[], times: (number | null)[]): { text: string; rank: number; sameTime: number | null } | RuleOut {
  const text = ins.map(formatShape).join(' + ');
  const rank = ins[0]!.length;
  if (ins.some((s) => s.length !== rank)) return fail('merge_shape_mismatch', { shapes: text });
  const sameTime = times.every((x) => x === times[0]) ? times[0]! : null;
  return { text, rank, sameTime };
}

export function isFailure(x: object): x is RuleOut {
  return 'issues' in x;
}
