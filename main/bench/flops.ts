/**
 * Floating-point operations of a training batch, to set a measured speed against the
 * machine's peak (GFLOP/s achieved and its share of the peak).
 */
export interface GruShape {
  /** Batch size. */
  B: number;
  /** Timesteps. */
  T: number;
  /** Input features. */
  I: number;
  /** Units. */
  U: number;
}

/**
 * Forward FLOPs of a GRU layer (Keras reset_after=False, as the lesson's GRU), per batch:
 *   input projection   x_t · [W_z W_r W_h]          2·I·3U
 *   recurrent products h · [U_z U_r], (r∘h) · U_h    2·U·3U
 *   input bias                                       3U
 *   gates, elementwise: adding the recurrent parts (3U), the three activations (3U),
 *   r∘h (U), h' = z∘h + (1−z)∘ĥ (3U)                 10U
 * per sample and step, times B·T. A multiply-add counts as two operations.
 */
export function gruForwardFlops({ B, T, I, U }: GruShape): number {
  return B * T * (2 * I * 3 * U + 2 * U * 3 * U + 3 * U + 10 * U);
}

/**
 * A training batch: the forward pass and the backward pass, which computes two products for
 * each forward one (the gradient with respect to the input and to the weights), so ≈ 2x the
 * forward: 3x forward in all. The Dense(1) head (2·U·B) and the optimizer update are left out
 * (under 0.1 %).
 */
export function gruTrainingFlops(shape: GruShape): number {
  return 3 * gruForwardFlops(shape);
}

/** The lesson's GRU(32) on Jena windows: B=128, T=240, I=14. */
export const LESSON_GRU: GruShape = { B: 128, T: 240, I: 14, U: 32 };
