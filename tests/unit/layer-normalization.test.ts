/**
 * LayerNormalization, the block added to prove "a block is one module" (issue #15): its shape
 * and parameter count against tfjs, its Keras config both ways (ours, tfjs's writer, a Keras 2
 * and a Keras 3 file), its Python line, and its HDF5 weights (gamma, beta) checked with h5py.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCKS, chainGraph, fromKerasSpec, getBlock, inferShapes, layerCall, toKerasSpec, toPythonCode, type BuilderGraph, type Params } from '../../shared/model';
import { initBackend } from '../../main/engine/platform/backend';
import { kerasWeightEntries, loadKerasH5, readKerasH5, writeKerasH5 } from '../../main/engine/model/formats/keras-h5';
import { seedTopology } from '../../main/engine/model/build';

const PY = '/usr/bin/python3';
const run = promisify(execFile);
const hasH5py = ((): boolean => {
  try {
    execFileSync(PY, ['-c', 'import h5py, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const seq = (t: number | null, d: number): [string, Params] => ['input_sequence', { timesteps: t, features: d }];
const graphWith = (params: Params = {}, t: number | null = 6, d: number = 4): BuilderGraph =>
  chainGraph('ln', seq(t, d), [['layer_normalization', params], ['dense', { units: 2 }]]);

async function tfjsModel(graph: BuilderGraph): Promise<tf.LayersModel> {
  return tf.models.modelFromJSON(JSON.parse(JSON.stringify(toKerasSpec(graph))));
}

beforeAll(async () => {
  await initBackend({ prefer: 'cpu' });
});

describe('LayerNormalization block', () => {
  it('is registered with Keras defaults (axis -1, epsilon 1e-3, center, scale)', () => {
    const b = getBlock('layer_normalization')!;
    expect(BLOCKS).toContain(b);
    expect(b.className).toBe('LayerNormalization');
    expect(Object.fromEntries(b.params.map((p) => [p.name, p.default]))).toEqual({ epsilon: 0.001, center: true, scale: true });
    // the last axis, as Keras defaults to (like BatchNormalization's)
    expect(b.keras?.fixed).toEqual({ axis: -1 });
  });

  it('keeps the shape and has gamma and beta over the normalised axis, as tfjs says', async () => {
    for (const [params, t, d] of [[{}, 6, 4], [{ center: false }, 6, 4], [{ scale: false, center: false }, 3, 5], [{ scale: false }, 1, 1], [{}, null, 3]] as [Params, number | null, number][]) {
      const graph = graphWith(params, t, d);
      const report = inferShapes(graph);
      expect(report.ok, JSON.stringify(report.issues)).toBe(true);
      const model = await tfjsModel(graph);
      const ln = model.layers.find((l) => l.getClassName() === 'LayerNormalization')!;
      const info = report.nodes.n1!;
      expect(info.outputShape).toEqual(ln.outputShape);
      expect(info.params.total).toBe(ln.countParams());
      expect(info.timeAxis).toBe(1);
      expect(report.totals.total).toBe(model.countParams());
      model.dispose();
    }
    // gamma and beta: one value per feature each
    expect(inferShapes(graphWith()).nodes.n1!.params).toEqual({ trainable: 8, nonTrainable: 0, total: 8 });
  });

  it('flags an unknown last axis (it would have no size for gamma and beta)', () => {
    const g = chainGraph('ln', seq(6, 4), [['reshape', { target_shape: [-1] }], ['layer_normalization']]);
    expect(inferShapes(g).issues.map((i) => i.code)).toEqual(['unknown_feature_size']);
  });

  it('writes its Keras config and reads it back from ours, from tfjs, from Keras 2 and from Keras 3', async () => {
    const graph = graphWith({ epsilon: 0.01 });
    const spec = toKerasSpec(graph);
    expect(spec.config.layers[1]).toEqual({
      class_name: 'LayerNormalization',
      config: { name: 'layer_normalization', trainable: true, dtype: 'float32', axis: -1, epsilon: 0.01, center: true, scale: true },
    });
    expect(toKerasSpec(fromKerasSpec(spec))).toEqual(spec);
    // tfjs's writer (it lists the built axes, [2])
    const model = await tfjsModel(graph);
    expect(toKerasSpec(fromKerasSpec(model.toJSON(null, false))).config.layers).toEqual(spec.config.layers);
    model.dispose();

    // Keras 2 (TF 2.15 to_json): a built layer lists its axes as positive ints
    const keras2 = fromKerasSpec({ class_name: 'Sequential', config: { name: 's', layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 6, 4], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' } },
      { class_name: 'LayerNormalization', config: { name: 'layer_normalization', trainable: true, dtype: 'float32', axis: [2], epsilon: 0.001, center: true, scale: false,
        beta_initializer: { class_name: 'Zeros', config: {} }, gamma_initializer: { class_name: 'Ones', config: {} }, beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null } },
    ] }, keras_version: '2.15.0', backend: 'tensorflow' });
    expect(keras2.nodes[1]!.params).toEqual({ epsilon: 0.001, center: true, scale: false });
    expect(inferShapes(keras2).nodes.layer_normalization).toMatchObject({ outputShape: [null, 6, 4], params: { total: 4 } });

    // Keras 3 (keras.Model.to_json): module / registered_name, a dtype policy, batch_shape
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const keras3 = fromKerasSpec({ module: 'keras', class_name: 'Sequential', config: { name: 'sequential', trainable: true, dtype: policy, layers: [
      { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 6, 4], dtype: 'float32', sparse: false, name: 'input_layer' }, registered_name: null },
      { module: 'keras.layers', class_name: 'LayerNormalization', config: { name: 'layer_normalization', trainable: true, dtype: policy, axis: -1, epsilon: 0.001, center: true, scale: true, rms_scaling: false,
        beta_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null } }, registered_name: null, build_config: { input_shape: [null, 6, 4] } },
    ] }, registered_name: null });
    expect(keras3.nodes[1]!.params).toEqual({ epsilon: 0.001, center: true, scale: true });
    expect(inferShapes(keras3).nodes.layer_normalization).toMatchObject({ outputShape: [null, 6, 4], params: { total: 8 } });
  });

  it('has its line in "Show code", and the code parses', () => {
    expect(layerCall('layer_normalization', {}, 'layer_normalization')).toBe('layers.LayerNormalization(epsilon=0.001, center=True, scale=True, name="layer_normalization")');
    const code = toPythonCode(graphWith({ epsilon: 0.01, center: false }));
    expect(code).toContain('model.add(layers.LayerNormalization(epsilon=0.01, center=False, scale=True, name="layer_normalization"))');
    execFileSync(PY, ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: code });
  });

  it('needs no seeded initializer (gamma ones, beta zeros)', () => {
    const spec = toKerasSpec(graphWith());
    const seeded = seedTopology(spec, 3);
    expect(seeded.config.layers[1]).toEqual(spec.config.layers[1]);
  });
});

describe('LayerNormalization in a Keras HDF5 file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-ln-h5-'));
  });
  afterAll(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes gamma and beta (h5py reads them), and reads the file back to the same predictions', async () => {
    const model = await tfjsModel(graphWith());
    model.setWeights(model.weights.map((w, i) => tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', 40 + i)));
    const entries = kerasWeightEntries(model);
    expect(entries.find((e) => e.layer === 'layer_normalization')!.names).toEqual(['layer_normalization/gamma:0', 'layer_normalization/beta:0']);
    const file = path.join(dir, 'ln.h5');
    await writeKerasH5(model, file);
    const contents = await readKerasH5(file);
    const ln = contents.layers.get('layer_normalization')!;
    expect(ln.names).toEqual(['layer_normalization/gamma:0', 'layer_normalization/beta:0']);
    expect(ln.arrays.map((a) => a.shape)).toEqual([[4], [4]]);
    const x = tf.randomNormal([2, 6, 4], 0, 1, 'float32', 7);
    const back = await loadKerasH5(file);
    expect(Array.from((back.model.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
    if (hasH5py) {
      const [gamma, beta] = model.layers.find((l) => l.name === 'layer_normalization')!.getWeights();
      const want = { gamma: Array.from(await gamma!.data()), beta: Array.from(await beta!.data()) };
      const script = String.raw`
import json, sys
import h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
want = json.loads(sys.argv[2])
g = f['model_weights']['layer_normalization']
names = [n.decode() if isinstance(n, bytes) else str(n) for n in g.attrs['weight_names']]
cfg = json.loads(f.attrs['model_config'])
layer = [l for l in cfg['config']['layers'] if l['class_name'] == 'LayerNormalization'][0]['config']
out = {'names': names, 'axis': layer['axis'], 'epsilon': layer['epsilon']}
for k in ('gamma', 'beta'):
    d = g['layer_normalization'][k + ':0']
    out[k] = [list(d.shape), str(d.dtype), float(np.max(np.abs(d[()] - np.array(want[k], dtype=np.float32))))]
print(json.dumps(out))
`;
      const { stdout } = await run(PY, ['-c', script, file, JSON.stringify(want)]);
      const r = JSON.parse(stdout) as Record<string, unknown>;
      expect(r.names).toEqual(['layer_normalization/gamma:0', 'layer_normalization/beta:0']);
      // tfjs writes the built layer's axes, as Keras 2 does: the last of (None, 6, 4)
      expect(r.axis).toEqual([2]);
      expect(r.epsilon).toBeCloseTo(0.001, 9);
      expect(r.gamma).toEqual([[4], 'float32', 0]);
      expect(r.beta).toEqual([[4], 'float32', 0]);
    }
    tf.dispose(x);
    back.model.dispose();
    model.dispose();
  });
});
