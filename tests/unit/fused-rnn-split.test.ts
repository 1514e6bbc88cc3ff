/**
 * The fused recurrent op cut into batch chunks (assembly/rnn/chunks.ts, op.ts chunkSize)
 * and shared by the kernel threads: every chunk has its own time-major layout at its own
 * offset, so a wrong offset or a wrong last chunk shows up as a wrong sample. Checked on
 * batches of several chunks with a short last one, a batch smaller than the thread count,
 * masks, go_backwards, return_sequences and every cell (reset_after GRU included):
 *   - against tfjs's own layers (forward 1e-5, gradients 1e-4),
 *   - against the whole batch as one chunk on one thread ('rnn-split' off, the earlier op),
 *   - and the threads against one thread: the same numbers to the bit (the chunks, and the
 *     order their weight gradients are summed in, do not depend on the threads).
 */
import { availableParallelism } from 'node:os';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../shared/random';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { fuseLayer, fusedRnn, loadRnnWasm, rnnWasm, type RnnLayerLike } from '../../main/engine/kernels/rnn';
import { ACTIVATION_CODES, chunkSize, type RnnSpec } from '../../main/engine/kernels/rnn/op';
import { FUSED_SWITCHES } from '../../main/engine/kernels/switches';

type Cell = 'SimpleRNN' | 'GRU' | 'GRU-RA' | 'LSTM';

interface Case {
  cell: Cell;
  B: number;
  T: number;
  I: number;
  U: number;
  returnSequences: boolean;
  goBackwards: boolean;
  activation: string;
  recurrentActivation: string;
  dropout: boolean;
  recurrentDropout: boolean;
  seed: number;
}

const GATES: Record<Cell, number> = { SimpleRNN: 1, GRU: 3, 'GRU-RA': 3, LSTM: 4 };

function specOf(c: Case): RnnSpec {
  return {
    cell: c.cell === 'GRU-RA' ? 'GRU' : c.cell,
    units: c.U,
    activation: ACTIVATION_CODES[c.activation]!,
    recurrentActivation: ACTIVATION_CODES[c.recurrentActivation]!,
    returnSequences: c.returnSequences,
    goBackwards: c.goBackwards,
    resetAfter: c.cell === 'GRU-RA',
  };
}

/** The op's output and its gradients (x, kernel, recurrent kernel, bias) for sum(y * r). */
function run(c: Case): Float32Array[] {
  const rand = mulberry32(c.seed);
  const vals = (n: number, s: number): Float32Array => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * s);
  const mask = (n: number, rate: number): Float32Array => Float32Array.from({ length: n }, () => (rand() < rate ? 0 : 1 / (1 - rate)));
  const GU = GATES[c.cell] * c.U;
  return tf.tidy(() => {
    const x = tf.tensor3d(vals(c.B * c.T * c.I, 2), [c.B, c.T, c.I]);
    const k = tf.tensor2d(vals(c.I * GU, 0.5), [c.I, GU]);
    const rk = tf.tensor2d(vals(c.U * GU, 0.5), [c.U, GU]);
    const b = c.cell === 'GRU-RA' ? tf.tensor2d(vals(2 * GU, 0.5), [2, GU]) : tf.tensor1d(vals(GU, 0.5));
    const masks = { x: c.dropout ? mask(c.B * c.I, 0.3) : null, h: c.recurrentDropout ? mask(c.B * c.U, 0.5) : null };
    const yShape = c.returnSequences ? [c.B, c.T, c.U] : [c.B, c.U];
    const r = tf.tensor(vals(yShape.reduce((p, q) => p * q, 1), 1), yShape);
    const spec = specOf(c);
    const f = (xx: tf.Tensor, kk: tf.Tensor, rr: tf.Tensor, bb: tf.Tensor): tf.Tensor => fusedRnn(rnnWasm()!, spec, xx, kk, rr, bb, masks, true);
    const y = fusedRnn(rnnWasm()!, spec, x, k, rk, b, masks, false);
    const g = tf.grads((xx: tf.Tensor, kk: tf.Tensor, rr: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, kk, rr, bb), r)))([x, k, rk, b]);
    return [y, ...g].map((t) => t.dataSync() as Float32Array).map((a) => Float32Array.from(a));
  });
}

/** Runs f with the kernel threads set aside (everything on this thread). */
function alone<T>(f: () => T): T {
  const w = rnnWasm()!;
  const team = w.team;
  w.team = null;
  try {
    return f();
  } finally {
    w.team = team;
  }
}

function withSplitOff<T>(f: () => T): T {
  process.env.SEQLAB_FUSED_OFF = 'rnn-split';
  try {
    return f();
  } finally {
    delete process.env.SEQLAB_FUSED_OFF;
  }
}

function maxRel(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!)));
  return m;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  cell: fc.constantFrom<Cell>('SimpleRNN', 'GRU', 'GRU-RA', 'LSTM'),
  // several chunks of 4 with a short last one, and batches of one chunk (1 sample: fewer than the threads)
  B: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 5, max: 23 })),
  T: fc.integer({ min: 1, max: 9 }),
  I: fc.integer({ min: 1, max: 7 }),
  U: fc.integer({ min: 1, max: 9 }),
  returnSequences: fc.boolean(),
  goBackwards: fc.boolean(),
  activation: fc.constantFrom('tanh', 'relu', 'sigmoid', 'hardSigmoid'),
  recurrentActivation: fc.constantFrom('sigmoid', 'hardSigmoid', 'tanh'),
  dropout: fc.boolean(),
  recurrentDropout: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

describe('fused recurrent op cut into batch chunks', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    await loadRnnWasm();
  });

  afterEach(() => {
    delete process.env.SEQLAB_FUSED_OFF;
  });

  it('cut the batch by its size alone (at least 4 samples, a multiple of 4), one chunk with rnn-split off', () => {
    expect(FUSED_SWITCHES['rnn-split']).toBeTruthy();
    expect(chunkSize(128)).toBe(8);
    expect(chunkSize(1)).toBe(4);
    expect(chunkSize(23)).toBe(4);
    expect(chunkSize(200)).toBe(16);
    expect(withSplitOff(() => chunkSize(128))).toBe(128);
    // the kernels run on a team of threads where the machine has two cores or more
    if (availableParallelism() > 1 && process.env.SEQLAB_THREADS === undefined) expect(rnnWasm()!.threads).toBeGreaterThan(1);
  });

  it('give the numbers of one thread to the bit, and those of the undivided batch (1e-5, gradients 1e-4)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const team = run(c);
        const one = alone(() => run(c));
        for (let i = 0; i < team.length; i++) expect(team[i], `output ${i}`).toEqual(one[i]);
        const whole = withSplitOff(() => run(c));
        expect(maxRel(whole[0]!, team[0]!)).toBeLessThan(1e-5);
        for (let i = 1; i < team.length; i++) expect(maxRel(whole[i]!, team[i]!), `gradient ${i}`).toBeLessThan(1e-4);
      }),
      { numRuns: 50, seed: 20261207 },
    );
  });

  it('match tfjs layers on batches of several chunks with a short last one', () => {
    // stock layers: no dropout there (masks are checked against the undivided op above,
    // and the undivided op against tfjs with masks in fused-rnn.test.ts)
    const cases: Array<Pick<Case, 'cell' | 'B' | 'returnSequences' | 'goBackwards'>> = [
      { cell: 'SimpleRNN', B: 13, returnSequences: true, goBackwards: true },
      { cell: 'GRU', B: 9, returnSequences: false, goBackwards: true },
      { cell: 'GRU', B: 17, returnSequences: true, goBackwards: false },
      { cell: 'LSTM', B: 11, returnSequences: true, goBackwards: true },
      { cell: 'LSTM', B: 6, returnSequences: false, goBackwards: false },
    ];
    for (const c of cases) {
      const T = 7;
      const I = 5;
      const U = 6;
      const make = (): tf.Sequential => {
        const m = tf.sequential();
        m.add(tf.layers.inputLayer({ inputShape: [T, I] }));
        const cfg = {
          units: U, returnSequences: c.returnSequences, goBackwards: c.goBackwards, recurrentActivation: 'sigmoid',
          kernelInitializer: tf.initializers.glorotUniform({ seed: c.B }),
          recurrentInitializer: tf.initializers.orthogonal({ seed: c.B + 1 }),
          biasInitializer: tf.initializers.randomNormal({ seed: c.B + 2 }),
        } as never;
        m.add(c.cell === 'SimpleRNN' ? tf.layers.simpleRNN(cfg) : c.cell === 'GRU' ? tf.layers.gru(cfg) : tf.layers.lstm(cfg));
        return m;
      };
      const stock = make();
      const fused = make();
      fused.setWeights(stock.getWeights());
      expect(fuseLayer(fused.layers.find((l) => l.getClassName() === c.cell) as unknown as RnnLayerLike, 3)).toBe(true);
      const x = tf.randomNormal([c.B, T, I], 0, 1, 'float32', c.B);
      const ys = stock.predict(x) as tf.Tensor;
      const yf = fused.predict(x) as tf.Tensor;
      expect(maxRel(ys.dataSync() as Float32Array, yf.dataSync() as Float32Array), `${c.cell} B=${c.B}`).toBeLessThan(1e-5);
      const r = tf.randomNormal(ys.shape, 0, 1, 'float32', c.B + 5);
      const grads = (m: tf.Sequential): Float32Array[] => {
        const f = (xx: tf.Tensor): tf.Scalar => tf.sum(tf.mul(m.apply(xx, { training: true }) as tf.Tensor, r));
        const vars = m.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
        const { grads: g } = tf.variableGrads(() => f(x), vars);
        return [tf.grad(f)(x), ...vars.map((v) => g[v.name]!)].map((t) => t.dataSync() as Float32Array);
      };
      const gs = grads(stock);
      const gf = grads(fused);
      for (let i = 0; i < gs.length; i++) expect(maxRel(gs[i]!, gf[i]!), `${c.cell} B=${c.B} gradient ${i}`).toBeLessThan(1e-4);
      stock.dispose();
      fused.dispose();
    }
  });

  it('run the lesson shape (batch 128, GRU(32)) in 16 chunks with the numbers of one thread', () => {
    const c: Case = { cell: 'GRU', B: 128, T: 24, I: 14, U: 32, returnSequences: false, goBackwards: false, activation: 'tanh', recurrentActivation: 'sigmoid', dropout: true, recurrentDropout: true, seed: 7 };
    const team = run(c);
    const one = alone(() => run(c));
    for (let i = 0; i < team.length; i++) expect(team[i]).toEqual(one[i]);
    const whole = withSplitOff(() => run(c));
    for (let i = 0; i < team.length; i++) expect(maxRel(whole[i]!, team[i]!)).toBeLessThan(i === 0 ? 1e-5 : 1e-4);
  });
});
