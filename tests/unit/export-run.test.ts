// exportRun / importModel, the Python pipeline (parsed with ast; its generator compared with
// SeqLab's windows), the history files, disk errors leaving nothing behind, and the CLI commands.
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
import { buildSummary, fromKerasSpec } from '../../shared/model';
import type { RunRecord } from '../../shared/runs';
import { initBackend } from '../../main/engine/platform/backend';
import { exportRun, importModel, pythonPipeline } from '../../main/engine/export';
import { trainModel, type TrainedRun } from '../../main/engine/training/train';

const run = promisify(execFile);
const PY = '/usr/bin/python3';
const hasNumpy = ((): boolean => {
  try {
    execFileSync(PY, ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const tiny: Experiment = {
  ...STARTER_EXPERIMENT,
  name: 'tiny GRU «آزمون»',
  training: { ...STARTER_EXPERIMENT.training, epochs: 2, stepsPerEpoch: 3, validationSteps: 2, testSteps: 0 },
};

function predict(model: tf.LayersModel, n: number): number[] {
  const x = Float32Array.from({ length: n * 24 * 3 }, (_, i) => Math.cos(i * 0.21));
  return tf.tidy(() => Array.from((model.predict(tf.tensor3d(x, [n, 24, 3])) as tf.Tensor).dataSync()));
}

describe('exportRun and importModel', () => {
  let trained: TrainedRun;
  let record: RunRecord;
  let dir: string;

  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    trained = await trainModel(tiny, 'run-export-1');
    expect(trained.done.status).toBe('completed');
    record = { id: 'run-export-1', createdAt: new Date().toISOString(), experiment: tiny, backend: 'cpu', params: trained.model!.countParams(), done: trained.done };
    dir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-export-run-'));
  });

  afterAll(async () => {
    trained?.dispose();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes every export into a new complete folder, and imports both model files back', async () => {
    const out = path.join(dir, 'exports');
    const r = await exportRun(trained, record, out, { tfjs: true, h5: true, python: true, history: true });
    expect(path.basename(r.dir)).toBe('tiny-GRU-آزمون-run-export-1');
    expect(r.files.sort()).toEqual(['data.csv', 'history.csv', 'history.json', 'model.h5', 'tfjs/group1-shard1of1.bin', 'tfjs/model.json', 'train.py']);
    expect(await fs.readdir(out)).toEqual([path.basename(r.dir)]);
    const listed = (await fs.readdir(r.dir, { recursive: true })).map(String).sort();
    expect(listed).toEqual(['data.csv', 'history.csv', 'history.json', 'model.h5', 'tfjs', 'tfjs/group1-shard1of1.bin', 'tfjs/model.json', 'train.py']);

    const csv = (await fs.readFile(path.join(r.dir, 'history.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('epoch,loss,val_loss,val_loss_physical,val_accuracy,seconds');
    expect(csv).toHaveLength(3);
    expect(csv[1]!.split(',')[0]).toBe('1');
    expect(Number(csv[2]!.split(',')[1])).toBeCloseTo(trained.done.history[1]!.loss, 10);
    const json = JSON.parse(await fs.readFile(path.join(r.dir, 'history.json'), 'utf8')) as RunRecord & { format: string };
    expect(json.format).toBe('seqlab-run');
    expect(json.done.history).toEqual(trained.done.history);

    const want = predict(trained.model!, 4);
    for (const p of [path.join(r.dir, 'tfjs'), path.join(r.dir, 'tfjs', 'model.json'), path.join(r.dir, 'model.h5')]) {
      const imported = await importModel(p);
      expect(imported.format).toBe(p.endsWith('.h5') ? 'keras-h5' : 'tfjs');
      predict(imported.model, 4).forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-6));
      const s = buildSummary(fromKerasSpec(imported.topology));
      expect(s.totals.total).toBe(record.params);
      imported.model.dispose();
    }

    // A second export of the same run never touches the first folder.
    const again = await exportRun(trained, record, out, { history: true });
    expect(path.basename(again.dir)).toBe('tiny-GRU-آزمون-run-export-1-2');
    expect(again.files).toEqual(['history.csv', 'history.json']);
  });

  it('Keras 3: the run\'s GRU with hard_sigmoid gates goes to model.keras and imports back to the same predictions; an LSTM with activation hard_sigmoid is refused before any folder exists', async () => {
    const out = path.join(dir, 'keras3');
    expect(JSON.stringify(tiny.model)).toContain('hard_sigmoid');
    const r = await exportRun(trained, record, out, { keras: true });
    expect(r.files).toEqual(['model.keras']);
    const back = await importModel(path.join(r.dir, 'model.keras'));
    expect(back.format).toBe('keras3');
    // the trained model runs the fused GRU kernel, the imported one tfjs's stock GRU: float32 rounding apart
    const want = predict(trained.model!, 4);
    predict(back.model, 4).forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-5));
    back.model.dispose();

    const lstm = tf.sequential({ layers: [tf.layers.lstm({ units: 3, activation: 'hardSigmoid', inputShape: [24, 3] }), tf.layers.dense({ units: 1 })] });
    const refused = path.join(dir, 'keras3-lstm');
    await expect(exportRun({ ...trained, model: lstm } as TrainedRun, record, refused, { keras: true, history: true })).rejects.toMatchObject({ code: 'E_MODEL_KERAS3', params: { what: 'keras3_hard_sigmoid', key: 'activation' } });
    await expect(fs.readdir(refused)).rejects.toThrow();
    lstm.dispose();
  }, 120_000);

  it('importModel: missing files and non-models give codes', async () => {
    const missing = await importModel(path.join(dir, 'nope.h5')).catch((e: unknown) => e);
    expect((missing as AppError).code).toBe('E_NOT_FOUND');
    const junk = path.join(dir, 'junk.json');
    await fs.writeFile(junk, '{"hello": 1}');
    const bad = await importModel(junk).catch((e: unknown) => e);
    expect((bad as AppError).code).toBe('E_MODEL_INVALID');
  });

  it('the Python script parses, and its generator cuts the same windows as SeqLab', async () => {
    const code = pythonPipeline(tiny, trained.data, { runId: record.id });
    const file = path.join(dir, 'train.py');
    await fs.writeFile(file, code);
    // Any python3 has ast.
    await run('python3', ['-c', 'import ast, sys; ast.parse(open(sys.argv[1], encoding="utf-8").read())', file]);
    for (const needle of ['LOOKBACK = 24', 'STEP = 1', 'DELAY = 6', 'BATCH_SIZE = 32', 'keras.optimizers.RMSprop(learning_rate=0.005)', 'loss="mae"', 'steps_per_epoch=3', 'epochs=2', 'reset_after=False', 'layers.GRU(']) {
      expect(code).toContain(needle);
    }
    const s = trained.data!.splits;
    expect(code).toContain(`TRAIN_ROWS = (0, ${s.train.end})`);
    expect(code).toContain(`VAL_ROWS = (${s.validation.start}, ${s.validation.end})`);
    // Without numpy this fails with the reason; it never skips.
    expect(hasNumpy, `${PY} cannot import numpy: install it (Debian: apt-get install -y python3-numpy; \`npm test\` does it as root, and .ci/run does)`).toBe(true);
    // Run the data half (everything before the model) with numpy and take the first validation batch.
    const exported = await exportRun(trained, record, path.join(dir, 'py'), { python: true });
    const dataPart = (await fs.readFile(path.join(exported.dir, 'train.py'), 'utf8')).split('# ------------------------------------------------------------------ model')[0]!
      .replace(/^import tensorflow.*$|^from tensorflow.*$|^keras\.utils.*$/gm, '');
    const probe = `${dataPart}\nimport json\nxs, ys = next(val_gen)\nprint(json.dumps({"mean": float(np.abs(float_data[TRAIN_ROWS[0]:TRAIN_ROWS[1]].mean(axis=0)).max()), "x": xs.ravel().tolist(), "y": ys.ravel().tolist()}))\n`;
    const { stdout } = await run(PY, ['-c', probe], { cwd: exported.dir, maxBuffer: 1 << 24 });
    const got = JSON.parse(stdout) as { mean: number; x: number[]; y: number[] };
    expect(got.mean).toBeLessThan(1e-4); // normalised with the training rows' statistics
    const src = trained.data!.source;
    const B = tiny.windowing.batchSize;
    const x = new Float32Array(B * 24 * 3);
    const y = new Float32Array(B);
    src.fill('validation', Int32Array.from({ length: B }, (_, i) => i), x, y);
    expect(got.y).toHaveLength(B);
    got.y.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThan(1e-4));
    got.x.forEach((v, i) => expect(Math.abs(v - x[i]!)).toBeLessThan(1e-4));
  });

  it('a folder that cannot be written gives E_DISK with its errno and leaves nothing behind', async () => {
    const root = path.join(dir, 'disk');
    await fs.mkdir(root);
    const isRoot = process.getuid?.() === 0;
    let target: string;
    let expected: string[];
    if (isRoot) {
      // chmod does not stop root: a path under a regular file fails with ENOTDIR instead.
      await fs.writeFile(path.join(root, 'file'), 'x');
      target = path.join(root, 'file', 'sub');
      expected = ['ENOTDIR'];
    } else {
      await fs.chmod(root, 0o500);
      target = root;
      expected = ['EACCES', 'EPERM'];
    }
    try {
      const err = await exportRun(trained, record, target, { tfjs: true, h5: true, python: true, history: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('E_DISK');
      expect(expected).toContain((err as AppError).params.code);
      expect(await fs.readdir(root)).toEqual(isRoot ? ['file'] : []);
    } finally {
      await fs.chmod(root, 0o700);
    }
  });

  it('a failure half-way removes the partial folder', async () => {
    const out = path.join(dir, 'half');
    const broken = await trainModel({ ...tiny, training: { ...tiny.training, epochs: 1, stepsPerEpoch: 1 } }, 'broken');
    broken.model!.dispose(); // saving a disposed model fails after the folder was made
    const err = await exportRun(broken, { ...record, id: 'broken' }, out, { history: true, tfjs: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(await fs.readdir(out)).toEqual([]);
  });

  it('seqlab import refuses a weight file that is a link, a shard of the wrong size and a huge manifest, before reading them', async () => {
    const { importCommand } = await import('../../main/cli/export');
    const src = path.join(dir, 'hostile-src');
    await exportRun(trained, record, src, { tfjs: true });
    const tfjsDir = path.join(src, (await fs.readdir(src))[0]!, 'tfjs');
    const manifest = JSON.parse(await fs.readFile(path.join(tfjsDir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[]; weights: { shape: number[] }[] }[] };
    const shard = path.join(tfjsDir, manifest.weightsManifest[0]!.paths[0]!);
    const cases: { name: string; make: (d: string) => Promise<void>; message: RegExp }[] = [
      {
        name: 'link',
        make: async (d) => {
          // A "shard" that is a link to a file elsewhere (the user's secrets, say) is never followed.
          const secret = path.join(dir, 'secret.bin');
          await fs.copyFile(shard, secret);
          await fs.rm(path.join(d, path.basename(shard)));
          await fs.symlink(secret, path.join(d, path.basename(shard)));
        },
        message: /is a link/,
      },
      { name: 'short', make: (d) => fs.truncate(path.join(d, path.basename(shard)), 12), message: /need \d+ bytes but the weight files hold 12/ },
      {
        name: 'huge',
        make: async (d) => {
          const m = structuredClone(manifest);
          m.weightsManifest[0]!.weights[0]!.shape = [1_000_000_000, 8];
          await fs.writeFile(path.join(d, 'model.json'), JSON.stringify(m));
        },
        message: /reads at most 1024 MiB/,
      },
    ];
    const errors: string[] = [];
    const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      for (const c of cases) {
        const d = path.join(dir, `hostile-${c.name}`);
        await fs.cp(tfjsDir, d, { recursive: true });
        await c.make(d);
        errors.length = 0;
        expect(await importCommand([path.join(d, 'model.json')]), c.name).toBe(1);
        expect(errors.join('\n'), c.name).toMatch(c.message);
      }
      // The untouched copy still imports.
      expect(await importCommand([path.join(tfjsDir, 'model.json')])).toBe(0);
    } finally {
      err.mockRestore();
      log.mockRestore();
    }
  });

  it('CLI: seqlab export trains and exports; seqlab import prints the summary', async () => {
    const { exportCommand, importCommand } = await import('../../main/cli/export');
    const expFile = path.join(dir, 'experiment.json');
    await fs.writeFile(expFile, JSON.stringify({ ...tiny, training: { ...tiny.training, epochs: 1 } }));
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
    try {
      expect(await exportCommand([expFile, '--out', path.join(dir, 'cli'), '--h5'])).toBe(0);
      const folder = (await fs.readdir(path.join(dir, 'cli')))[0]!;
      expect((await fs.readdir(path.join(dir, 'cli', folder))).sort()).toEqual(['history.csv', 'history.json', 'model.h5']);
      lines.length = 0;
      expect(await importCommand([path.join(dir, 'cli', folder, 'model.h5')])).toBe(0);
      const text = lines.join('\n');
      expect(text).toContain('Keras HDF5 model');
      expect(text).toMatch(/gru \(GRU\)/);
      expect(text).toContain(`Total params: ${record.params}`);
    } finally {
      log.mockRestore();
    }
  });
});
