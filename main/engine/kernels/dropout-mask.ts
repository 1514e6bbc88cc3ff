/**
 * Inverted-dropout masks for the fused recurrent ops (rnn/, convlstm/): each value is 0 with
 * probability `rate`, else 1/(1-rate), from the layer's own PRNG (seeded by the run's seed),
 * so a run repeats with its seed and every batch draws new masks.
 */
export function dropoutMask(rand: () => number, n: number, rate: number): Float32Array {
  const m = new Float32Array(n);
  const scale = 1 / (1 - rate);
  for (let i = 0; i < n; i++) m[i] = rand() >= rate ? scale : 0;
  return m;
}

/** Whether a layer's rate drops anything (Keras: 0 < rate < 1; other values are ignored). */
export const drops = (rate: number | undefined): boolean => rate !== undefined && rate > 0 && rate < 1;
