// ONNX export (main/engine/export/onnx.ts, each block's `onnx` form): every preset it takes,
// plus graphs that reach the other blocks and options (LSTM, SimpleRNN, every Bidirectional
// merge mode, go_backwards, 'same' padding with strides and dilation, both normalisations,
// Embedding, Add / Concatenate / RepeatVector / Reshape, Conv2D, recurrent activations ONNX
// names differently), is built as the engine builds it (buildModel: fused kernels included)
// with seeded random weights, exported through exportRun, and run by onnxruntime-node on the
// same inputs: every output within 1e-5 of tfjs's. The batch axis is dynamic (two batch sizes
// through one session) and so is an open time axis. Every exported file also passes the ONNX
// project's own checker (python3's onnx.checker.check_model, full_check: types and shapes
// inferred through the graph). A trained run goes through exportRun and the CLI; a layer ONNX
// cannot take fails with E_MODEL_INVALID naming it and writes nothing. Without python3's onnx
// that check fails with the package to install; it never skips.
import { execFile, execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors';
import type { Experiment } from '../../shared/experiment';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { chainGraph, getPreset, PRESETS, toKerasSpec } from '../../shared/model';
import { mulberry32 } from '../../shared/random';
import type { RunRecord } from '../../shared/runs';
import { initBackend } from '../../main/engine/platform/backend';
import { exportRun, onnxExport, onnxModel, ONNX_FILES, type OnnxModelSpec } from '../../main/engine/export';
import { trainModel, type TrainedRun } from '../../main/engine/training/train';
import { graphOf, modelOf, SHARED_CASES, type Case } from './export-cases';

const run = promisify(execFile);
const PY = '/usr/bin/python3';
const TOLERANCE = 1e-5;
const BATCH = 3;

const onnxMissing = ((): string | null => {
  try {
    execFileSync(PY, ['-c', 'import onnx'], { stdio: 'ignore' });
    return null;
  } catch {
    return `${PY} cannot import onnx: install it (Debian: apt-get install -y python3-onnx; .ci/run does)`;
  }
})();

// onnx.checker with full_check (the model, every node against its opset 17 schema, then strict
// shape inference); prints one line per file: "ok" or the checker's message.
const CHECKER = String.raw`
import sys, onnx
for f in sys.argv[1:]:
    try:
        m = onnx.load(f)
        onnx.checker.check_model(m, full_check=True)
        print("ok", m.ir_version, m.opset_import[0].version)
    except Exception as e:
        print("error", " ".join(str(e).split()))
`;



const EXTRA: Case[] = [
  ...SHARED_CASES,
  {
    // recurrent activations ONNX spells its own way (linear: Affine, hard_sigmoid after another's
    // alpha), a GRU over its whole sequence reading backwards, an open time axis with strides
    id: 'rnn-activations',
    graph: chainGraph('rnn_activations', ['input_sequence', { timesteps: null, features: 3 }], [
      ['conv1d', { filters: 4, kernel_size: 3, strides: 2, padding: 'same', activation: 'linear' }],
      ['gru', { units: 5, activation: 'linear', recurrent_activation: 'hard_sigmoid', return_sequences: true, go_backwards: true }],
      ['lstm', { units: 4, activation: 'softsign', recurrent_activation: 'linear', return_sequences: true }],
      ['simple_rnn', { units: 3, activation: 'elu', return_sequences: true }],
      ['global_max_pooling1d'],
      ['dense', { units: 2 }],
    ]),
    steps: 37,
  },
  {
    // reset_after=True runs in the engine's own GRU layer: linear_before_reset=1 against it, end to end
    id: 'gru-reset-after',
    graph: chainGraph('gru_reset_after', ['input_sequence', { timesteps: 20, features: 3 }], [
      ['gru', { units: 6, reset_after: true, recurrent_activation: 'sigmoid', return_sequences: true }],
      ['gru', { units: 4, reset_after: true, go_backwards: true }],
      ['dense', { units: 1 }],
    ]),
  },
  {
    id: 'tokens-video',
    graph: graphOf('tokens_video', [
      ['t', 'input_tokens', { length: 7 }],
      ['e', 'embedding', { input_dim: 10, output_dim: 4 }],
      ['r', 'lstm', { units: 5 }],
      ['v', 'input_video', { frames: 4, height: 6, width: 6, channels: 2 }],
      ['c', 'conv3d', { filters: 3, kernel_size: [2, 3, 3], strides: [1, 2, 2], padding: 'same' }],
      ['p', 'max_pooling3d', { pool_size: [2, 2, 2], padding: 'same' }],
      ['f', 'flatten'],
      ['d', 'dense', { units: 5, activation: 'relu' }],
      ['cat', 'concatenate'],
      ['out', 'dense', { units: 3, activation: 'softmax' }],
    ], [['t', 'e'], ['e', 'r'], ['v', 'c'], ['c', 'p'], ['p', 'f'], ['f', 'd'], ['r', 'cat'], ['d', 'cat'], ['cat', 'out']]),
  },
];

const UNSUPPORTED = 'video-convlstm';
// Every preset but the ConvLSTM one (ONNX has no ConvLSTM operator); None axes get `steps`.
const CASES: Case[] = [...PRESETS.filter((p) => p.id !== UNSUPPORTED).map((p) => ({ id: p.id, graph: p.graph, steps: 120 })), ...EXTRA];


interface Input {
  name: string;
  data: Float32Array | Int32Array;
  shape: number[];
}

/** Seeded inputs for every model input (token ids below 10: inside every vocabulary here). */
function inputsOf(model: tf.LayersModel, seed: number, batch: number, steps = 120): Input[] {
  const rand = mulberry32(seed);
  return model.inputs.map((t) => {
    const shape = [batch, ...t.shape.slice(1).map((d) => d ?? steps)];
    const n = shape.reduce((a, b) => a * b, 1);
    const data = t.dtype === 'int32' ? Int32Array.from({ length: n }, () => Math.floor(rand() * 10)) : Float32Array.from({ length: n }, () => rand() * 2 - 1);
    return { name: t.sourceLayer.name, data, shape };
  });
}

function predict(model: tf.LayersModel, inputs: Input[]): Float32Array[] {
  return tf.tidy(() => {
    const xs = inputs.map((x) => tf.tensor(x.data, x.shape, x.data instanceof Int32Array ? 'int32' : 'float32'));
    const y = model.predict(xs.length === 1 ? xs[0]! : xs);
    return (Array.isArray(y) ? y : [y]).map((t) => t.dataSync() as Float32Array);
  });
}

async function runOnnx(session: ort.InferenceSession, inputs: Input[]): Promise<{ data: Float32Array; dims: readonly number[] }[]> {
  const feeds = Object.fromEntries(inputs.map((x) => [x.name, x.data instanceof Int32Array ? new ort.Tensor('int32', x.data, x.shape) : new ort.Tensor('float32', x.data, x.shape)]));
  const results = await session.run(feeds);
  return session.outputNames.map((n) => ({ data: results[n]!.data as Float32Array, dims: results[n]!.dims }));
}

const maxDiff = (a: Float32Array, b: Float32Array): number => (a.length !== b.length ? Infinity : a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0));

const record = (id: string): RunRecord => ({ id: `run-${id}`, experiment: { name: id } }) as unknown as RunRecord;
const untrained = (model: tf.LayersModel): TrainedRun => ({ model, data: null, done: {} as TrainedRun['done'], dispose: () => undefined });

describe('ONNX export', () => {
  let dir: string;
  const measured: Record<string, number> = {};
  const sizes: Record<string, string> = {};

  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    dir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-export-onnx-'));
  });

  afterAll(async () => {
    console.log(`ONNX export, max |onnxruntime - tfjs| per model: ${JSON.stringify(measured)}`);
    console.log(`ONNX export, model.onnx size and export time: ${JSON.stringify(sizes)}`);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  for (const [k, c] of CASES.entries()) {
    it(`${c.id}: onnxruntime reproduces tfjs's outputs within ${TOLERANCE}, for two batch sizes`, async () => {
      const model = await modelOf(c.graph, 100 + k);
      try {
        const r = await exportRun(untrained(model), record(c.id), path.join(dir, c.id), { onnx: true });
        expect(r.files).toEqual([...ONNX_FILES]);
        const session = await ort.InferenceSession.create(path.join(r.dir, 'model.onnx'));
        try {
          // inputs and outputs keep the Keras layers' names; the batch axis is symbolic
          expect(session.inputNames).toEqual(model.inputs.map((t) => t.sourceLayer.name));
          expect(session.outputNames).toEqual(model.outputs.map((t) => t.sourceLayer.name));
          for (const m of session.inputMetadata) expect(m.isTensor && m.shape[0]).toBe('batch');
          let worst = 0;
          for (const batch of [BATCH, 1]) {
            const x = inputsOf(model, 200 + k + batch, batch, c.steps);
            const want = predict(model, x);
            const got = await runOnnx(session, x);
            expect(got.map((o) => [...o.dims])).toEqual(model.outputs.map((t) => [batch, ...t.shape.slice(1).map((d) => d ?? c.steps!)]));
            worst = Math.max(worst, ...want.map((w, i) => maxDiff(w, got[i]!.data)));
            // the outputs move with the inputs: the check is not comparing two constants
            if (batch > 1) expect(Math.max(...want.map((w) => w.reduce((m, v) => Math.max(m, Math.abs(v - w[0]!)), 0)))).toBeGreaterThan(1e-4);
          }
          measured[c.id] = Number(worst.toPrecision(2));
          expect(worst).toBeLessThanOrEqual(TOLERANCE);
        } finally {
          await session.release();
        }
      } finally {
        model.dispose();
      }
    });
  }

  it('the open time axis stays open: conv1d-6.47 runs 100 and 300 steps through one session', async () => {
    const model = await modelOf(getPreset('conv1d-6.47')!.graph, 7);
    try {
      const r = await exportRun(untrained(model), record('open-time'), path.join(dir, 'open-time'), { onnx: true });
      const session = await ort.InferenceSession.create(path.join(r.dir, 'model.onnx'));
      // (below 61 steps its third convolution has nothing left to read)
      for (const steps of [100, 300]) {
        const x = inputsOf(model, steps, 2, steps);
        expect(maxDiff(predict(model, x)[0]!, (await runOnnx(session, x))[0]!.data)).toBeLessThanOrEqual(TOLERANCE);
      }
      await session.release();
    } finally {
      model.dispose();
    }
  });

  it(`a layer without an ONNX form (${UNSUPPORTED}: ConvLSTM2D) fails with E_MODEL_INVALID naming it, and writes nothing`, async () => {
    const model = await modelOf(getPreset(UNSUPPORTED)!.graph, 1);
    const out = path.join(dir, 'unsupported');
    const e = await exportRun(untrained(model), record('x'), out, { onnx: true, tfjs: true, history: false }).catch((x: unknown) => x);
    model.dispose();
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('E_MODEL_INVALID');
    expect(String((e as AppError).params.detail)).toBe('ONNX export does not support ConvLSTM2D: ONNX has no convolutional recurrent operator (layer "conv_lstm2d")');
    await expect(fs.readdir(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a recurrent activation ONNX\'s recurrent ops lack (selu) fails with E_MODEL_INVALID naming the layer', async () => {
    const model = await modelOf(chainGraph('selu_rnn', ['input_sequence', { timesteps: 5, features: 2 }], [['simple_rnn', { units: 3, activation: 'selu' }]]), 1);
    const e = await exportRun(untrained(model), record('selu'), path.join(dir, 'selu'), { onnx: true }).catch((x: unknown) => x);
    model.dispose();
    expect((e as AppError).code).toBe('E_MODEL_INVALID');
    expect(String((e as AppError).params.detail)).toBe('ONNX export does not support RNN with activation selu (layer "simple_rnn")');
  });

  it('every exported model passes onnx.checker.check_model (full_check) of python3\'s onnx', async () => {
    expect(onnxMissing, 'the ONNX checker cannot run').toBeNull();
    const files: string[] = [];
    for (const [k, c] of CASES.entries()) {
      const model = await modelOf(c.graph, 100 + k);
      files.push(path.join(dir, `checked-${k}.onnx`));
      const start = performance.now();
      const bytes = onnxExport(model, { runId: `run-${c.id}` });
      sizes[c.id] = `${(bytes.length / 1024).toFixed(1)} kB in ${(performance.now() - start).toFixed(0)} ms`;
      await fs.writeFile(files[k]!, bytes);
      model.dispose();
    }
    const { stdout } = await run(PY, ['-c', CHECKER, ...files]);
    expect(stdout.trim().split('\n')).toEqual(CASES.map(() => 'ok 8 17'));
  });

  // Besides the engine's layer (the gru-reset-after case above), the ONNX file is checked against
  // Keras's GRUCell equations, computed here in double precision, for both forms.
  it('GRU reset_after=True becomes linear_before_reset=1: onnxruntime computes Keras\'s reset_after=True cell', async () => {
    const [T, F, U, B] = [6, 3, 4, 2];
    const rand = mulberry32(5);
    const r = (n: number, s: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * s);
    const kernel = r(F * 3 * U, 0.9);
    const rec = r(U * 3 * U, 0.9);
    const bias = r(2 * 3 * U, 0.9);
    const x = r(B * T * F, 1);
    const kerasGru = (resetAfter: boolean): Float64Array => {
      const y = new Float64Array(B * T * U);
      const sig = (v: number) => 1 / (1 + Math.exp(-v));
      for (let b = 0; b < B; b++) {
        let h = new Float64Array(U);
        for (let t = 0; t < T; t++) {
          const xm = Array.from({ length: 3 * U }, (_, j) => bias[j]! + Array.from({ length: F }, (_, f) => x[(b * T + t) * F + f]! * kernel[f * 3 * U + j]!).reduce((a, v) => a + v, 0));
          const hm = Array.from({ length: 3 * U }, (_, j) => (resetAfter ? bias[3 * U + j]! : 0) + Array.from({ length: U }, (_, k) => h[k]! * rec[k * 3 * U + j]!).reduce((a, v) => a + v, 0));
          const z = Array.from({ length: U }, (_, j) => sig(xm[j]! + hm[j]!));
          const rg = Array.from({ length: U }, (_, j) => sig(xm[U + j]! + hm[U + j]!));
          // reset_after: the gate scales the recurrent product (with its bias); before: the state
          const hh = Array.from({ length: U }, (_, j) =>
            Math.tanh(xm[2 * U + j]! + (resetAfter ? rg[j]! * hm[2 * U + j]! : Array.from({ length: U }, (_, k) => rg[k]! * h[k]! * rec[k * 3 * U + 2 * U + j]!).reduce((a, v) => a + v, 0))));
          h = Float64Array.from({ length: U }, (_, j) => z[j]! * h[j]! + (1 - z[j]!) * hh[j]!);
          y.set(h, (b * T + t) * U);
        }
      }
      return y;
    };
    const spec: OnnxModelSpec = {
      name: 'gru_reset_after',
      inputs: [{ name: 'x', shape: [null, T, F], dtype: 'float32' }],
      layers: [{
        name: 'gru', className: 'GRU', from: ['x'], inputShapes: [[null, T, F]], outputShape: [null, T, U],
        config: { units: U, activation: 'tanh', recurrent_activation: 'sigmoid', reset_after: true, return_sequences: true },
        weights: [{ name: 'kernel', shape: [F, 3 * U], data: kernel }, { name: 'recurrent_kernel', shape: [U, 3 * U], data: rec }, { name: 'bias', shape: [2, 3 * U], data: bias }],
      }],
      outputs: [{ name: 'gru', shape: [null, T, U] }],
    };
    const session = await ort.InferenceSession.create(onnxModel(spec, { runId: 'reset-after' }));
    const got = (await runOnnx(session, [{ name: 'x', data: x, shape: [B, T, F] }]))[0]!;
    await session.release();
    const want = kerasGru(true);
    const diff = want.reduce((m, v, i) => Math.max(m, Math.abs(v - got.data[i]!)), 0);
    measured['gru-reset-after'] = Number(diff.toPrecision(2));
    expect(diff).toBeLessThanOrEqual(TOLERANCE);
    // the two cells differ on these weights: the check tells them apart
    expect(kerasGru(false).reduce((m, v, i) => Math.max(m, Math.abs(v - want[i]!)), 0)).toBeGreaterThan(1e-2);
  });

  describe('a trained run', () => {
    const lstmRun: Experiment = {
      ...STARTER_EXPERIMENT,
      name: 'tiny LSTM',
      model: toKerasSpec(chainGraph('tiny_lstm', ['input_sequence', { timesteps: 24, features: 3 }], [['lstm', { units: 8 }], ['dense', { units: 1 }]])) as unknown as Experiment['model'],
      training: { ...STARTER_EXPERIMENT.training, epochs: 1, stepsPerEpoch: 3, validationSteps: 1, testSteps: 0 },
    };

    it('exportRun writes model.onnx beside the other exports, and onnxruntime predicts what the trained tfjs model does', async () => {
      const trained = await trainModel(lstmRun, 'run-onnx-1');
      try {
        expect(trained.done.status).toBe('completed');
        const rec: RunRecord = { id: 'run-onnx-1', createdAt: new Date().toISOString(), experiment: lstmRun, backend: 'wasm', params: trained.model!.countParams(), done: trained.done };
        const r = await exportRun(trained, rec, path.join(dir, 'trained'), { onnx: true, tfjs: true, history: true });
        expect([...r.files].sort()).toEqual(['tfjs/model.json', 'tfjs/group1-shard1of1.bin', ...ONNX_FILES, 'history.csv', 'history.json'].sort());
        const x: Input[] = [{ name: trained.model!.inputs[0]!.sourceLayer.name, data: Float32Array.from({ length: 4 * 24 * 3 }, (_, i) => Math.cos(i * 0.37)), shape: [4, 24, 3] }];
        const session = await ort.InferenceSession.create(path.join(r.dir, 'model.onnx'));
        const got = (await runOnnx(session, x))[0]!;
        await session.release();
        expect([...got.dims]).toEqual([4, 1]);
        measured['trained-lstm'] = Number(maxDiff(predict(trained.model!, x)[0]!, got.data).toPrecision(2));
        expect(measured['trained-lstm']).toBeLessThanOrEqual(TOLERANCE);
      } finally {
        trained.dispose();
      }
    });

    it('CLI: seqlab export --onnx', async () => {
      const { exportCommand } = await import('../../main/cli/export');
      const expFile = path.join(dir, 'lstm.json');
      await fs.writeFile(expFile, JSON.stringify(lstmRun));
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        expect(await exportCommand([expFile, '--out', path.join(dir, 'cli'), '--onnx', '--backend', 'wasm'])).toBe(0);
      } finally {
        log.mockRestore();
      }
      const folder = (await fs.readdir(path.join(dir, 'cli')))[0]!;
      expect((await fs.readdir(path.join(dir, 'cli', folder))).sort()).toEqual(['history.csv', 'history.json', ...ONNX_FILES].sort());
      const session = await ort.InferenceSession.create(path.join(dir, 'cli', folder, 'model.onnx'));
      expect([...(await runOnnx(session, [{ name: session.inputNames[0]!, data: new Float32Array(2 * 24 * 3).fill(0.5), shape: [2, 24, 3] }]))[0]!.dims]).toEqual([2, 1]);
      await session.release();
    });
  });
});
