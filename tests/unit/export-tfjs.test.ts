// The tfjs layers format export: a trained model saved with the custom IOHandler, loaded back
// here and in a fresh Node process with plain @tensorflow/tfjs (tf.io.fromMemory), same predictions.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import type { Experiment } from '../../shared/experiment';
import { initBackend } from '../../main/engine/platform/backend';
import { trainModel, type TrainedRun } from '../../main/engine/training/train';
import { loadTfjsModel, saveTfjsModel } from '../../main/engine/model/formats/tfjs';

const run = promisify(execFile);

const tiny: Experiment = {
  ...STARTER_EXPERIMENT,
  training: { ...STARTER_EXPERIMENT.training, epochs: 1, stepsPerEpoch: 4, validationSteps: 2, testSteps: 0 },
};

function input(n: number, t: number, f: number): Float32Array {
  return Float32Array.from({ length: n * t * f }, (_, i) => Math.sin(i * 0.37) * 1.5);
}

function predict(model: tf.LayersModel, x: Float32Array, shape: [number, number, number]): number[] {
  return tf.tidy(() => Array.from((model.predict(tf.tensor3d(x, shape)) as tf.Tensor).dataSync()));
}

/** The trained model runs the fused recurrent kernels (wasm backend), the loaded one tfjs's stock layers: equal up to float rounding. */
function expectSame(a: number[], b: number[]): void {
  expect(a).toHaveLength(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-6));
}

describe('tfjs layers format export', () => {
  let trained: TrainedRun;
  let dir: string;

  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    trained = await trainModel(tiny, 'export-tfjs');
    expect(trained.done.status).toBe('completed');
    dir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-export-tfjs-'));
  });

  afterAll(async () => {
    trained?.dispose();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes model.json and shards, and loads back with the same predictions', async () => {
    const out = path.join(dir, 'one');
    const { files } = await saveTfjsModel(trained.model!, out);
    expect(files).toEqual(['group1-shard1of1.bin', 'model.json']);
    expect((await fs.readdir(out)).sort()).toEqual(['group1-shard1of1.bin', 'model.json']); // no temp files left
    const json = JSON.parse(await fs.readFile(path.join(out, 'model.json'), 'utf8')) as {
      format: string; modelTopology: { class_name: string; config: { layers: { class_name: string; config: { name: string } }[] } };
      weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
    };
    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.modelTopology.config.layers.map((l) => l.config.name)).toEqual(['gru', 'dense']);
    const specs = json.weightsManifest[0]!.weights;
    expect(specs.map((w) => w.shape)).toEqual([[3, 24], [8, 24], [24], [8, 1], [1]]);
    const bytes = (await fs.stat(path.join(out, 'group1-shard1of1.bin'))).size;
    expect(bytes).toBe(4 * (3 * 24 + 8 * 24 + 24 + 8 + 1));

    const x = input(5, 24, 3);
    const loaded = await loadTfjsModel(out);
    expectSame(predict(loaded, x, [5, 24, 3]), predict(trained.model!, x, [5, 24, 3]));
    loaded.dispose();
  });

  it('splits weights into shards and reads them back in order', async () => {
    const out = path.join(dir, 'sharded');
    const { files } = await saveTfjsModel(trained.model!, out, { shardBytes: 256 });
    expect(files.filter((f) => f.endsWith('.bin')).length).toBe(Math.ceil((4 * 297) / 256));
    const loaded = await loadTfjsModel(path.join(out, 'model.json'));
    const x = input(3, 24, 3);
    expectSame(predict(loaded, x, [3, 24, 3]), predict(trained.model!, x, [3, 24, 3]));
    loaded.dispose();
  });

  it('a fresh Node process with plain @tensorflow/tfjs predicts the same to 1e-5', async () => {
    const out = path.join(dir, 'fresh');
    await saveTfjsModel(trained.model!, out, { shardBytes: 512 });
    const x = input(4, 24, 3);
    await fs.writeFile(path.join(dir, 'x.json'), JSON.stringify(Array.from(x)));
    const script = `
      import * as tf from '@tensorflow/tfjs';
      import { readFileSync } from 'node:fs';
      import { join } from 'node:path';
      const [dir, xFile] = process.argv.slice(1);
      await tf.setBackend('cpu');
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
      const all = Buffer.concat(buffers);
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
      const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
      const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
      const x = JSON.parse(readFileSync(xFile, 'utf8'));
      const y = model.predict(tf.tensor3d(x, [4, 24, 3]));
      process.stdout.write(JSON.stringify({ backend: tf.getBackend(), y: Array.from(y.dataSync()) }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, out, path.join(dir, 'x.json')], { cwd: process.cwd(), maxBuffer: 1 << 20 });
    const result = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { backend: string; y: number[] };
    expect(result.backend).toBe('cpu');
    const mine = predict(trained.model!, x, [4, 24, 3]);
    expect(result.y).toHaveLength(4);
    result.y.forEach((v, i) => expect(Math.abs(v - mine[i]!)).toBeLessThan(1e-5));
  });
});
