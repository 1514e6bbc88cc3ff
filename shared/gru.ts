/**
 * GRU gate math in the lesson's form, computed from weights stored in the Keras/tfjs layout.
 *
 * Pure TypeScript: no tfjs, no Node, no DOM. Used by the Lessons feature (gate explorer) and
 * checked against a real tfjs GRU layer in tests/unit/gru-gates.test.ts.
 *
 * Storage (Keras / tfjs-layers):
 *   kernel           [d, 3u]  columns ordered [z | r | h]
 *   recurrent_kernel [u, 3u]  columns ordered [z | r | h]
 *   bias             [3u]     ordered         [z | r | h]
 *                    (reset_after = true: [2, 3u], the input row `bias` and the recurrent row
 *                    `recurrentBias` here)
 *
 * Keras computes, with reset_after = false (the book's form, tfjs's own)
 *   z  = σ(x W_z + h_prev U_z + b_z)
 *   r  = σ(x W_r + h_prev U_r + b_r)
 *   h~ = tanh(x W_h + (r ⊙ h_prev) U_h + b_h)        (reset applied BEFORE the recurrent matrix)
 *   h  = z ⊙ h_prev + (1 − z) ⊙ h~
 * and with reset_after = true (TF2 Keras's default, torch.nn.GRU's form; b′ the recurrent bias)
 *   z  = σ(x W_z + b_z + h_prev U_z + b′_z),  r likewise
 *   h~ = tanh(x W_h + b_h + r ⊙ (h_prev U_h + b′_h))  (reset applied AFTER the recurrent matrix)
 *
 * The lesson writes the update gate the other way round, u = 1 − z:
 *   h  = u ⊙ h~ + (1 − u) ⊙ h_prev
 * which is the same number. σ is the layer's `recurrent_activation` (tfjs and Keras 2 default:
 * hard_sigmoid(x) = clip(0.2x + 0.5, 0, 1); TF2-Keras and PyTorch: the logistic sigmoid), and
 * tanh is the layer's `activation`.
 */

export interface GruWeights {
  /** [inputDim][3 * units], columns [z | r | h]. */
  kernel: number[][];
  /** [units][3 * units], columns [z | r | h]. */
  recurrentKernel: number[][];
  /** [3 * units], [z | r | h]; omitted or null when the layer has `use_bias: false`. */
  bias?: number[] | null;
  /** Keras's reset_after = true form (default false). */
  resetAfter?: boolean;
  /** reset_after = true: the recurrent bias row b′, [3 * units], [z | r | h]; null without bias. */
  recurrentBias?: number[] | null;
  /** Keras/tfjs activation name; default 'tanh'. */
  activation?: string;
  /** Keras/tfjs recurrent activation name; default 'hard_sigmoid' (the tfjs default). */
  recurrentActivation?: string;
}

export interface GruStep {
  /** Time index, 0-based. */
  t: number;
  /** Reset gate r_t. */
  r: number[];
  /** Update gate in the lesson's form, u_t = 1 − z_t. */
  u: number[];
  /** Keras's stored gate z_t (kept so the mapping can be shown). */
  z: number[];
  /** Candidate state h~_t. */
  candidate: number[];
  /** State before this step, h_{t−1}. */
  hPrev: number[];
  /** New state h_t. */
  h: number[];
}

export type ActivationFn = (x: number) => number;

const ACTIVATIONS: Record<string, ActivationFn> = {
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  hardsigmoid: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
  relu: (x) => (x > 0 ? x : 0),
  linear: (x) => x,
  softsign: (x) => x / (1 + Math.abs(x)),
  softplus: (x) => Math.log1p(Math.exp(x)),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  selu: (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * Math.expm1(x)),
  swish: (x) => x / (1 + Math.exp(-x)),
};

/** Normalise 'hard_sigmoid' / 'hardSigmoid' / 'HardSigmoid' to one key. */
export function normaliseActivationName(name: string): string {
  return name.replace(/[_\s-]/g, '').toLowerCase();
}

/** The scalar activation for a Keras/tfjs activation name; throws for an unknown name. */
export function activationByName(name: string): ActivationFn {
  const fn = ACTIVATIONS[normaliseActivationName(name)];
  if (!fn) throw new Error(`GRU: unsupported activation "${name}"`);
  return fn;
}

/** Units u and input width d of a weight set; throws when the shapes do not agree. */
export function gruDims(w: GruWeights): { units: number; inputDim: number } {
  const inputDim = w.kernel.length;
  const units = w.recurrentKernel.length;
  if (inputDim === 0 || units === 0) throw new Error('GRU: empty kernel or recurrent kernel');
  for (const row of w.kernel) {
    if (row.length !== 3 * units) throw new Error(`GRU: kernel rows must have ${3 * units} columns`);
  }
  for (const row of w.recurrentKernel) {
    if (row.length !== 3 * units) throw new Error(`GRU: recurrent kernel rows must have ${3 * units} columns`);
  }
  if (w.bias != null && w.bias.length !== 3 * units) throw new Error(`GRU: bias must have ${3 * units} values`);
  if (w.recurrentBias != null && w.recurrentBias.length !== 3 * units) throw new Error(`GRU: recurrent bias must have ${3 * units} values`);
  return { units, inputDim };
}

/**
 * Run the GRU over one input window [T][d] and return every step's gates and states.
 * `h0` is the initial state (zeros by default, as in Keras).
 */
export function gruSteps(w: GruWeights, window: number[][], h0?: number[]): GruStep[] {
  const { units, inputDim } = gruDims(w);
  const act = activationByName(w.activation ?? 'tanh');
  const rec = activationByName(w.recurrentActivation ?? 'hard_sigmoid');
  const K = w.kernel;
  const U = w.recurrentKernel;
  const b = w.bias ?? null;
  const after = w.resetAfter === true;
  // reset_after = true: the recurrent product carries its own bias (zeros without one)
  const rb = after ? (w.recurrentBias ?? null) : null;
  let hPrev = h0 ? h0.slice() : new Array<number>(units).fill(0);
  if (hPrev.length !== units) throw new Error(`GRU: initial state must have ${units} values`);

  const steps: GruStep[] = [];
  window.forEach((x, t) => {
    if (x.length !== inputDim) throw new Error(`GRU: input step ${t} must have ${inputDim} features`);
    const z = new Array<number>(units);
    const r = new Array<number>(units);
    // Gates z and r: x W + h_prev U + b (+ b′), columns [0, u) and [u, 2u).
    for (let j = 0; j < units; j++) {
      let az = (b ? b[j]! : 0) + (rb ? rb[j]! : 0);
      let ar = (b ? b[units + j]! : 0) + (rb ? rb[units + j]! : 0);
      for (let i = 0; i < inputDim; i++) {
        const row = K[i]!;
        az += x[i]! * row[j]!;
        ar += x[i]! * row[units + j]!;
      }
      for (let k = 0; k < units; k++) {
        const row = U[k]!;
        az += hPrev[k]! * row[j]!;
        ar += hPrev[k]! * row[units + j]!;
      }
      z[j] = rec(az);
      r[j] = rec(ar);
    }
    const candidate = new Array<number>(units);
    if (after) {
      // Candidate, reset_after = true: the reset gate scales the recurrent product h_prev U_h + b′_h.
      for (let j = 0; j < units; j++) {
        let a = b ? b[2 * units + j]! : 0;
        for (let i = 0; i < inputDim; i++) a += x[i]! * K[i]![2 * units + j]!;
        let rec2 = rb ? rb[2 * units + j]! : 0;
        for (let k = 0; k < units; k++) rec2 += hPrev[k]! * U[k]![2 * units + j]!;
        candidate[j] = act(a + r[j]! * rec2);
      }
    } else {
      // Candidate, reset_after = false: reset applied to h_prev before the recurrent matrix.
      const rh = hPrev.map((v, k) => r[k]! * v);
      for (let j = 0; j < units; j++) {
        let a = b ? b[2 * units + j]! : 0;
        for (let i = 0; i < inputDim; i++) a += x[i]! * K[i]![2 * units + j]!;
        for (let k = 0; k < units; k++) a += rh[k]! * U[k]![2 * units + j]!;
        candidate[j] = act(a);
      }
    }
    const u = z.map((v) => 1 - v);
    const h = candidate.map((c, j) => u[j]! * c + (1 - u[j]!) * hPrev[j]!);
    steps.push({ t, r, u, z, candidate, hPrev, h });
    hPrev = h;
  });
  return steps;
}

/** Final state h_T of a window (zeros for an empty window). */
export function gruFinalState(w: GruWeights, window: number[][], h0?: number[]): number[] {
  const steps = gruSteps(w, window, h0);
  const last = steps[steps.length - 1];
  return last ? last.h : (h0 ?? new Array<number>(gruDims(w).units).fill(0)).slice();
}
