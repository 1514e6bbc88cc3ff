/** Shared parts of the recurrent blocks (SimpleRNN, LSTM, GRU; ConvLSTM2D uses the config and rule shape). */
import { needFeatures, needRank, ok } from './shape-kit';
import type { LayerRule, Params, RuleIssue, Shape } from './types';

/** What Keras 2 / tfjs write for every recurrent layer beyond its params. */
export const RNN_FIXED = { use_bias: true, return_state: false, stateful: false, unroll: false } as const;

/** The output of a recurrent layer with `size` state units: the last step, or every step with return_sequences. */
export function recurrentOut(p: Params, s: Shape, size: (number | null)[], count: number, issues: RuleIssue[] = []) {
  return p.return_sequences ? ok([null, s[1] ?? null, ...size], 1, count, 0, issues) : ok([null, ...size], null, count, 0, issues);
}

/**
 * The rule of a (None, T, d) -> (None, units) recurrent layer with `gates` weight blocks:
 * gates x (d*u + u*u + biases*u) parameters.
 */
export function rnnRule(gates: number, biases: (p: Params) => number = () => 1, issues: (p: Params) => RuleIssue[] = () => []): LayerRule {
  return (p, s) => {
    const bad = needRank(s, 3) ?? needFeatures(s);
    if (bad) return bad;
    const d = s[2] as number;
    const u = typeof p.units === 'number' ? p.units : 0;
    return recurrentOut(p, s, [u], gates * (d * u + u * u + biases(p) * u), issues(p));
  };
}

/** HDF5 weight names inside the layer's cell: `gru/gru_cell/kernel:0`. */
export const cellPath = (cell: string) => (): string => `${cell}/`;
