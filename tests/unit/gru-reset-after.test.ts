/**
 * GRU with reset_after=True (main/engine/kernels/rnn/gru-reset-after.ts and the kernels'
 * reset_after form in assembly/rnn): the engine's layer (tf ops, tfjs's autograd: what runs
 * without the fused kernels) against torch.nn.GRU on random shapes (forward within 1e-5,
 * gradients within 1e-4, torch in float64), the fused kernel against that layer on random
 * shapes and activations (with and without the module's helper threads), dropout with the
 * same masks, Bidirectional and go_backwards from JSON, masking, a short training run, and
 * the model's JSON round trip. Without torch the torch comparison fails, never skips.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gruSteps } from '../../shared/gru';
import { chainGraph, engineOnlyLayers, toKerasSpec, toPythonCode } from '../../shared/model';
import { loadTfjsModel, saveTfjsModel } from '../../main/engine/model/formats/tfjs';
import type { Experiment } from '../../shared/experiment';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import type { RunRecord } from '../../shared/runs';
import { exportRun } from '../../main/engine/export';
import { trainModel } from '../../main/engine/training/train';
import { mulberry32 } from '../../shared/random';
import type { SampleSource } from '../../main/engine/data/source';
import { gruWindow } from '../../main/engine/model/gru-gates';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { fuseLayer, fusedRnn, fusedSpec, installFusedRnn, loadRnnWasm, resetAfterLayers, rnnWasm, type RnnLayerLike } from '../../main/engine/kernels/rnn';

const PY = '/usr/bin/python3';

interface Case {
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

const GruRA = resetAfterLayers[0]!;

function gruLayer(c: Case, extra: Record<string, unknown> = {}): tf.layers.Layer {
  return new GruRA({
    units: c.U, resetAfter: true, returnSequences: c.returnSequences, goBackwards: c.goBackwards, activation: c.activation, recurrentActivation: c.recurrentActivation, useBias: c.useBias,
    kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed }),
    recurrentInitializer: tf.initializers.glorotUniform({ seed: c.seed + 1 }),
    biasInitializer: tf.initializers.randomNormal({ seed: c.seed + 2 }),
    ...extra,
  });
}

function model(c: Case, extra: Record<string, unknown> = {}): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.inputLayer({ inputShape: [c.T, c.I] }));
  m.add(gruLayer(c, extra));
  return m;
}

/** The GRU of a model of model() (tfjs lists the input layer first). */
const gruOf = (m: tf.Sequential): tf.layers.Layer => m.layers[m.layers.length - 1]!;

/** The engine's layer (tf ops) and a copy with the same weights whose call is the fused op. */
function pair(c: Case, extra: Record<string, unknown> = {}): { plain: tf.Sequential; fused: tf.Sequential } {
  const plain = model(c, extra);
  const fused = model(c, extra);
  fused.setWeights(plain.getWeights());
  expect(fuseLayer(gruOf(fused) as unknown as RnnLayerLike, c.seed)).toBe(true);
  return { plain, fused };
}

const caseArb = (acts: string[], racts: string[]): fc.Arbitrary<Case> =>
  fc.record({
    B: fc.integer({ min: 1, max: 5 }),
    T: fc.integer({ min: 2, max: 7 }),
    I: fc.integer({ min: 1, max: 6 }),
    U: fc.integer({ min: 1, max: 9 }),
    returnSequences: fc.boolean(),
    goBackwards: fc.boolean(),
    activation: fc.constantFrom(...acts),
    recurrentActivation: fc.constantFrom(...racts),
    useBias: fc.boolean(),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  });

/**
 * torch.nn.GRU in float64 on Keras's arrays: torch keeps the gates as rows in the order
 * r, z, n with weight_ih (3u, d) = kernel^T and bias_ih / bias_hh the two bias rows; Keras's
 * columns are z, r, h. go_backwards: torch reads the reversed sequence (Keras returns the
 * steps in that reading order too). Returns y and the gradients of sum(y * r) in Keras's layout.
 */
const TORCH_SCRIPT = String.raw`
import json, sys, torch
torch.set_default_dtype(torch.float64)
out = []
for c in json.load(sys.stdin):
    B, T, I, U = c['B'], c['T'], c['I'], c['U']
    t = lambda v, *s: torch.tensor(v, dtype=torch.float64).reshape(*s)
    k, rk = t(c['kernel'], I, 3 * U), t(c['rk'], U, 3 * U)
    b = t(c['bias'], 2, 3 * U) if c['bias'] is not None else torch.zeros(2, 3 * U)
    x = t(c['x'], B, T, I).requires_grad_(True)
    perm = lambda m: torch.cat([m[..., U:2 * U], m[..., :U], m[..., 2 * U:]], -1)  # [z, r, h] -> [r, z, n]
    gru = torch.nn.GRU(I, U, batch_first=True, bias=c['bias'] is not None)
    with torch.no_grad():
        gru.weight_ih_l0.copy_(perm(k).T)
        gru.weight_hh_l0.copy_(perm(rk).T)
        if c['bias'] is not None:
            gru.bias_ih_l0.copy_(perm(b[0]))
            gru.bias_hh_l0.copy_(perm(b[1]))
    xs = torch.flip(x, [1]) if c['goBackwards'] else x
    seq, _ = gru(xs)
    y = seq if c['returnSequences'] else seq[:, -1]
    r = t(c['r'], *y.shape)
    (y * r).sum().backward()
    unperm = lambda m: torch.cat([m[..., U:2 * U], m[..., :U], m[..., 2 * U:]], -1)  # [r, z, n] -> [z, r, h]
    g = {'y': y.detach().flatten().tolist(), 'dx': x.grad.flatten().tolist(),
         'dkernel': unperm(gru.weight_ih_l0.grad.T).flatten().tolist(), 'drk': unperm(gru.weight_hh_l0.grad.T).flatten().tolist()}
    if c['bias'] is not None:
        g['dbias'] = torch.stack([unperm(gru.bias_ih_l0.grad), unperm(gru.bias_hh_l0.grad)]).flatten().tolist()
    out.append(g)
print(json.dumps(out))
`;
import { gradients, maxRelDiff } from './kernel-checks';

const torchMissing = ((): string | null => {
  try {
    execFileSync(PY, ['-c', 'import torch'], { stdio: 'ignore' });
    return null;
  } catch {
    return `${PY} cannot import torch (Debian: apt-get install -y python3-torch)`;
  }
})();

/** The largest differences seen, printed at the end (the README quotes them). */
const measured: Record<string, number> = {};
const note = (key: string, v: number): void => {
  measured[key] = Math.max(measured[key] ?? 0, v);
};

describe('GRU reset_after=True', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    await loadRnnWasm();
  });

  afterEach(() => {
    delete process.env.SEQLAB_FUSED;
  });

  afterAll(() => {
    console.log(`GRU reset_after measured: ${JSON.stringify(measured)}`);
  });

  it('builds where tfjs refuses to, with Keras\'s weights: kernel (d, 3u), recurrent kernel (u, 3u), bias (2, 3u)', () => {
    expect(() => tf.layers.gru({ units: 2, resetAfter: true } as never)).toThrow(/reset_after/);
    const m = model({ B: 1, T: 3, I: 4, U: 5, returnSequences: false, goBackwards: false, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, seed: 1 });
    expect(gruOf(m).weights.map((w) => w.shape)).toEqual([[4, 15], [5, 15], [2, 15]]);
    expect(m.countParams()).toBe(3 * (4 * 5 + 5 * 5 + 2 * 5));
    expect(gruOf(m).getConfig()).toMatchObject({ resetAfter: true, units: 5 });
  });

  it('the engine\'s layer (tf ops, no fused kernel) and the fused kernel match torch.nn.GRU: forward 1e-5, gradients 1e-4', () => {
    expect(torchMissing, 'the torch comparison cannot run').toBeNull();
    const cases = fc.sample(caseArb(['tanh'], ['sigmoid']), { numRuns: 24, seed: 20261207 });
    const runs = cases.map((c) => {
      // the engine's layer and its fused copy, both against torch
      const { plain: m, fused } = pair(c);
      const rand = mulberry32(c.seed);
      const x = tf.tensor3d(Float32Array.from({ length: c.B * c.T * c.I }, () => rand() * 4 - 2), [c.B, c.T, c.I]);
      const y = m.predict(x) as tf.Tensor;
      const r = tf.randomNormal(y.shape, 0, 1, 'float32', c.seed);
      const g = gradients(m, x, r);
      const yf = fused.predict(x) as tf.Tensor;
      const gf = gradients(fused, x, r);
      fused.dispose();
      const [kernel, rk, bias] = m.getWeights();
      const input = { ...c, x: [...x.dataSync()], r: [...r.dataSync()], kernel: [...kernel!.dataSync()], rk: [...rk!.dataSync()], bias: c.useBias ? [...bias!.dataSync()] : null };
      return { c, m, ways: [['tf ops', y, g], ['fused', yf, gf]] as const, input };
    });
    const answer = JSON.parse(execFileSync(PY, ['-c', TORCH_SCRIPT], { input: JSON.stringify(runs.map((r) => r.input)), maxBuffer: 1 << 26 }).toString()) as Record<string, number[]>[];
    runs.forEach(({ c, m, ways }, i) => {
      const want = answer[i]!;
      const diff = (got: tf.Tensor, ref: number[]): number => {
        expect(got.size).toBe(ref.length);
        return maxRelDiff(tf.tensor(ref, got.shape, 'float32'), got);
      };
      for (const [way, y, g] of ways) {
        const fwd = diff(y, want.y!);
        note(`torch forward (${way})`, fwd);
        expect(fwd, `${way} ${JSON.stringify(c)}`).toBeLessThan(1e-5);
        const names = ['dx', 'dkernel', 'drk', ...(c.useBias ? ['dbias'] : [])];
        expect(g).toHaveLength(names.length);
        names.forEach((n, j) => {
          const d = diff(g[j]!, want[n]!);
          note(`torch gradients (${way})`, d);
          expect(d, `${way} ${n} ${JSON.stringify(c)}`).toBeLessThan(1e-4);
        });
      }
      m.dispose();
    });
  });

  it('the fused kernel equals the engine\'s layer (forward 1e-5, gradients 1e-4), with and without helper threads', () => {
    const w = rnnWasm()!;
    const helpers = w.team;
    const check = (threads: string): void =>
      fc.assert(
        fc.property(caseArb(['tanh', 'relu', 'linear', 'sigmoid', 'hardSigmoid'], ['sigmoid', 'hardSigmoid', 'tanh', 'relu', 'linear']), (c) => {
          const { plain, fused } = pair(c);
          const rand = mulberry32(c.seed);
          const x = tf.tensor3d(Float32Array.from({ length: c.B * c.T * c.I }, () => rand() * 4 - 2), [c.B, c.T, c.I]);
          const yp = plain.predict(x) as tf.Tensor;
          const yf = fused.predict(x) as tf.Tensor;
          expect(yf.shape).toEqual(yp.shape);
          const fwd = maxRelDiff(yp, yf);
          note(`fused forward (${threads})`, fwd);
          expect(fwd).toBeLessThan(1e-5);
          const r = tf.randomNormal(yp.shape, 0, 1, 'float32', c.seed);
          const gp = gradients(plain, x, r);
          const gf = gradients(fused, x, r);
          expect(gf).toHaveLength(gp.length);
          for (let i = 0; i < gp.length; i++) {
            expect(gf[i]!.shape).toEqual(gp[i]!.shape);
            const d = maxRelDiff(gp[i]!, gf[i]!);
            note(`fused gradients (${threads})`, d);
            expect(d).toBeLessThan(1e-4);
          }
          tf.dispose([x, yp, yf, r, ...gp, ...gf]);
          plain.dispose();
          fused.dispose();
        }),
        { numRuns: 40, seed: 20261208 },
      );
    try {
      w.team = null;
      check('1 thread');
    } finally {
      w.team = helpers;
    }
    check(`${w.threads} threads`);
  });

  it('dropout: the same masks give the same outputs and gradients, fused or not (Keras: the recurrent mask reaches the product only)', () => {
    const c: Case = { B: 3, T: 5, I: 4, U: 6, returnSequences: true, goBackwards: true, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, seed: 9 };
    const { plain, fused } = pair(c, { dropout: 0.3, recurrentDropout: 0.5 });
    const rand = mulberry32(17);
    const mask = (n: number, rate: number): Float32Array => Float32Array.from({ length: n }, () => (rand() < rate ? 0 : 1 / (1 - rate)));
    const mx = mask(c.B * c.I, 0.3);
    const mh = mask(c.B * c.U, 0.5);
    const layer = gruOf(plain) as unknown as RnnLayerLike & { cell: { dropoutMask: unknown; recurrentDropoutMask: unknown } };
    const mxT = tf.keep(tf.tensor2d(mx, [c.B, c.I]));
    const mhT = tf.keep(tf.tensor2d(mh, [c.B, c.U]));
    // tfjs's RNN base call keeps a cell's masks when they are set (the GRU layer's own call clears them)
    // (found by class name: JSON builds the engine's GRU class, a subclass of tfjs's, kernels/rnn/gru-reset-after.ts)
    let proto = Object.getPrototypeOf(layer) as { constructor: { className?: string }; call: unknown };
    while (proto.constructor.className !== 'RNN') proto = Object.getPrototypeOf(proto) as typeof proto;
    const baseCall = proto.call as (this: unknown, x: tf.Tensor, k: Record<string, unknown>) => tf.Tensor;
    const plainRun = (x: tf.Tensor): tf.Tensor => {
      layer.cell.dropoutMask = [mxT, mxT, mxT];
      layer.cell.recurrentDropoutMask = [mhT, mhT, mhT];
      return baseCall.call(layer, x, { training: true });
    };
    const fl = gruOf(fused) as unknown as RnnLayerLike;
    const spec = fusedSpec(fl)!;
    expect(spec.resetAfter).toBe(true);
    const fusedRun = (x: tf.Tensor): tf.Tensor => fusedRnn(rnnWasm()!, spec, x, fl.cell.kernel.read(), fl.cell.recurrentKernel.read(), fl.cell.bias!.read(), { x: mx, h: mh }, true);
    const x = tf.randomNormal([c.B, c.T, c.I], 0, 1, 'float32', 11);
    const r = tf.randomNormal([c.B, c.T, c.U], 0, 1, 'float32', 12);
    const yp = plainRun(x);
    expect(maxRelDiff(yp, fusedRun(x))).toBeLessThan(1e-5);
    // the masks matter: without them the output differs
    expect(maxRelDiff(yp, fused.predict(x) as tf.Tensor)).toBeGreaterThan(1e-2);
    const grads = (runIt: (x: tf.Tensor) => tf.Tensor, l: RnnLayerLike): tf.Tensor[] => {
      const f = (xx: tf.Tensor): tf.Scalar => tf.sum(tf.mul(runIt(xx), r));
      const vars = [l.cell.kernel.read(), l.cell.recurrentKernel.read(), l.cell.bias!.read()];
      const { grads: g } = tf.variableGrads(() => f(x), vars);
      return [tf.grad(f)(x), ...vars.map((v) => g[v.name]!)];
    };
    const gp = grads(plainRun, layer);
    const gf = grads(fusedRun, fl);
    for (let i = 0; i < gp.length; i++) expect(maxRelDiff(gp[i]!, gf[i]!)).toBeLessThan(1e-4);
    tf.dispose([mxT, mhT]);
  });

  it('from JSON: Bidirectional halves and a go_backwards stack fused, predictions and gradients those of the unfused model; toJSON round-trips', async () => {
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 'bi_ra',
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 6, 3], dtype: 'float32' } },
          { class_name: 'Bidirectional', config: { name: 'bi', merge_mode: 'concat', layer: { class_name: 'GRU', config: { name: 'g', units: 4, reset_after: true, return_sequences: true, recurrent_activation: 'sigmoid', kernel_initializer: { class_name: 'GlorotUniform', config: { seed: 1 } }, bias_initializer: { class_name: 'RandomNormal', config: { seed: 4 } } } } } },
          { class_name: 'GRU', config: { name: 'g2', units: 5, reset_after: true, go_backwards: true, recurrent_activation: 'hard_sigmoid', kernel_initializer: { class_name: 'GlorotUniform', config: { seed: 2 } }, bias_initializer: { class_name: 'RandomNormal', config: { seed: 5 } } } },
          { class_name: 'Dense', config: { name: 'd', units: 1 } },
        ],
      },
    };
    const plain = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(topology)));
    const fused = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(topology)));
    fused.setWeights(plain.getWeights());
    expect(plain.weights.filter((v) => v.name.endsWith('bias')).map((v) => v.shape)).toEqual([[2, 12], [2, 12], [2, 15], [1]]);
    expect(await installFusedRnn(fused, 7)).toBe(3);
    const x = tf.randomNormal([3, 6, 3], 0, 1, 'float32', 8);
    expect(maxRelDiff(plain.predict(x) as tf.Tensor, fused.predict(x) as tf.Tensor)).toBeLessThan(1e-5);
    const r = tf.randomNormal([3, 1], 0, 1, 'float32', 9);
    const gp = gradients(plain, x, r);
    const gf = gradients(fused, x, r);
    for (let i = 0; i < gp.length; i++) expect(maxRelDiff(gp[i]!, gf[i]!)).toBeLessThan(1e-4);
    // the config says reset_after, so the model rebuilds as it was
    const json = fused.toJSON(null, false) as unknown as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    const gru = json.config.layers.find((l) => l.class_name === 'GRU')!;
    expect(gru.config.reset_after).toBe(true);
    const again = await tf.models.modelFromJSON(json as never);
    again.setWeights(plain.getWeights());
    expect(maxRelDiff(plain.predict(x) as tf.Tensor, again.predict(x) as tf.Tensor)).toBeLessThan(1e-6);
  });

  it('a mask (timesteps left out) goes to the tf-ops step: masked steps keep the state', () => {
    const c: Case = { B: 2, T: 5, I: 3, U: 4, returnSequences: false, goBackwards: false, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, seed: 3 };
    const { fused } = pair(c);
    const layer = gruOf(fused)!;
    const x = tf.randomNormal([c.B, c.T, c.I], 0, 1, 'float32', 5);
    // the last two steps masked out: the same as the first three steps alone
    const mask = tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 0, 0]], [2, 5], 'bool');
    const masked = layer.apply(x, { mask }) as tf.Tensor;
    const short = model({ ...c, T: 3 });
    short.setWeights(fused.getWeights());
    const want = short.predict(x.slice([0, 0, 0], [2, 3, 3])) as tf.Tensor;
    expect(maxRelDiff(want, masked)).toBeLessThan(1e-6);
  });

  it('trains on the pure-JS cpu backend without the fused kernels (SEQLAB_FUSED=0) to the fused loss curve', async () => {
    const c: Case = { B: 16, T: 10, I: 3, U: 8, returnSequences: false, goBackwards: false, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, seed: 2 };
    const x = tf.randomNormal([c.B, c.T, c.I], 0, 1, 'float32', 6);
    const y = tf.mean(x.slice([0, 0, 0], [c.B, c.T, 1]), 1);
    const withHead = (): tf.Sequential => {
      const m = model(c);
      m.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
      return m;
    };
    const curve = (m: tf.Sequential): number[] => {
      const opt = tf.train.rmsprop(0.01);
      const losses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const l = opt.minimize(() => tf.losses.absoluteDifference(y, m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
        losses.push(l.dataSync()[0]!);
        l.dispose();
      }
      return losses;
    };
    const fused = withHead();
    const start = fused.getWeights().map((v) => v.clone());
    expect(await installFusedRnn(fused, 1)).toBe(1);
    const a = curve(fused);
    await tf.setBackend('cpu');
    try {
      process.env.SEQLAB_FUSED = '0';
      const plain = withHead();
      plain.setWeights(start);
      expect(await installFusedRnn(plain, 1)).toBe(0);
      const b = curve(plain);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4 * Math.max(1, a[i]!) + 2e-5);
      expect(b[b.length - 1]!).toBeLessThan(b[0]! * 0.8);
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('the gate explorer: the run\'s GRU window carries both bias rows, and the lesson\'s equations (shared/gru.ts) give the layer\'s states to 1e-5', async () => {
    const T = 9;
    const I = 3;
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 'gates_ra',
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, T, I], dtype: 'float32' } },
          { class_name: 'GRU', config: { name: 'g', units: 6, reset_after: true, return_sequences: true, recurrent_activation: 'hard_sigmoid', kernel_initializer: { class_name: 'GlorotUniform', config: { seed: 3 } }, bias_initializer: { class_name: 'RandomNormal', config: { seed: 4, stddev: 0.8 } } } },
        ],
      },
    };
    const m = await tf.models.modelFromJSON(topology as never);
    await installFusedRnn(m, 1);
    const rand = mulberry32(5);
    const xs = Float32Array.from({ length: 4 * T * I }, () => rand() * 4 - 2);
    const source = {
      kind: 'forecast', timesteps: T, features: I, targetSize: 1, targetScale: 1, targetOffset: 0, targetUnit: null,
      count: () => 4,
      fill: (_split: string, idx: ArrayLike<number>, x: Float32Array) => x.set(xs.subarray(idx[0]! * T * I, (idx[0]! + 1) * T * I)),
    } as unknown as SampleSource;
    const g = gruWindow(m, source, 2);
    expect(g.resetAfter).toBe(true);
    const [, , bias] = m.getWeights();
    const rows = bias!.arraySync() as number[][];
    expect(g.bias).toEqual(rows[0]);
    expect(g.recurrentBias).toEqual(rows[1]);
    expect(rows[1]!.some((v) => Math.abs(v) > 0.1)).toBe(true);
    const want = (m.predict(tf.tensor3d(xs.subarray(2 * T * I, 3 * T * I), [1, T, I])) as tf.Tensor).arraySync() as number[][][];
    const steps = gruSteps(g, g.window);
    let worst = 0;
    steps.forEach((s, t) => s.h.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - want[0]![t]![j]!)))));
    note('gate explorer', worst);
    expect(worst).toBeLessThan(1e-5);
    // read as the other form, the same weights give other states: the form matters here
    const other = gruSteps({ ...g, resetAfter: false }, g.window);
    expect(Math.max(...other.flatMap((s, t) => s.h.map((v, j) => Math.abs(v - want[0]![t]![j]!))))).toBeGreaterThan(1e-2);
  });

  it('model.json: saved and loaded by SeqLab\'s tfjs format with reset_after and bias (2, 3u); the export dialog\'s check names the layer stock tfjs cannot load', async () => {
    const spec = toKerasSpec(chainGraph('tfjs_ra', ['input_sequence', { timesteps: 7, features: 2 }], [['gru', { units: 3, reset_after: true }], ['dense', { units: 1 }]]));
    expect(engineOnlyLayers(spec)).toEqual(['gru']);
    // the Python code writes the user's form
    expect(toPythonCode(chainGraph('tfjs_ra', ['input_sequence', { timesteps: 7, features: 2 }], [['gru', { units: 3, reset_after: true }], ['dense', { units: 1 }]]))).toContain('reset_after=True');
    expect(engineOnlyLayers(toKerasSpec(chainGraph('tfjs_plain', ['input_sequence', { timesteps: 7, features: 2 }], [['gru', { units: 3 }], ['dense', { units: 1 }]])))).toEqual([]);
    const m = await tf.models.modelFromJSON(spec as never);
    m.setWeights(m.weights.map((w, i) => tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 40 + i)));
    const dir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-gru-ra-'));
    try {
      await saveTfjsModel(m, dir);
      const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8')) as { modelTopology: unknown; weightsManifest: { weights: { name: string; shape: number[] }[] }[] };
      expect(engineOnlyLayers(json.modelTopology)).toEqual(['gru']);
      expect(json.weightsManifest[0]!.weights.find((w) => w.name.endsWith('bias') && w.shape.length === 2)!.shape).toEqual([2, 9]);
      const back = await loadTfjsModel(dir);
      const x = tf.randomNormal([2, 7, 2], 0, 1, 'float32', 3);
      expect(maxRelDiff(m.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor)).toBe(0);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a run trains (fused, wasm) and exports tfjs, .h5, train.py and PyTorch in its own form', async () => {
    const exp: Experiment = {
      ...STARTER_EXPERIMENT,
      name: 'tiny GRU reset_after',
      model: toKerasSpec(chainGraph('tiny_ra', ['input_sequence', { timesteps: 24, features: 3 }], [['gru', { units: 8, reset_after: true, recurrent_dropout: 0.2 }], ['dense', { units: 1 }]])) as unknown as Experiment['model'],
      training: { ...STARTER_EXPERIMENT.training, epochs: 1, stepsPerEpoch: 3, validationSteps: 1, testSteps: 0 },
    };
    const trained = await trainModel(exp, 'run-ra-1');
    const dir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-gru-ra-run-'));
    try {
      expect(trained.done.status).toBe('completed');
      expect(Number.isFinite(trained.done.bestValLoss)).toBe(true);
      expect(trained.model!.countParams()).toBe(3 * (3 * 8 + 64 + 16) + 9);
      const record: RunRecord = { id: 'run-ra-1', createdAt: new Date().toISOString(), experiment: exp, backend: 'wasm', params: trained.model!.countParams(), done: trained.done };
      const r = await exportRun(trained, record, dir, { tfjs: true, h5: true, python: true, pytorch: true, history: false });
      expect([...r.files].sort()).toEqual(expect.arrayContaining(['model.h5', 'tfjs/model.json', 'train.py', 'pytorch/model.py']));
      expect(await fs.readFile(path.join(r.dir, 'train.py'), 'utf8')).toContain('reset_after=True');
      expect(await fs.readFile(path.join(r.dir, 'pytorch', 'model.py'), 'utf8')).toContain('class KerasGRUResetAfter(KerasRNN)');
      const back = await loadTfjsModel(path.join(r.dir, 'tfjs'));
      const x = tf.randomNormal([2, 24, 3], 0, 1, 'float32', 1);
      expect(maxRelDiff(trained.model!.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor)).toBeLessThan(1e-6);
    } finally {
      trained.dispose();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
