/**
 * The fused recurrent kernels (main/engine/kernels/rnn) against tfjs's own layers on the
 * wasm backend: forward outputs within 1e-5, gradients within 1e-4 on random shapes and
 * settings, dropout semantics (Keras's, against the patched stock GRU cell), Bidirectional and stacked models built from JSON, and a
 * short training run whose loss curve must match the stock layers'.
 */
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { toKerasSpec } from '../../shared/model/graph';
import { PRESETS } from '../../shared/model/presets';
import { mulberry32 } from '../../shared/random';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { fuseLayer, fusedRnn, fusedRnnStatus, fusedSpec, installFusedRnn, loadRnnWasm, patchGruCell, rnnWasm, type RnnLayerLike } from '../../main/engine/kernels/rnn';
import { buildModel } from '../../main/engine/model/build';
import { gradients, maxRelDiff } from './kernel-checks';

type Cell = 'SimpleRNN' | 'GRU' | 'LSTM';

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
  useBias: boolean;
  seed: number;
}

function rnnLayer(c: Pick<Case, 'cell' | 'U' | 'returnSequences' | 'goBackwards' | 'activation' | 'recurrentActivation' | 'useBias' | 'seed'>, extra: Record<string, unknown> = {}): tf.RNN {
  // seeded initializers: every case is the same on every run
  const cfg = {
    units: c.U, returnSequences: c.returnSequences, goBackwards: c.goBackwards, activation: c.activation, useBias: c.useBias,
    kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed }),
    recurrentInitializer: tf.initializers.orthogonal({ seed: c.seed + 1 }),
    biasInitializer: tf.initializers.randomNormal({ seed: c.seed + 2 }),
    ...extra,
  } as Record<string, unknown>;
  if (c.cell === 'SimpleRNN') return tf.layers.simpleRNN(cfg as never) as tf.RNN;
  cfg.recurrentActivation = c.recurrentActivation;
  return (c.cell === 'GRU' ? tf.layers.gru(cfg as never) : tf.layers.lstm(cfg as never)) as tf.RNN;
}

/** A stock model and an identical copy (same weights) whose recurrent layer is fused. */
function pair(c: Case, extra: Record<string, unknown> = {}, head?: () => tf.layers.Layer): { stock: tf.Sequential; fused: tf.Sequential } {
  const make = (): tf.Sequential => {
    const m = tf.sequential();
    m.add(tf.layers.inputLayer({ inputShape: [c.T, c.I] }));
    m.add(rnnLayer(c, extra));
    if (head) m.add(head());
    return m;
  };
  const stock = make();
  const fused = make();
  fused.setWeights(stock.getWeights());
  expect(fuseLayer(fused.layers.find((l) => l.getClassName() === c.cell) as unknown as RnnLayerLike, c.seed)).toBe(true);
  return { stock, fused };
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

const caseArb = (cells: Cell[]): fc.Arbitrary<Case> =>
  fc.record({
    cell: fc.constantFrom(...cells),
    B: fc.integer({ min: 1, max: 5 }),
    // (tfjs's own layers cannot differentiate a single timestep: K.rnn's gradient stacks an empty list)
    T: fc.integer({ min: 2, max: 7 }),
    I: fc.integer({ min: 1, max: 6 }),
    U: fc.integer({ min: 1, max: 9 }),
    returnSequences: fc.boolean(),
    goBackwards: fc.boolean(),
    activation: fc.constantFrom('tanh', 'relu', 'linear', 'sigmoid', 'hardSigmoid'),
    recurrentActivation: fc.constantFrom('sigmoid', 'hardSigmoid', 'tanh', 'relu', 'linear'),
    useBias: fc.boolean(),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  });

describe('fused recurrent kernels', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    await loadRnnWasm();
  });

  afterEach(() => {
    delete process.env.SEQLAB_FUSED;
  });

  it('carry no subnormal numbers back through a long sequence, and stay within tfjs’s gradients there', async () => {
    // 400 timesteps: the gradient reaching the first ones decays far below float32's smallest
    // normal number; computing on subnormals is ~100x slower per operation on Intel cores, so
    // the kernels cut gradients below 2^-100 (what is dropped is below any float32 resolution)
    for (const cell of ['GRU', 'LSTM', 'SimpleRNN'] as const) {
      const c: Case = { cell, B: 4, T: 400, I: 3, U: 8, returnSequences: false, goBackwards: false, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, seed: 77 };
      const { stock, fused } = pair(c);
      const x = tf.randomNormal([4, 400, 3], 0, 1, 'float32', 5);
      const r = tf.randomNormal([4, 8], 0, 1, 'float32', 6);
      const gf = gradients(fused, x, r);
      const gs = gradients(stock, x, r);
      for (let i = 0; i < gs.length; i++) expect(maxRelDiff(gs[i]!, gf[i]!), `${cell} gradient ${i}`).toBeLessThan(1e-4);
      const dx = gf[0]!.dataSync();
      // the stock layer's input gradient does reach the subnormal range here (the test has a point)
      expect(Array.from(gs[0]!.dataSync()).some((v) => v !== 0 && Math.abs(v) < 1.1754944e-38), cell).toBe(true);
      expect(Array.from(dx).filter((v) => v !== 0 && Math.abs(v) < 1.1754944e-38), cell).toEqual([]);
    }
  });

  it('run on the wasm backend with the kernels loaded, as the backend report says', async () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(rnnWasm()).not.toBeNull();
    expect((await initBackend()).fusedKernels).toBe(true);
  });

  it('match tfjs forward (1e-5) and gradients (1e-4) on random shapes and settings', () => {
    fc.assert(
      fc.property(caseArb(['SimpleRNN', 'GRU', 'LSTM']), (c) => {
        const { stock, fused } = pair(c);
        const rand = mulberry32(c.seed);
        const x = tf.tensor3d(Float32Array.from({ length: c.B * c.T * c.I }, () => rand() * 4 - 2), [c.B, c.T, c.I]);
        const ys = stock.predict(x) as tf.Tensor;
        const yf = fused.predict(x) as tf.Tensor;
        expect(yf.shape).toEqual(ys.shape);
        // 1e-5 absolute; relative where unbounded gates (relu, linear) let values grow large
        expect(maxRelDiff(ys, yf)).toBeLessThan(1e-5);
        const r = tf.randomNormal(ys.shape, 0, 1, 'float32', c.seed);
        const gs = gradients(stock, x, r);
        const gf = gradients(fused, x, r);
        expect(gf).toHaveLength(gs.length);
        for (let i = 0; i < gs.length; i++) {
          expect(gf[i]!.shape).toEqual(gs[i]!.shape);
          expect(maxRelDiff(gs[i]!, gf[i]!)).toBeLessThan(1e-4);
        }
        tf.dispose([x, ys, yf, r, ...gs, ...gf]);
        stock.dispose();
        fused.dispose();
      }),
      { numRuns: 60, seed: 20261128 },
    );
  });

  it('cover the batch shape of the lesson (units a multiple of 4, long sequence)', () => {
    for (const cell of ['GRU', 'LSTM'] as Cell[]) {
      const c: Case = { cell, B: 9, T: 40, I: 14, U: 32, returnSequences: false, goBackwards: false, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, seed: 5 };
      const { stock, fused } = pair(c);
      const x = tf.randomNormal([c.B, c.T, c.I], 0, 1, 'float32', 3);
      expect(maxAbsDiff(stock.predict(x) as tf.Tensor, fused.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
      const r = tf.randomNormal([c.B, c.U], 0, 1, 'float32', 4);
      const gs = gradients(stock, x, r);
      const gf = gradients(fused, x, r);
      for (let i = 0; i < gs.length; i++) expect(maxRelDiff(gs[i]!, gf[i]!)).toBeLessThan(1e-4);
    }
  });

  it('apply dropout masks with Keras semantics (same masks: same outputs and gradients as the reference)', () => {
    // The reference is tfjs's own layer, except for GRU: tfjs 4.22's GRUCell blends with the
    // dropped-out state, Keras with h_{t-1} itself, so the stock GRU cell is given Keras's
    // step (patchGruCell; checked against plain arithmetic in gru-dropout.test.ts).
    // SimpleRNN and LSTM: tfjs already drops out only the recurrent products' input.
    for (const cell of ['SimpleRNN', 'GRU', 'LSTM'] as Cell[]) {
      const c: Case = { cell, B: 3, T: 5, I: 4, U: 6, returnSequences: true, goBackwards: cell === 'GRU', activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, seed: 9 };
      const { stock, fused } = pair(c, { dropout: 0.3, recurrentDropout: 0.5 });
      const rand = mulberry32(17);
      const mask = (n: number, rate: number): Float32Array => Float32Array.from({ length: n }, () => (rand() < rate ? 0 : 1 / (1 - rate)));
      const mx = mask(c.B * c.I, 0.3);
      const mh = mask(c.B * c.U, 0.5);
      const layer = stock.layers[stock.layers.length - 1] as unknown as RnnLayerLike & { cell: { dropoutMask: unknown; recurrentDropoutMask: unknown } };
      if (cell === 'GRU') expect(patchGruCell(layer.cell as never)).toBe(true);
      const count = cell === 'GRU' ? 3 : cell === 'LSTM' ? 4 : 1;
      const mxT = tf.keep(tf.tensor2d(mx, [c.B, c.I]));
      const mhT = tf.keep(tf.tensor2d(mh, [c.B, c.U]));
      // tfjs's RNN base call keeps a cell's masks when they are already set (the layer's own call clears them).
      const baseCall = Object.getPrototypeOf(Object.getPrototypeOf(layer)).call as (this: unknown, x: tf.Tensor, k: Record<string, unknown>) => tf.Tensor;
      const stockRun = (x: tf.Tensor): tf.Tensor => {
        layer.cell.dropoutMask = count === 1 ? mxT : Array(count).fill(mxT);
        layer.cell.recurrentDropoutMask = count === 1 ? mhT : Array(count).fill(mhT);
        return baseCall.call(layer, x, { training: true });
      };
      const fl = fused.layers[fused.layers.length - 1] as unknown as RnnLayerLike;
      const spec = fusedSpec(fl)!;
      const fusedRun = (x: tf.Tensor): tf.Tensor => fusedRnn(rnnWasm()!, spec, x, fl.cell.kernel.read(), fl.cell.recurrentKernel.read(), fl.cell.bias!.read(), { x: mx, h: mh }, true);
      const x = tf.randomNormal([c.B, c.T, c.I], 0, 1, 'float32', 11);
      const r = tf.randomNormal([c.B, c.T, c.U], 0, 1, 'float32', 12);
      expect(maxAbsDiff(stockRun(x), fusedRun(x))).toBeLessThan(1e-5);
      const grads = (run: (x: tf.Tensor) => tf.Tensor, l: RnnLayerLike): tf.Tensor[] => {
        const f = (xx: tf.Tensor): tf.Scalar => tf.sum(tf.mul(run(xx), r));
        const vars = [l.cell.kernel.read(), l.cell.recurrentKernel.read(), l.cell.bias!.read()];
        const { grads: g } = tf.variableGrads(() => f(x), vars);
        return [tf.grad(f)(x), ...vars.map((v) => g[v.name]!)];
      };
      const gs = grads(stockRun, layer);
      const gf = grads(fusedRun, fl);
      for (let i = 0; i < gs.length; i++) expect(maxRelDiff(gs[i]!, gf[i]!)).toBeLessThan(1e-4);
      tf.dispose([mxT, mhT]);
    }
  });

  it('use dropout only in training, with new masks for every batch, repeatably for a seed', () => {
    const c: Case = { cell: 'GRU', B: 4, T: 6, I: 5, U: 8, returnSequences: false, goBackwards: false, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, seed: 21 };
    const { stock, fused } = pair(c, { dropout: 0.4, recurrentDropout: 0.5 });
    const x = tf.randomNormal([c.B, c.T, c.I], 0, 1, 'float32', 1);
    // inference: no dropout, exactly the stock output
    expect(maxAbsDiff(stock.predict(x) as tf.Tensor, fused.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
    const inference = fused.predict(x) as tf.Tensor;
    const a = fused.apply(x, { training: true }) as tf.Tensor;
    const b = fused.apply(x, { training: true }) as tf.Tensor;
    expect(maxAbsDiff(a, inference)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(a, b)).toBeGreaterThan(1e-3);
    // the same seed draws the same masks
    const again = pair(c, { dropout: 0.4, recurrentDropout: 0.5 }).fused;
    again.setWeights(fused.getWeights());
    expect(maxAbsDiff(again.apply(x, { training: true }) as tf.Tensor, a)).toBe(0);
  });

  it('keep inputs in expectation (inverted dropout: kept values scaled by 1/(1-rate))', () => {
    // A linear SimpleRNN over one timestep is y = (x * mask) . W, so the mean of y over many
    // identical rows is x . W when the mask keeps 1-rate of the inputs scaled by 1/(1-rate).
    const B = 20000;
    const c: Case = { cell: 'SimpleRNN', B, T: 1, I: 3, U: 2, returnSequences: false, goBackwards: false, activation: 'linear', recurrentActivation: 'sigmoid', useBias: false, seed: 33 };
    const { stock, fused } = pair(c, { dropout: 0.3 });
    const x = tf.tile(tf.tensor3d([[[1, -2, 0.5]]]), [B, 1, 1]);
    const y = fused.apply(x, { training: true }) as tf.Tensor;
    const want = (stock.predict(x.slice([0, 0, 0], [1, 1, 3])) as tf.Tensor).dataSync();
    const mean = tf.mean(y, 0).dataSync();
    for (let j = 0; j < 2; j++) expect(Math.abs(mean[j]! - want[j]!)).toBeLessThan(0.05 * Math.max(1, Math.abs(want[j]!)));
    // a row is undisturbed (all three inputs kept, each scaled by 1/0.7) with probability 0.7^3
    const rows = y.dataSync();
    let kept = 0;
    for (let i = 0; i < B; i++) if (Math.abs(rows[2 * i]! - want[0]! / 0.7) < 1e-4 && Math.abs(rows[2 * i + 1]! - want[1]! / 0.7) < 1e-4) kept++;
    expect(kept / B).toBeGreaterThan(0.343 - 0.02);
    expect(kept / B).toBeLessThan(0.343 + 0.02);
  });

  it('fuse Bidirectional and stacked layers built from JSON; toJSON and weights stay the stock ones', async () => {
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 'bi',
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 6, 3], dtype: 'float32' } },
          { class_name: 'Bidirectional', config: { name: 'bi', merge_mode: 'concat', layer: { class_name: 'GRU', config: { name: 'g', units: 4, return_sequences: true, recurrent_activation: 'hard_sigmoid', kernel_initializer: { class_name: 'GlorotUniform', config: { seed: 1 } } } } } },
          { class_name: 'LSTM', config: { name: 'l', units: 5, return_sequences: true, recurrent_activation: 'sigmoid', kernel_initializer: { class_name: 'GlorotUniform', config: { seed: 2 } } } },
          { class_name: 'SimpleRNN', config: { name: 's', units: 3, go_backwards: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: 3 } } } },
          { class_name: 'Dense', config: { name: 'd', units: 1 } },
        ],
      },
    };
    const stock = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(topology)));
    const fused = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(topology)));
    fused.setWeights(stock.getWeights());
    expect(await installFusedRnn(fused, 7)).toBe(4);
    expect(fusedRnnStatus()).toEqual({ active: true, layers: 4 });
    expect(fused.toJSON(null, false)).toEqual(stock.toJSON(null, false));
    // (the second model built in one session gets suffixed names; the stems must agree)
    const stem = (n: string): string => n.replace(/_\d+$/, '');
    expect(fused.weights.map((w) => stem(w.name))).toEqual(stock.weights.map((w) => stem(w.name)));
    const x = tf.randomNormal([3, 6, 3], 0, 1, 'float32', 8);
    expect(maxAbsDiff(stock.predict(x) as tf.Tensor, fused.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
    const r = tf.randomNormal([3, 1], 0, 1, 'float32', 9);
    const gs = gradients(stock, x, r);
    const gf = gradients(fused, x, r);
    for (let i = 0; i < gs.length; i++) expect(maxRelDiff(gs[i]!, gf[i]!)).toBeLessThan(1e-4);
  });

  it('fuse every recurrent layer of the lesson presets, with the stock predictions', async () => {
    const recurrent = /"class_name":"(GRU|LSTM|SimpleRNN)"/g;
    let presets = 0;
    for (const preset of PRESETS) {
      // Kept quick: Orthogonal initialisation (slow in tfjs) is beside the point as the weights are
      // random either way, and sequences are cut to 48 timesteps.
      const text = JSON.stringify(toKerasSpec(preset.graph))
        .replace(/"Orthogonal"/g, '"GlorotUniform"')
        .replace(/"batch_input_shape":\[null,(\d+|null),(\d+)\]/, '"batch_input_shape":[null,48,$2]');
      const want = (text.match(recurrent) ?? []).length;
      // (captioning takes tokens and an image: two inputs, one of them int32)
      if (want === 0 || (text.match(/"class_name":"InputLayer"/g) ?? []).length !== 1 || text.includes('"int32"')) continue;
      const spec = JSON.parse(text) as object;
      const stock = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(spec)));
      const fused = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(spec)));
      fused.setWeights(stock.getWeights());
      // Bidirectional counts once in the spec and fuses its two halves
      const bidirectional = (JSON.stringify(spec).match(/"class_name":"Bidirectional"/g) ?? []).length;
      expect(await installFusedRnn(fused, 1), preset.id).toBe(want + bidirectional);
      presets++;
      const shape = (stock.inputs[0]!.shape as (number | null)[]).map((d, i) => d ?? (i === 0 ? 2 : 48));
      const x = tf.randomUniform(shape, -1, 1, 'float32', 5);
      expect(maxRelDiff(stock.predict(x) as tf.Tensor, fused.predict(x) as tf.Tensor), preset.id).toBeLessThan(1e-5);
      tf.dispose(x);
      stock.dispose();
      fused.dispose();
    }
    expect(presets).toBeGreaterThanOrEqual(4);
  });

  it('train to the same loss curve as the stock layers (RMSprop, MAE)', () => {
    const c: Case = { cell: 'GRU', B: 16, T: 12, I: 3, U: 8, returnSequences: false, goBackwards: false, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, seed: 2 };
    const { stock, fused } = pair(c, {}, () => tf.layers.dense({ units: 1 }));
    // target: the mean of the first feature over the window (a known answer)
    const x = tf.randomNormal([c.B, c.T, c.I], 0, 1, 'float32', 6);
    const y = tf.mean(x.slice([0, 0, 0], [c.B, c.T, 1]), 1);
    const curve = (m: tf.Sequential): number[] => {
      const opt = tf.train.rmsprop(0.01);
      const losses: number[] = [];
      for (let i = 0; i < 30; i++) {
        const l = opt.minimize(() => tf.losses.absoluteDifference(y, m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
        losses.push(l.dataSync()[0]!);
        l.dispose();
      }
      return losses;
    };
    const a = curve(stock);
    const b = curve(fused);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4 * Math.max(1, a[i]!) + 2e-5);
    expect(b[b.length - 1]!).toBeLessThan(b[0]! * 0.7);
  });

  it('leave layers they cannot run to tfjs (other activations), and run on the pure-JS cpu backend too', async () => {
    const elu = tf.sequential();
    elu.add(tf.layers.inputLayer({ inputShape: [3, 2] }));
    elu.add(tf.layers.gru({ units: 2, activation: 'elu' }));
    expect(fuseLayer(elu.layers[elu.layers.length - 1] as unknown as RnnLayerLike, 1)).toBe(false);

    await tf.setBackend('cpu');
    try {
      const c: Case = { cell: 'LSTM', B: 2, T: 4, I: 3, U: 5, returnSequences: true, goBackwards: true, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, seed: 3 };
      const { stock, fused } = pair(c);
      const x = tf.randomNormal([c.B, c.T, c.I], 0, 1, 'float32', 2);
      expect(maxAbsDiff(stock.predict(x) as tf.Tensor, fused.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
      const r = tf.randomNormal([c.B, c.T, c.U], 0, 1, 'float32', 4);
      const gs = gradients(stock, x, r);
      const gf = gradients(fused, x, r);
      for (let i = 0; i < gs.length; i++) expect(maxRelDiff(gs[i]!, gf[i]!)).toBeLessThan(1e-4);
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('are picked by buildModel on the wasm backend, and SEQLAB_FUSED=0 turns them off', async () => {
    const model = await buildModel(STARTER_EXPERIMENT);
    expect(fusedRnnStatus().active).toBe(true);
    expect(fusedRnnStatus().layers).toBe(model.layers.filter((l) => l.getClassName() === 'GRU').length);
    expect(fusedRnnStatus().layers).toBeGreaterThan(0);
    process.env.SEQLAB_FUSED = '0';
    await buildModel(STARTER_EXPERIMENT);
    expect(fusedRnnStatus()).toEqual({ active: false, reason: 'disabled-by-env', layers: 0 });
  });
});
