/**
 * The fused ConvLSTM2D (main/engine/kernels/convlstm) against tfjs's own ConvLSTM2D layer
 * on the wasm backend: forward within 1e-5, gradients (input, kernel, recurrent kernel,
 * bias) within 1e-4 on random shapes and settings (odd batches, batches smaller than the
 * thread count, 'same' and 'valid' padding, strides, even kernels, return_sequences, every
 * activation pair), on the kernel threads and on one thread, with the same bits either
 * way; the calls it must leave to tfjs; the video preset built by buildModel.
 */
import { availableParallelism } from 'node:os';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toKerasSpec } from '../../shared/model/graph';
import { PRESETS } from '../../shared/model/presets';
import { mulberry32 } from '../../shared/random';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { loadRnnWasm, rnnWasm } from '../../main/engine/kernels/rnn';
import { convLstmDims, convLstmSpec, fusedConvLstm, fuseConvLstmLayer, installFusedConvLstm, type ConvLstmLayerLike } from '../../main/engine/kernels/convlstm';
import { buildModel } from '../../main/engine/model/build';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { gradients, maxRelDiff, onOneThread } from './kernel-checks';

interface Case {
  B: number;
  T: number;
  H: number;
  W: number;
  C: number;
  F: number;
  k: [number, number];
  s: [number, number];
  padding: 'valid' | 'same';
  returnSequences: boolean;
  activation: string;
  recurrentActivation: string;
  useBias: boolean;
  seed: number;
}

function layer(c: Case, extra: Record<string, unknown> = {}): tf.layers.Layer {
  return tf.layers.convLstm2d({
    filters: c.F, kernelSize: c.k, strides: c.s, padding: c.padding, returnSequences: c.returnSequences,
    activation: c.activation, recurrentActivation: c.recurrentActivation, useBias: c.useBias,
    kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed }),
    recurrentInitializer: tf.initializers.glorotUniform({ seed: c.seed + 1 }),
    biasInitializer: tf.initializers.randomNormal({ seed: c.seed + 2 }),
    ...extra,
  } as never);
}

function pair(c: Case, extra: Record<string, unknown> = {}): { stock: tf.Sequential; fused: tf.Sequential } {
  const make = (): tf.Sequential => {
    const m = tf.sequential();
    m.add(tf.layers.inputLayer({ inputShape: [c.T, c.H, c.W, c.C] }));
    m.add(layer(c, extra));
    return m;
  };
  const stock = make();
  const fused = make();
  fused.setWeights(stock.getWeights());
  expect(fuseConvLstmLayer(fused.layers.find((l) => l.getClassName() === 'ConvLSTM2D') as unknown as ConvLstmLayerLike)).toBe(true);
  return { stock, fused };
}

const ACTS: [string, string][] = [['tanh', 'hardSigmoid'], ['tanh', 'sigmoid'], ['relu', 'hardSigmoid'], ['sigmoid', 'sigmoid'], ['linear', 'tanh']];

// (no T = 1: tfjs 4.22 cannot differentiate its own layer over one timestep, Unpack's gradient throws)
function randomCase(seed: number): Case {
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const k: [number, number] = [pick([1, 2, 3]), pick([1, 2, 3])];
  const padding = pick(['valid', 'same'] as const);
  const [activation, recurrentActivation] = pick(ACTS);
  return {
    B: pick([1, 2, 3, 5, 7]), T: pick([2, 3, 5]), H: k[0] + pick([0, 1, 3, 4]), W: k[1] + pick([0, 2, 3]), C: pick([1, 2, 3, 5]), F: pick([1, 2, 3, 4, 5, 8]),
    k, s: [pick([1, 2]), pick([1, 2, 3])], padding, returnSequences: r() < 0.5, activation, recurrentActivation, useBias: r() < 0.8, seed,
  };
}

/** Fused forward and gradients, checked against the stock layer; returns them for the thread comparison. */
function check(c: Case): tf.Tensor[] {
  const { stock, fused } = pair(c);
  const rand = mulberry32(c.seed + 7);
  const x = tf.tensor5d(Float32Array.from({ length: c.B * c.T * c.H * c.W * c.C }, () => rand() * 2 - 1), [c.B, c.T, c.H, c.W, c.C]);
  const ys = stock.predict(x) as tf.Tensor;
  const yf = fused.predict(x) as tf.Tensor;
  const label = JSON.stringify(c);
  expect(yf.shape, label).toEqual(ys.shape);
  expect(maxRelDiff(ys, yf), label).toBeLessThan(1e-5);
  const r = tf.randomNormal(ys.shape, 0, 1, 'float32', c.seed);
  const gs = gradients(stock, x, r);
  const gf = gradients(fused, x, r);
  expect(gf, label).toHaveLength(c.useBias ? 4 : 3);
  for (let i = 0; i < gs.length; i++) {
    expect(gf[i]!.shape, label).toEqual(gs[i]!.shape);
    expect(maxRelDiff(gs[i]!, gf[i]!), `${label} gradient ${i}`).toBeLessThan(1e-4);
  }
  return [yf, ...gf];
}

describe('fused ConvLSTM2D', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    await loadRnnWasm();
  });

  afterEach(() => {
    delete process.env.SEQLAB_FUSED_OFF;
  });

  it('matches tfjs (forward 1e-5, gradients 1e-4) on random shapes, on the threads and on one, with the same bits', () => {
    const w = rnnWasm()!;
    const cases: Case[] = [
      // the video preset's layer, smaller: 'valid', strides 2, the default activations
      { B: 5, T: 3, H: 9, W: 9, C: 1, F: 4, k: [3, 3], s: [2, 2], padding: 'valid', returnSequences: false, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, seed: 1 },
      // 'same' padding with strides, an even kernel, return_sequences, one sample
      { B: 1, T: 4, H: 7, W: 6, C: 2, F: 3, k: [2, 2], s: [2, 3], padding: 'same', returnSequences: true, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, seed: 2 },
      ...Array.from({ length: 14 }, (_, i) => randomCase(100 + i)),
    ];
    // with two cores or more the kernels run on a team of threads
    if (availableParallelism() > 1 && process.env.SEQLAB_THREADS === undefined) expect(w.threads).toBeGreaterThan(1);
    for (const c of cases) {
      const team = check(c);
      const alone = onOneThread(() => check(c));
      // samples are split, never sums: one thread or several give the same numbers
      for (let i = 0; i < team.length; i++) expect(Array.from(alone[i]!.dataSync()), `${JSON.stringify(c)} output ${i}`).toEqual(Array.from(team[i]!.dataSync()));
    }
  });

  it('leaves to tfjs what it does not cover', () => {
    const c: Case = { B: 3, T: 3, H: 6, W: 6, C: 2, F: 3, k: [3, 3], s: [1, 1], padding: 'same', returnSequences: true, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, seed: 5 };
    // go_backwards and dilation are not fused at all
    expect(convLstmSpec(layer(c, { goBackwards: true }) as unknown as ConvLstmLayerLike)).toBeNull();
    expect(convLstmSpec(layer(c, { dilationRate: 2 }) as unknown as ConvLstmLayerLike)).toBeNull();
    expect(convLstmSpec(layer(c, { activation: 'selu' }) as unknown as ConvLstmLayerLike)).toBeNull();
  });

  it('applies dropout masks with Keras semantics: the same masks give the outputs and gradients of tfjs, on the threads and on one', () => {
    // Keras 3's ConvLSTMCell: one input mask and one recurrent mask, each shared by the four
    // gates and every timestep. tfjs's cell draws one per gate, but takes masks already set
    // (its RNN base call keeps them; the layer's own call clears them): given four copies
    // of the same mask it computes Keras's step, and is the reference.
    const w = rnnWasm()!;
    const cases: Case[] = [
      { B: 3, T: 4, H: 6, W: 5, C: 2, F: 3, k: [3, 3], s: [1, 1], padding: 'same', returnSequences: true, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, seed: 31 },
      { B: 5, T: 3, H: 9, W: 9, C: 1, F: 4, k: [3, 3], s: [2, 2], padding: 'valid', returnSequences: false, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: false, seed: 32 },
      { B: 2, T: 5, H: 7, W: 6, C: 3, F: 5, k: [2, 3], s: [2, 1], padding: 'same', returnSequences: true, activation: 'relu', recurrentActivation: 'hardSigmoid', useBias: true, seed: 33 },
    ];
    for (const c of cases) {
      for (const [dropout, recurrentDropout] of [[0.3, 0.5], [0.4, 0], [0, 0.5]] as const) {
        const label = `${JSON.stringify(c)} dropout ${dropout} recurrent ${recurrentDropout}`;
        const { stock, fused } = pair(c, { dropout, recurrentDropout });
        const sl = stock.layers[stock.layers.length - 1] as unknown as ConvLstmLayerLike & { cell: { dropoutMask: unknown; recurrentDropoutMask: unknown } };
        const fl = fused.layers[fused.layers.length - 1] as unknown as ConvLstmLayerLike;
        const spec = convLstmSpec(fl)!;
        const d = convLstmDims(spec, [c.B, c.T, c.H, c.W, c.C]);
        const rand = mulberry32(c.seed + 40);
        const mask = (n: number, rate: number): Float32Array => Float32Array.from({ length: n }, () => (rand() < rate ? 0 : 1 / (1 - rate)));
        const mx = dropout > 0 ? mask(c.B * c.H * c.W * c.C, dropout) : null;
        const mh = recurrentDropout > 0 ? mask(c.B * d.OH * d.OW * c.F, recurrentDropout) : null;
        const mxT = mx ? tf.keep(tf.tensor4d(mx, [c.B, c.H, c.W, c.C])) : null;
        const mhT = mh ? tf.keep(tf.tensor4d(mh, [c.B, d.OH, d.OW, c.F])) : null;
        // ConvLSTM2D -> ConvRNN2D -> RNN: the base call, which keeps the masks set here
        const rnnCall = Object.getPrototypeOf(Object.getPrototypeOf(Object.getPrototypeOf(sl))).call as (this: unknown, x: tf.Tensor, k: Record<string, unknown>) => tf.Tensor;
        const stockRun = (x: tf.Tensor): tf.Tensor => {
          sl.cell.dropoutMask = mxT ? Array(4).fill(mxT) : null;
          sl.cell.recurrentDropoutMask = mhT ? Array(4).fill(mhT) : null;
          return rnnCall.call(sl, x, { training: true });
        };
        const fusedRun = (x: tf.Tensor): tf.Tensor =>
          fusedConvLstm(w, spec, x, fl.cell.kernel.read(), fl.cell.recurrentKernel.read(), c.useBias ? fl.cell.bias!.read() : null, true, { x: mx, h: mh });
        const x = tf.randomUniform([c.B, c.T, c.H, c.W, c.C], -1, 1, 'float32', c.seed);
        const ys = stockRun(x);
        const r = tf.randomNormal(ys.shape, 0, 1, 'float32', c.seed + 1);
        const grads = (run: (x: tf.Tensor) => tf.Tensor, l: ConvLstmLayerLike): tf.Tensor[] => {
          const f = (xx: tf.Tensor): tf.Scalar => tf.sum(tf.mul(run(xx), r));
          const vars = [l.cell.kernel.read(), l.cell.recurrentKernel.read(), ...(c.useBias ? [l.cell.bias!.read()] : [])];
          const { grads: g } = tf.variableGrads(() => f(x), vars);
          return [run(x), tf.grad(f)(x), ...vars.map((v) => g[v.name]!)];
        };
        const gs = grads(stockRun, sl);
        const gf = grads(fusedRun, fl);
        // the masks matter: without them the output differs
        expect(maxRelDiff(gs[0]!, fused.predict(x) as tf.Tensor), label).toBeGreaterThan(1e-3);
        expect(maxRelDiff(gs[0]!, gf[0]!), `${label} output`).toBeLessThan(1e-5);
        for (let i = 1; i < gs.length; i++) expect(maxRelDiff(gs[i]!, gf[i]!), `${label} gradient ${i - 1}`).toBeLessThan(1e-4);
        const alone = onOneThread(() => grads(fusedRun, fl));
        for (let i = 0; i < gf.length; i++) expect(Array.from(alone[i]!.dataSync()), `${label} one thread ${i}`).toEqual(Array.from(gf[i]!.dataSync()));
        tf.dispose([mxT, mhT].filter((t): t is tf.Tensor4D => t !== null));
      }
    }
  });

  it('drops out only in training, with new masks every batch, repeatably for a seed', () => {
    const c: Case = { B: 3, T: 3, H: 6, W: 6, C: 2, F: 3, k: [3, 3], s: [1, 1], padding: 'same', returnSequences: true, activation: 'tanh', recurrentActivation: 'hardSigmoid', useBias: true, seed: 5 };
    const { stock, fused } = pair(c, { dropout: 0.5, recurrentDropout: 0.3 });
    const x = tf.randomUniform([c.B, c.T, c.H, c.W, c.C], -1, 1, 'float32', 3);
    // at inference dropout is off: the fused op matches the stock layer
    const clean = fused.predict(x) as tf.Tensor;
    expect(maxRelDiff(stock.predict(x) as tf.Tensor, clean)).toBeLessThan(1e-5);
    const fl = fused.layers[fused.layers.length - 1]!;
    const callsOp = (): boolean => {
      // the fused op never reaches tfjs's cell: its masks stay unset
      const cell = (fl as unknown as { cell: { dropoutMask: unknown } }).cell;
      return cell.dropoutMask == null;
    };
    const a = fused.apply(x, { training: true }) as tf.Tensor;
    const b = fused.apply(x, { training: true }) as tf.Tensor;
    expect(callsOp()).toBe(true);
    expect(maxRelDiff(clean, a)).toBeGreaterThan(1e-2);
    expect(maxRelDiff(a, b)).toBeGreaterThan(1e-3);
    // the same seed draws the same masks
    const again = tf.sequential();
    again.add(tf.layers.inputLayer({ inputShape: [c.T, c.H, c.W, c.C] }));
    again.add(layer(c, { dropout: 0.5, recurrentDropout: 0.3 }));
    again.setWeights(fused.getWeights());
    expect(fuseConvLstmLayer(again.layers.find((l) => l.getClassName() === 'ConvLSTM2D') as unknown as ConvLstmLayerLike)).toBe(true);
    expect(maxRelDiff(again.apply(x, { training: true }) as tf.Tensor, a)).toBe(0);
  });

  it('is picked by buildModel for the video preset, and SEQLAB_FUSED_OFF=convlstm keeps the stock layer', async () => {
    const preset = PRESETS.find((p) => p.id === 'video-convlstm')!;
    const exp = { ...STARTER_EXPERIMENT, model: toKerasSpec(preset.graph) as typeof STARTER_EXPERIMENT.model };
    const model = await buildModel(exp);
    const lstm = model.layers.find((l) => l.getClassName() === 'ConvLSTM2D')!;
    expect(installFusedConvLstm(model)).toBe(1);
    // the same model stock, same weights: same predictions
    const stock = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(toKerasSpec(preset.graph))) as never);
    stock.setWeights(model.getWeights());
    const x = tf.randomUniform([3, ...(stock.inputs[0]!.shape.slice(1) as number[])], 0, 1, 'float32', 4);
    expect(maxRelDiff(stock.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
    expect(lstm.call).not.toBe(stock.layers.find((l) => l.getClassName() === 'ConvLSTM2D')!.call);
    process.env.SEQLAB_FUSED_OFF = 'convlstm';
    expect(installFusedConvLstm(await buildModel(exp))).toBe(0);
  });
});
