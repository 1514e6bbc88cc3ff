/**
 * GRU with recurrent dropout follows Keras (listing 6.49: GRU(32, dropout 0.1,
 * recurrent_dropout 0.5) after two Conv1D layers, 74 timesteps). tfjs 4.22's own GRUCell
 * blends with the dropped-out state, so its state could double at every step and 6.49
 * diverged at the first batch (loss ~1e20). Checked here: the patched stock cell and the
 * fused kernels against plain Keras arithmetic with the same masks, the fused backward
 * pass against tf.grad of the Keras step, a bounded state over 74 steps in training, and
 * a few training batches of the 6.49 preset with a finite, falling loss on both paths.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { toKerasSpec } from '../../shared/model/graph';
import { getPreset } from '../../shared/model/presets';
import { mulberry32 } from '../../shared/random';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { fusedRnn, fusedSpec, installFusedRnn, loadRnnWasm, patchGruCell, rnnWasm, type RnnLayerLike } from '../../main/engine/kernels/rnn';
import { runTraining } from '../../main/engine/training/train';

interface GruLayer extends RnnLayerLike {
  cell: RnnLayerLike['cell'] & { dropoutMask: unknown; recurrentDropoutMask: unknown };
}

/** The GRU layer config of listing 6.49 as the builder exports it. */
function gru649Config(): Record<string, unknown> {
  const spec = toKerasSpec(getPreset('conv1d-gru-6.49')!.graph) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  const gru = spec.config.layers.find((l) => l.class_name === 'GRU');
  expect(gru?.config).toMatchObject({ units: 32, recurrent_dropout: 0.5, dropout: 0.1, reset_after: false });
  return gru!.config;
}

async function gruModel(T: number, I: number, config: Record<string, unknown>): Promise<tf.LayersModel> {
  return tf.models.modelFromJSON({
    class_name: 'Sequential',
    config: {
      name: 'g',
      layers: [
        { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, T, I], dtype: 'float32' } },
        { class_name: 'GRU', config: { ...config, name: 'gru', kernel_initializer: { class_name: 'GlorotUniform', config: { seed: 3 } }, recurrent_initializer: { class_name: 'GlorotUniform', config: { seed: 4 } } } },
      ],
    },
  } as never);
}

const act: Record<string, (v: number) => number> = {
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  hard_sigmoid: (v) => Math.min(1, Math.max(0, 0.2 * v + 0.5)),
};

/**
 * Keras's GRU (reset_after false, gates z, r, h) in plain float64 arithmetic: masks on the
 * input and on the copies of h_{t-1} entering the recurrent products; the blend uses h_{t-1}.
 * Returns every state [B][T][U].
 */
function kerasGru(x: Float32Array, B: number, T: number, I: number, U: number, k: Float32Array, rk: Float32Array, bias: Float32Array, mx: Float32Array, mh: Float32Array, a: (v: number) => number, ra: (v: number) => number): number[][][] {
  const G = 3 * U;
  const out: number[][][] = [];
  for (let b = 0; b < B; b++) {
    let h = new Array<number>(U).fill(0);
    const seq: number[][] = [];
    for (let t = 0; t < T; t++) {
      const xt = Array.from({ length: I }, (_, i) => x[(b * T + t) * I + i]! * mx[b * I + i]!);
      const hd = h.map((v, j) => v * mh[b * U + j]!);
      const xw = Array.from({ length: G }, (_, g) => bias[g]! + xt.reduce((s, v, i) => s + v * k[i * G + g]!, 0));
      const rec = (src: number[], g: number): number => src.reduce((s, v, j) => s + v * rk[j * G + g]!, 0);
      const z = Array.from({ length: U }, (_, j) => ra(xw[j]! + rec(hd, j)));
      const r = Array.from({ length: U }, (_, j) => ra(xw[U + j]! + rec(hd, U + j)));
      const rh = hd.map((v, j) => v * r[j]!);
      const hh = Array.from({ length: U }, (_, j) => a(xw[2 * U + j]! + rec(rh, 2 * U + j)));
      h = h.map((v, j) => z[j]! * v + (1 - z[j]!) * hh[j]!);
      seq.push(h);
    }
    out.push(seq);
  }
  return out;
}

function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.maximum(1, tf.abs(a)))).dataSync()[0]!);
}

function masks(seed: number, B: number, I: number, U: number, rx: number, rh: number): { mx: Float32Array; mh: Float32Array } {
  const rand = mulberry32(seed);
  const m = (n: number, rate: number): Float32Array => Float32Array.from({ length: n }, () => (rand() < rate ? 0 : 1 / (1 - rate)));
  return { mx: m(B * I, rx), mh: m(B * U, rh) };
}

/** Runs a stock GRU layer (patched or not) in training with the given masks injected. */
function stockRun(layer: GruLayer, mx: Float32Array, mh: Float32Array, B: number, I: number, U: number): (x: tf.Tensor) => tf.Tensor {
  // tfjs's RNN base call keeps a cell's masks when they are already set (GRU's own call clears them).
  // (found by class name: JSON builds the engine's GRU class, a subclass of tfjs's, kernels/rnn/gru-reset-after.ts)
  let proto = Object.getPrototypeOf(layer) as { constructor: { className?: string }; call: unknown };
  while (proto.constructor.className !== 'RNN') proto = Object.getPrototypeOf(proto) as typeof proto;
  const baseCall = proto.call as (this: unknown, x: tf.Tensor, k: Record<string, unknown>) => tf.Tensor;
  const mxT = tf.keep(tf.tensor2d(mx, [B, I]));
  const mhT = tf.keep(tf.tensor2d(mh, [B, U]));
  return (x) => {
    layer.cell.dropoutMask = [mxT, mxT, mxT];
    layer.cell.recurrentDropoutMask = [mhT, mhT, mhT];
    return baseCall.call(layer, x, { training: true });
  };
}

describe('GRU recurrent dropout (Keras semantics, listing 6.49)', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    await loadRnnWasm();
  });

  afterEach(() => {
    delete process.env.SEQLAB_FUSED;
  });

  it('patched stock cell and fused kernels both compute Keras GRU arithmetic with the same masks', async () => {
    const B = 3, T = 12, I = 4, U = 5;
    const cfg = { units: U, activation: 'tanh', recurrent_activation: 'hard_sigmoid', dropout: 0.2, recurrent_dropout: 0.5, return_sequences: true, use_bias: true, reset_after: false, bias_initializer: { class_name: 'RandomNormal', config: { seed: 5 } } };
    const model = await gruModel(T, I, cfg);
    const layer = model.layers[model.layers.length - 1] as unknown as GruLayer;
    expect(patchGruCell(layer.cell as never)).toBe(true);
    const { mx, mh } = masks(31, B, I, U, 0.2, 0.5);
    const x = tf.randomNormal([B, T, I], 0, 1.5, 'float32', 8);
    const read = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;
    const want = tf.tensor3d(kerasGru(read(x), B, T, I, U, read(layer.cell.kernel.read()), read(layer.cell.recurrentKernel.read()), read(layer.cell.bias!.read()), mx, mh, act.tanh!, act.hard_sigmoid!));
    const stock = stockRun(layer, mx, mh, B, I, U)(x);
    expect(maxRelDiff(want, stock)).toBeLessThan(1e-5);
    const spec = fusedSpec(layer)!;
    const fused = fusedRnn(rnnWasm()!, spec, x, layer.cell.kernel.read(), layer.cell.recurrentKernel.read(), layer.cell.bias!.read(), { x: mx, h: mh }, false);
    expect(maxRelDiff(want, fused)).toBeLessThan(1e-5);
    // the difference is real: tfjs's own blend (with the dropped-out state) gives other states
    const raw = await gruModel(T, I, cfg);
    raw.setWeights(model.getWeights());
    const rawOut = stockRun(raw.layers[raw.layers.length - 1] as unknown as GruLayer, mx, mh, B, I, U)(x);
    expect(maxRelDiff(want, rawOut)).toBeGreaterThan(1e-2);
    // without recurrent dropout tfjs is already right and stays untouched
    const plain = await gruModel(T, I, { ...cfg, recurrent_dropout: 0 });
    expect(patchGruCell((plain.layers[plain.layers.length - 1] as unknown as GruLayer).cell as never)).toBe(false);
  });

  it('fused backward pass with recurrent dropout matches tf.grad of the Keras step (1e-4)', async () => {
    for (const [returnSequences, goBackwards] of [[true, false], [false, true]] as const) {
      const B = 4, T = 30, I = 5, U = 8;
      const cfg = { units: U, activation: 'tanh', recurrent_activation: 'hard_sigmoid', dropout: 0.1, recurrent_dropout: 0.5, return_sequences: returnSequences, go_backwards: goBackwards, use_bias: true, reset_after: false, bias_initializer: { class_name: 'RandomNormal', config: { seed: 6 } } };
      const model = await gruModel(T, I, cfg);
      const layer = model.layers[model.layers.length - 1] as unknown as GruLayer;
      patchGruCell(layer.cell as never);
      const { mx, mh } = masks(41, B, I, U, 0.1, 0.5);
      const ref = stockRun(layer, mx, mh, B, I, U);
      const spec = fusedSpec(layer)!;
      const fusedRun = (xx: tf.Tensor): tf.Tensor => fusedRnn(rnnWasm()!, spec, xx, layer.cell.kernel.read(), layer.cell.recurrentKernel.read(), layer.cell.bias!.read(), { x: mx, h: mh }, true);
      const x = tf.randomNormal([B, T, I], 0, 1, 'float32', 12);
      const r = tf.randomNormal(returnSequences ? [B, T, U] : [B, U], 0, 1, 'float32', 13);
      const grads = (run: (x: tf.Tensor) => tf.Tensor): tf.Tensor[] => {
        const f = (xx: tf.Tensor): tf.Scalar => tf.sum(tf.mul(run(xx), r));
        const vars = [layer.cell.kernel.read(), layer.cell.recurrentKernel.read(), layer.cell.bias!.read()] as tf.Variable[];
        const { grads: g } = tf.variableGrads(() => f(x), vars);
        return [tf.grad(f)(x), ...vars.map((v) => g[v.name]!)];
      };
      expect(maxRelDiff(ref(x), fusedRun(x))).toBeLessThan(1e-5);
      const gr = grads(ref);
      const gf = grads(fusedRun);
      for (let i = 0; i < gr.length; i++) expect(maxRelDiff(gr[i]!, gf[i]!), `grad ${i} rs=${returnSequences}`).toBeLessThan(1e-4);
    }
  });

  it('keeps the state of 6.49\'s GRU bounded over 74 training steps, fused and stock', async () => {
    const T = 74, I = 32, B = 16;
    const cfg = { ...gru649Config(), return_sequences: true };
    // conv + ReLU features: non-negative, of order one
    const x = tf.randomUniform([B, T, I], 0, 3, 'float32', 21);
    const maxAbs = (m: tf.LayersModel): number => tf.tidy(() => tf.max(tf.abs(m.apply(x, { training: true }) as tf.Tensor)).dataSync()[0]!);
    const fused = await gruModel(T, I, cfg);
    expect(await installFusedRnn(fused, 1)).toBe(1);
    process.env.SEQLAB_FUSED = '0';
    const stock = await gruModel(T, I, cfg);
    expect(await installFusedRnn(stock, 1)).toBe(0);
    delete process.env.SEQLAB_FUSED;
    stock.setWeights(fused.getWeights());
    // a convex blend of tanh values starting from 0 never leaves [-1, 1]
    expect(maxAbs(fused)).toBeLessThanOrEqual(1 + 1e-6);
    expect(maxAbs(stock)).toBeLessThanOrEqual(1 + 1e-6);
    // tfjs's own cell on the same input and weights leaves it (the bug this guards against)
    const raw = await gruModel(T, I, cfg);
    raw.setWeights(fused.getWeights());
    expect(maxAbs(raw)).toBeGreaterThan(1.5);
  });

  for (const fusedKernels of [true, false]) {
    it(`trains listing 6.49 on synthetic Jena with a finite, falling loss (${fusedKernels ? 'fused' : 'stock'} GRU)`, async () => {
      if (!fusedKernels) process.env.SEQLAB_FUSED = '0';
      const exp = {
        ...STARTER_EXPERIMENT,
        name: 'l649',
        dataset: { kind: 'builtin', id: 'synthetic-jena', options: { rows: 12000, seed: 1 } },
        windowing: { lookback: 240, step: 1, delay: 144, batchSize: 16, targetColumn: 1 },
        model: toKerasSpec(getPreset('conv1d-gru-6.49')!.graph),
        training: { ...STARTER_EXPERIMENT.training, epochs: 3, stepsPerEpoch: 8, validationSteps: 2, learningRate: 0.001 },
      } as unknown as typeof STARTER_EXPERIMENT;
      const batches: number[] = [];
      const done = await runTraining(exp, `l649-${fusedKernels}`, {
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (p.phase === 'training' && p.batch > 0) batches.push(p.loss);
        },
      });
      expect(done.error).toBeUndefined();
      expect(done.status).toBe('completed');
      // before the fix the very first batch gave ~1e20 (normalised MAE is of order one)
      expect(batches.length).toBeGreaterThanOrEqual(12);
      for (const l of batches) expect(Number.isFinite(l) && l < 5, `batch loss ${l}`).toBe(true);
      const losses = done.history.map((h) => h.loss);
      expect(losses).toHaveLength(3);
      expect(Math.min(losses[1]!, losses[2]!)).toBeLessThan(losses[0]!);
      console.log(`6.49 ${fusedKernels ? 'fused' : 'stock'}: batch losses ${batches.map((l) => l.toFixed(3)).join(' ')}; epoch losses ${losses.map((l) => l.toFixed(4)).join(' ')}`);
    }, 120_000);
  }
});
