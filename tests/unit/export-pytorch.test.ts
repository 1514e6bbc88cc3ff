// PyTorch export (main/engine/export/pytorch.ts, each block's `torch` form): every preset it
// takes, plus graphs that reach the other blocks and options (LSTM, SimpleRNN, every
// Bidirectional merge mode, go_backwards, 'same' padding with strides and dilation, both
// normalisations, Add / Concatenate / RepeatVector / Reshape, Conv2D), is built as the engine
// builds it (buildModel: fused kernels included) with seeded random weights, exported, and run
// by /usr/bin/python3 with torch under no_grad on the same inputs: every output within 1e-5 of
// tfjs's. A trained run goes through exportRun and the CLI; an unsupported layer fails with
// E_MODEL_INVALID naming it and writes nothing. Without torch the comparisons fail, never skip.
import { execFile, execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../shared/errors';
import type { Experiment } from '../../shared/experiment';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { chainGraph, getPreset, PRESETS, toKerasSpec } from '../../shared/model';
import { mulberry32 } from '../../shared/random';
import type { RunRecord } from '../../shared/runs';
import { initBackend } from '../../main/engine/platform/backend';
import { exportRun, PYTORCH_FILES, pytorchExport } from '../../main/engine/export';
import { trainModel, type TrainedRun } from '../../main/engine/training/train';
import { modelOf, SHARED_CASES, type Case } from './export-cases';

const run = promisify(execFile);
const PY = '/usr/bin/python3';
const TOLERANCE = 1e-5;
const BATCH = 3;

const torchMissing = ((): string | null => {
  try {
    execFileSync(PY, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return null;
  } catch {
    return `${PY} cannot import torch and numpy: install them (Debian: apt-get install -y python3-torch libopenblas0-pthread python3-numpy; .ci/run does)`;
  }
})();
const needTorch = (): void => expect(torchMissing, 'the PyTorch checks cannot run').toBeNull();



const EXTRA: Case[] = [
  ...SHARED_CASES,
  {
    // reset_after=True with tanh and sigmoid: torch.nn.GRU itself (go_backwards, sequences, Bidirectional)
    id: 'gru-reset-after',
    graph: chainGraph('gru_reset_after', ['input_sequence', { timesteps: 25, features: 4 }], [
      ['gru', { units: 7, reset_after: true, recurrent_activation: 'sigmoid', return_sequences: true, go_backwards: true }],
      ['bidirectional', { merge_mode: 'concat' }, ['gru', { units: 5, reset_after: true, recurrent_activation: 'sigmoid' }]],
      ['dense', { units: 1 }],
    ]),
  },
  {
    // reset_after=True with tfjs's default hard_sigmoid gates: Keras's cell, bias (2, 3u)
    id: 'gru-reset-after-hard-sigmoid',
    graph: chainGraph('gru_reset_after_hard', ['input_sequence', { timesteps: 25, features: 4 }], [
      ['gru', { units: 6, reset_after: true, recurrent_activation: 'hard_sigmoid' }],
      ['dense', { units: 1 }],
    ]),
  },
];

const UNSUPPORTED = 'video-convlstm';
// Every preset but the ConvLSTM one (ConvLSTM2D has no torch form yet); None axes get `steps`.
const CASES: Case[] = [...PRESETS.filter((p) => p.id !== UNSUPPORTED).map((p) => ({ id: p.id, graph: p.graph, steps: 120 })), ...EXTRA];


interface Feed {
  tensors: tf.Tensor[];
  spec: { file: string; dtype: 'float32' | 'int32'; shape: number[] }[];
}

/** Seeded inputs for every model input, as tensors and as raw files in `dir`. */
async function feed(model: tf.LayersModel, dir: string, seed: number, steps = 120): Promise<Feed> {
  const rand = mulberry32(seed);
  const out: Feed = { tensors: [], spec: [] };
  for (const [i, t] of model.inputs.entries()) {
    const shape = [BATCH, ...t.shape.slice(1).map((d) => d ?? steps)];
    const n = shape.reduce((a, b) => a * b, 1);
    const int = t.dtype === 'int32';
    // token ids below 10: inside every vocabulary here
    const data = int ? Int32Array.from({ length: n }, () => Math.floor(rand() * 10)) : Float32Array.from({ length: n }, () => rand() * 2 - 1);
    const file = path.join(dir, `input${i}.bin`);
    await fs.writeFile(file, new Uint8Array(data.buffer));
    out.tensors.push(tf.tensor(data, shape, int ? 'int32' : 'float32'));
    out.spec.push({ file, dtype: int ? 'int32' : 'float32', shape });
  }
  return out;
}

function predict(model: tf.LayersModel, inputs: tf.Tensor[]): Float32Array[] {
  return tf.tidy(() => {
    const y = model.predict(inputs.length === 1 ? inputs[0]! : inputs);
    return (Array.isArray(y) ? y : [y]).map((t) => t.dataSync() as Float32Array);
  });
}

// Imports each exported model.py, loads its weights and runs the inputs under no_grad; writes
// the outputs as raw float32 files and reports, per case, the output shapes and what the file's
// own usage example printed, or the error.
const RUNNER = String.raw`
import contextlib, importlib.util, io, json, runpy, sys, traceback
import numpy as np, torch
report = {}
for case in json.load(open(sys.argv[1])):
    try:
        spec = importlib.util.spec_from_file_location("exported_" + case["id"].replace("-", "_").replace(".", "_"), case["model"])
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        model = mod.load(case["folder"])
        xs = [torch.from_numpy(np.fromfile(x["file"], dtype="<f4" if x["dtype"] == "float32" else "<i4").reshape(x["shape"])) for x in case["inputs"]]
        with torch.no_grad():
            ys = model(*xs)
        ys = ys if isinstance(ys, tuple) else (ys,)
        for i, y in enumerate(ys):
            y.numpy().astype("<f4").tofile(case["out"] + str(i))
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            runpy.run_path(case["model"], run_name="__main__")  # the usage example at its end
        report[case["id"]] = {"shapes": [list(y.shape) for y in ys], "eval": not model.training, "example": printed.getvalue()}
    except Exception:
        report[case["id"]] = {"error": traceback.format_exc()}
print(json.dumps(report))
`;

interface Outcome {
  want: Float32Array[];
  shapes: number[][];
  got?: Float32Array[];
  gotShapes?: number[][];
  error?: string;
  eval?: boolean;
  example?: string;
  files: string[];
  modelPy: string;
}

const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('PyTorch export', () => {
  let dir: string;
  const outcomes = new Map<string, Outcome>();
  const measured: Record<string, number> = {};

  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
    dir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-export-pytorch-'));
    const batch: unknown[] = [];
    for (const [k, c] of CASES.entries()) {
      const model = await modelOf(c.graph, 100 + k);
      const caseDir = path.join(dir, c.id);
      await fs.mkdir(caseDir);
      const x = await feed(model, caseDir, 200 + k, c.steps);
      const want = predict(model, x.tensors);
      const record = { id: `run-${c.id}`, experiment: { name: c.id } } as unknown as RunRecord;
      const r = await exportRun({ model, data: null, done: {} as TrainedRun['done'], dispose: () => model.dispose() }, record, path.join(caseDir, 'export'), { pytorch: true });
      outcomes.set(c.id, {
        want, shapes: model.outputs.map((t) => [BATCH, ...t.shape.slice(1).map((d) => d ?? c.steps!)]), files: r.files,
        modelPy: await fs.readFile(path.join(r.dir, 'pytorch', 'model.py'), 'utf8'),
      });
      batch.push({ id: c.id, model: path.join(r.dir, 'pytorch', 'model.py'), folder: path.join(r.dir, 'pytorch'), inputs: x.spec, out: path.join(caseDir, 'out') });
      x.tensors.forEach((t) => t.dispose());
      model.dispose();
    }
    if (torchMissing) return;
    const spec = path.join(dir, 'cases.json');
    await fs.writeFile(spec, JSON.stringify(batch));
    const { stdout } = await run(PY, ['-c', RUNNER, spec], { maxBuffer: 1 << 24 });
    const report = JSON.parse(stdout) as Record<string, { shapes?: number[][]; error?: string; eval?: boolean; example?: string }>;
    for (const [id, o] of outcomes) {
      const r = report[id]!;
      if (r.error) o.error = r.error;
      else {
        o.eval = r.eval;
        o.gotShapes = r.shapes;
        o.example = r.example;
        o.got = await Promise.all(r.shapes!.map(async (_, i) => new Float32Array(new Uint8Array(await fs.readFile(path.join(dir, id, `out${i}`))).buffer)));
      }
    }
  }, 600_000);

  afterAll(async () => {
    console.log(`PyTorch export, max |torch - tfjs| per model: ${JSON.stringify(measured)}`);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.id}: torch reproduces tfjs's outputs within ${TOLERANCE}`, () => {
      needTorch();
      const o = outcomes.get(c.id)!;
      expect(o.files).toEqual([...PYTORCH_FILES]);
      // torch and numpy only: no pickle anywhere
      expect(o.modelPy).not.toMatch(/pickle|torch\.load/);
      expect(o.error, o.error).toBeUndefined();
      expect(o.eval, 'load() returns the module in eval mode').toBe(true);
      expect(o.example).toMatch(/^(torch\.Size|\[torch\.Size)\(\[2[,\]]/);
      expect(o.gotShapes).toEqual(o.shapes);
      const diff = Math.max(...o.want.map((w, i) => maxDiff(w, o.got![i]!)));
      measured[c.id] = Number(diff.toPrecision(2));
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
      // the outputs move with the inputs: the check is not comparing two constants
      expect(Math.max(...o.want.map((w) => w.reduce((m, v) => Math.max(m, Math.abs(v - w[0]!)), 0)))).toBeGreaterThan(1e-4);
    });
  }

  it('the GRU is Keras\'s reset_after=False cell with its hard_sigmoid, not torch.nn.GRU; a model not run yet exports the same', async () => {
    const py = outcomes.get('gru')!.modelPy;
    const fresh = await modelOf(getPreset('gru')!.graph, 1);
    expect(pytorchExport(fresh, { runId: 'run-gru' }).modelPy).toBe(py);
    fresh.dispose();
    expect(py).toContain('class KerasGRU(KerasRNN)');
    expect(py).toContain('torch.clamp(0.2 * x + 0.5, 0.0, 1.0)');
    expect(py).not.toContain('nn.GRU(');
    expect(py).toMatch(/self\.gru = KerasGRU\(14, 32, "tanh", "hard_sigmoid", return_sequences=False, go_backwards=False\)/);
    expect(py).toContain('if __name__ == "__main__":');
  });

  it('a GRU with reset_after=True is torch.nn.GRU itself (weights reordered to torch\'s [r, z, n]); with hard_sigmoid gates, Keras\'s reset_after cell', () => {
    const py = outcomes.get('gru-reset-after')!.modelPy;
    expect(py).toContain('self.gru = nn.GRU(input_size, units, batch_first=True)');
    expect(py).toMatch(/= TorchGRU\(4, 7, return_sequences=True, go_backwards=True\)/);
    expect(py).not.toContain('class KerasGRUResetAfter');
    const hard = outcomes.get('gru-reset-after-hard-sigmoid')!.modelPy;
    expect(hard).toContain('class KerasGRUResetAfter(KerasRNN)');
    expect(hard).toMatch(/= KerasGRUResetAfter\(4, 6, "tanh", "hard_sigmoid", return_sequences=False, go_backwards=False\)/);
    expect(hard).not.toContain('nn.GRU(');
  });

  it(`a layer without a torch form (${UNSUPPORTED}: ConvLSTM2D) fails with E_MODEL_INVALID naming it, and writes nothing`, async () => {
    const model = await modelOf(getPreset(UNSUPPORTED)!.graph, 1);
    const out = path.join(dir, 'unsupported');
    const record = { id: 'run-x', experiment: { name: 'x' } } as unknown as RunRecord;
    const e = await exportRun({ model, data: null, done: {} as TrainedRun['done'], dispose: () => undefined }, record, out, { pytorch: true, tfjs: true, history: false }).catch((x: unknown) => x);
    model.dispose();
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('E_MODEL_INVALID');
    expect(String((e as AppError).params.detail)).toBe('PyTorch export does not support ConvLSTM2D yet (layer "conv_lstm2d")');
    await expect(fs.readdir(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  describe('a trained run', () => {
    const lstmRun: Experiment = {
      ...STARTER_EXPERIMENT,
      name: 'tiny LSTM',
      model: toKerasSpec(chainGraph('tiny_lstm', ['input_sequence', { timesteps: 24, features: 3 }], [['lstm', { units: 8 }], ['dense', { units: 1 }]])) as unknown as Experiment['model'],
      training: { ...STARTER_EXPERIMENT.training, epochs: 1, stepsPerEpoch: 3, validationSteps: 1, testSteps: 0 },
    };

    it('exportRun writes pytorch/ beside the other exports, and torch predicts what the trained tfjs model does', async () => {
      needTorch();
      const trained = await trainModel(lstmRun, 'run-pt-1');
      try {
        expect(trained.done.status).toBe('completed');
        const record: RunRecord = { id: 'run-pt-1', createdAt: new Date().toISOString(), experiment: lstmRun, backend: 'wasm', params: trained.model!.countParams(), done: trained.done };
        const r = await exportRun(trained, record, path.join(dir, 'trained'), { pytorch: true, tfjs: true, history: true });
        expect([...r.files].sort()).toEqual(['tfjs/model.json', 'tfjs/group1-shard1of1.bin', ...PYTORCH_FILES, 'history.csv', 'history.json'].sort());
        const x = Float32Array.from({ length: 4 * 24 * 3 }, (_, i) => Math.cos(i * 0.37));
        const xFile = path.join(dir, 'trained-x.bin');
        await fs.writeFile(xFile, new Uint8Array(x.buffer));
        const want = predict(trained.model!, [tf.tensor3d(x, [4, 24, 3])])[0]!;
        const script = 'import sys, json, numpy as np, torch\nsys.path.insert(0, sys.argv[1])\nimport model as m\nnet = m.load()\nx = torch.from_numpy(np.fromfile(sys.argv[2], dtype="<f4").reshape(4, 24, 3))\nwith torch.no_grad():\n    print(json.dumps(net(x).flatten().tolist()))\n';
        const { stdout } = await run(PY, ['-c', script, path.join(r.dir, 'pytorch'), xFile]);
        const got = Float32Array.from(JSON.parse(stdout) as number[]);
        measured['trained-lstm'] = Number(maxDiff(want, got).toPrecision(2));
        expect(maxDiff(want, got)).toBeLessThanOrEqual(TOLERANCE);
        // the usage example at the end of model.py runs as it is
        const { stdout: example } = await run(PY, [path.join(r.dir, 'pytorch', 'model.py')]);
        expect(example.trim()).toBe('torch.Size([2, 1])');
      } finally {
        trained.dispose();
      }
    });

    it('CLI: seqlab export --pytorch', async () => {
      const { exportCommand } = await import('../../main/cli/export');
      const expFile = path.join(dir, 'lstm.json');
      await fs.writeFile(expFile, JSON.stringify(lstmRun));
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        expect(await exportCommand([expFile, '--out', path.join(dir, 'cli'), '--pytorch', '--backend', 'wasm'])).toBe(0);
      } finally {
        log.mockRestore();
      }
      const folder = (await fs.readdir(path.join(dir, 'cli')))[0]!;
      expect((await fs.readdir(path.join(dir, 'cli', folder), { recursive: true })).map(String).sort()).toEqual(['history.csv', 'history.json', 'pytorch', ...PYTORCH_FILES].sort());
    });
  });
});
