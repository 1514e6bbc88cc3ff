// Keras HDF5 export and import: the file's layout and every array checked with h5py (Debian's
// /usr/bin/python3), Keras's gate order checked by a numpy forward pass over the stored arrays
// (GRU [z, r, h] with reset_after=False, LSTM [i, f, c, o]), and h5 -> tfjs round trips.
import { execFile, execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chainGraph, getPreset, toKerasSpec, type BuilderGraph } from '../../shared/model';
import { initBackend } from '../../main/engine/platform/backend';
import { kerasWeightEntries, loadKerasH5, readKerasH5, writeKerasH5 } from '../../main/engine/model/formats/keras-h5';
import { AppError } from '../../shared/errors';
import { mulberry32 } from '../../shared/random';

const run = promisify(execFile);
const PY = '/usr/bin/python3';

function h5pyMissing(): string | null {
  try {
    execFileSync(PY, ['-c', 'import h5py, numpy'], { stdio: 'ignore' });
    return null;
  } catch {
    return `${PY} cannot import h5py and numpy: install them (Debian: apt-get install -y python3-h5py python3-numpy; \`npm test\` does it as root, and .ci/run does)`;
  }
}
// Without h5py the checks that need it fail with this reason; they never skip.
const noH5py = h5pyMissing();
const needH5py = (): void => expect(noH5py, 'the h5py checks cannot run').toBeNull();

const rng = mulberry32;

/** A tfjs model of the graph with every weight set to seeded random values (variances positive). */
async function modelOf(graph: BuilderGraph, seed: number): Promise<tf.LayersModel> {
  const model = await tf.models.modelFromJSON(toKerasSpec(graph) as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
  const rand = rng(seed);
  model.setWeights(model.weights.map((w) => {
    const positive = /moving_variance|gamma/.test(w.originalName);
    const n = w.shape.reduce<number>((p, d) => p * (d ?? 1), 1);
    return tf.tensor(Float32Array.from({ length: n }, () => (positive ? 0.5 + rand() : (rand() * 2 - 1) * 0.6)), w.shape as number[]);
  }));
  return model;
}

function input(seed: number, n: number, t: number, f: number): Float32Array {
  const rand = rng(seed);
  return Float32Array.from({ length: n * t * f }, () => rand() * 2 - 1);
}

function predict(model: tf.LayersModel, x: Float32Array, shape: [number, number, number]): number[] {
  return tf.tidy(() => Array.from((model.predict(tf.tensor3d(x, shape)) as tf.Tensor).dataSync()));
}

/** What h5py must find: layer names, weight names and every array, plus tfjs's predictions. */
function expectation(model: tf.LayersModel, x: Float32Array, shape: [number, number, number], forward: boolean, resetAfter = false): unknown {
  return {
    reset_after: resetAfter,
    class_name: (model.toJSON(null, false) as unknown as { class_name: string }).class_name,
    layers: kerasWeightEntries(model).map((e) => ({
      name: e.layer,
      weight_names: e.names,
      arrays: e.variables.map((v) => ({ shape: v.shape, data: Array.from(v.read().dataSync()) })),
    })),
    forward,
    x: Array.from(x),
    x_shape: shape,
    y: predict(model, x, shape),
  };
}

const CHECK = String.raw`
import json, sys
import h5py, numpy as np

path, exp_path = sys.argv[1], sys.argv[2]
exp = json.load(open(exp_path))
errors = []
def check(cond, msg):
    if not cond: errors.append(msg)

def s(v):
    return v.decode('utf8') if isinstance(v, bytes) else str(v)

f = h5py.File(path, 'r')
for k in ('model_config', 'keras_version', 'backend'):
    check(k in f.attrs, 'missing root attribute ' + k)
cfg = json.loads(s(f.attrs['model_config']))
check(cfg['class_name'] == exp['class_name'], 'class_name %r' % cfg['class_name'])
check(s(f.attrs['backend']) == 'tensorflow', 'backend')
check(s(f.attrs['keras_version']).startswith('2.'), 'keras_version')
def walk(node):
    if isinstance(node, dict):
        if node.get('class_name') == 'GRU':
            check(node['config'].get('reset_after') is exp['reset_after'], 'GRU without reset_after=%s' % exp['reset_after'])
        for v in node.values(): walk(v)
    elif isinstance(node, list):
        for v in node: walk(v)
walk(cfg)
if 'training_config' in f.attrs:
    tc = json.loads(s(f.attrs['training_config']))
    check('loss' in tc and 'optimizer_config' in tc, 'training_config')
mw = f['model_weights']
names = [s(n) for n in mw.attrs['layer_names']]
check(names == [l['name'] for l in exp['layers']], 'layer_names %r' % names)
arrays = 0
weights = {}
for l in exp['layers']:
    g = mw[l['name']]
    wn = [s(n) for n in g.attrs['weight_names']]
    check(wn == l['weight_names'], 'weight_names of %s: %r' % (l['name'], wn))
    for n, a in zip(l['weight_names'], l['arrays']):
        d = g[n]
        check(d.dtype == np.float32, '%s dtype %s' % (n, d.dtype))
        check(list(d.shape) == a['shape'], '%s shape %r' % (n, d.shape))
        v = d[()]
        want = np.array(a['data'], dtype=np.float32).reshape(a['shape'])
        err = float(np.max(np.abs(v - want))) if v.size else 0.0
        check(err <= 1e-6, '%s differs by %g' % (n, err))
        weights.setdefault(l['name'], []).append(v.astype(np.float64))
        arrays += 1

def act(name, v):
    if name == 'hard_sigmoid': return np.clip(0.2 * v + 0.5, 0.0, 1.0)
    if name == 'sigmoid': return 1.0 / (1.0 + np.exp(-v))
    if name == 'tanh': return np.tanh(v)
    if name == 'relu': return np.maximum(v, 0.0)
    if name == 'linear': return v
    raise ValueError(name)

max_err = None
if exp['forward']:
    # Keras 2's own equations over the stored arrays: GRU columns [z, r, h] (reset_after=False),
    # LSTM columns [i, f, c, o]. A wrong gate order cannot reproduce tfjs's predictions.
    x = np.array(exp['x'], dtype=np.float64).reshape(exp['x_shape'])
    out = x
    for layer in cfg['config']['layers']:
        c = layer['config']; w = weights.get(c['name'], [])
        if layer['class_name'] == 'GRU':
            K, U, b = w; u = U.shape[0]
            h = np.zeros((x.shape[0], u))
            # reset_after=True: bias (2, 3u), input row then recurrent row; reset after the product
            ra = c['reset_after'] is True
            check(b.shape == ((2, 3 * u) if ra else (3 * u,)), 'GRU bias shape %r' % (b.shape,))
            for t in range(out.shape[1]):
                xt = out[:, t, :] @ K + (b[0] if ra else b)
                if ra:
                    hu = h @ U + b[1]
                    z = act(c['recurrent_activation'], xt[:, :u] + hu[:, :u])
                    r = act(c['recurrent_activation'], xt[:, u:2*u] + hu[:, u:2*u])
                    hh = act(c['activation'], xt[:, 2*u:] + r * hu[:, 2*u:])
                else:
                    z = act(c['recurrent_activation'], xt[:, :u] + h @ U[:, :u])
                    r = act(c['recurrent_activation'], xt[:, u:2*u] + h @ U[:, u:2*u])
                    hh = act(c['activation'], xt[:, 2*u:] + (r * h) @ U[:, 2*u:])
                h = z * h + (1 - z) * hh
            out = h
        elif layer['class_name'] == 'LSTM':
            K, U, b = w; u = U.shape[0]
            h = np.zeros((x.shape[0], u)); cs = np.zeros_like(h)
            for t in range(out.shape[1]):
                zz = out[:, t, :] @ K + h @ U + b
                i = act(c['recurrent_activation'], zz[:, :u]); fg = act(c['recurrent_activation'], zz[:, u:2*u])
                cs = fg * cs + i * act(c['activation'], zz[:, 2*u:3*u])
                o = act(c['recurrent_activation'], zz[:, 3*u:])
                h = o * act(c['activation'], cs)
            out = h
        elif layer['class_name'] == 'Dense':
            out = act(c.get('activation', 'linear'), out @ w[0] + w[1])
        elif layer['class_name'] == 'InputLayer':
            pass
        else:
            raise ValueError(layer['class_name'])
    max_err = float(np.max(np.abs(out.ravel() - np.array(exp['y']))))
    check(max_err <= 1e-5, 'numpy forward pass differs from tfjs by %g' % max_err)
print(json.dumps({'errors': errors, 'arrays': arrays, 'forward_err': max_err, 'h5py': h5py.__version__}))
`;

/** A preset with its input cut to a few timesteps (tiny models keep the test fast). */
function short(id: string, timesteps: number): BuilderGraph {
  const g = structuredClone(getPreset(id)!.graph);
  g.nodes[0]!.params = { ...g.nodes[0]!.params, timesteps };
  return g;
}

interface Case {
  id: string;
  graph: BuilderGraph;
  shape: [number, number, number];
  forward: boolean;
  /** What every GRU's config must say (default false). */
  resetAfter?: boolean;
}

const CASES: Case[] = [
  { id: 'gru preset', graph: short('gru', 24), shape: [2, 24, 14], forward: true },
  { id: 'listing 6.49 preset', graph: getPreset('conv1d-gru-6.49')!.graph, shape: [2, 30, 14], forward: false },
  { id: 'bidirectional preset', graph: short('bidirectional-gru', 24), shape: [2, 24, 14], forward: false },
  { id: 'stacked preset', graph: short('stacked-gru', 24), shape: [2, 24, 14], forward: false },
  {
    id: 'mixed: conv, batch norm, bidirectional, stacked LSTM, TimeDistributed, SimpleRNN',
    graph: chainGraph('mixed', ['input_sequence', { timesteps: 24, features: 3 }], [
      ['conv1d', { filters: 4, kernel_size: 3, activation: 'relu' }],
      ['batch_normalization'],
      ['bidirectional', { merge_mode: 'concat' }, ['gru', { units: 4, return_sequences: true }]],
      ['lstm', { units: 3, return_sequences: true }],
      ['time_distributed', {}, ['dense', { units: 2 }]],
      ['simple_rnn', { units: 2 }],
      ['dense', { units: 1 }],
    ]),
    shape: [3, 24, 3],
    forward: false,
  },
  {
    id: 'GRU reset_after=True gate order, bias (2, 3u)',
    graph: chainGraph('gru_reset_after', ['input_sequence', { timesteps: 10, features: 3 }], [['gru', { units: 5, reset_after: true, recurrent_activation: 'sigmoid' }], ['dense', { units: 1 }]]),
    shape: [3, 10, 3],
    forward: true,
    resetAfter: true,
  },
  {
    id: 'LSTM gate order',
    graph: chainGraph('lstm_gates', ['input_sequence', { timesteps: 12, features: 3 }], [['lstm', { units: 5 }], ['dense', { units: 1 }]]),
    shape: [3, 12, 3],
    forward: true,
  },
];

describe('Keras HDF5 export and import', () => {
  let dir: string;

  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    dir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-export-h5-'));
  });

  afterAll(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('names weights as Keras 2 does', async () => {
    const model = await modelOf(CASES[4]!.graph, 1);
    const names = Object.fromEntries(kerasWeightEntries(model).map((e) => [e.layer, e.names]));
    expect(names.conv1d).toEqual(['conv1d/kernel:0', 'conv1d/bias:0']);
    expect(names.batch_normalization).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => `batch_normalization/${w}:0`));
    expect(names.bidirectional).toEqual([
      'bidirectional/forward_gru/gru_cell/kernel:0', 'bidirectional/forward_gru/gru_cell/recurrent_kernel:0', 'bidirectional/forward_gru/gru_cell/bias:0',
      'bidirectional/backward_gru/gru_cell/kernel:0', 'bidirectional/backward_gru/gru_cell/recurrent_kernel:0', 'bidirectional/backward_gru/gru_cell/bias:0',
    ]);
    expect(names.lstm).toEqual(['lstm/lstm_cell/kernel:0', 'lstm/lstm_cell/recurrent_kernel:0', 'lstm/lstm_cell/bias:0']);
    expect(names.time_distributed).toEqual(['time_distributed/kernel:0', 'time_distributed/bias:0']);
    expect(names.simple_rnn).toEqual(['simple_rnn/simple_rnn_cell/kernel:0', 'simple_rnn/simple_rnn_cell/recurrent_kernel:0', 'simple_rnn/simple_rnn_cell/bias:0']);
    expect(names.dense_1).toEqual(['dense_1/kernel:0', 'dense_1/bias:0']);
    model.dispose();
  });

  for (const [k, c] of CASES.entries()) {
    it(`${c.id}: layout and arrays (h5py), and h5 -> tfjs gives the same predictions`, async () => {
      const model = await modelOf(c.graph, 100 + k);
      const file = path.join(dir, `case${k}.h5`);
      await writeKerasH5(model, file, { training: { loss: 'mae', optimizer: 'rmsprop', learningRate: 0.001 } });
      expect((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const x = input(k, ...c.shape);

      const contents = await readKerasH5(file);
      expect(contents.kerasVersion).toBe('2.15.0');
      expect(contents.backend).toBe('tensorflow');
      expect(contents.trainingConfig).toMatchObject({ loss: 'mae', optimizer_config: { class_name: 'RMSprop', config: { learning_rate: 0.001 } } });

      const back = await loadKerasH5(file);
      expect(back.topology.class_name).toBe('Sequential');
      expect(predict(back.model, x, c.shape)).toEqual(predict(model, x, c.shape));
      back.model.dispose();

      needH5py();
      const expFile = path.join(dir, `case${k}.json`);
      await fs.writeFile(expFile, JSON.stringify(expectation(model, x, c.shape, c.forward, c.resetAfter)));
      const { stdout } = await run(PY, ['-c', CHECK, file, expFile], { maxBuffer: 1 << 24 });
      const r = JSON.parse(stdout) as { errors: string[]; arrays: number; forward_err: number | null };
      expect(r.errors).toEqual([]);
      expect(r.arrays).toBe(model.weights.length);
      if (c.forward) expect(r.forward_err).not.toBeNull();
      model.dispose();
    });
  }

  it('a GRU saved as TF2 Keras saves it by default (reset_after=True, bias (2, 3u)) loads and predicts as the exported model; a bias of the other form is refused with a clear code', async () => {
    const model = await modelOf(chainGraph('ra', ['input_sequence', { timesteps: 8, features: 3 }], [['gru', { units: 4, reset_after: true, recurrent_activation: 'sigmoid' }], ['dense', { units: 1 }]]), 9);
    const file = path.join(dir, 'reset-after.h5');
    await writeKerasH5(model, file);
    const x = input(3, 2, 8, 3);
    const back = await loadKerasH5(file);
    expect(back.model.layers.find((l) => l.getClassName() === 'GRU')!.getConfig()).toMatchObject({ resetAfter: true });
    expect(predict(back.model, x, [2, 8, 3])).toEqual(predict(model, x, [2, 8, 3]));
    back.model.dispose();
    model.dispose();
    needH5py();
    // a file that says reset_after=True over reset_after=False arrays (bias (3u,)) is not silently misread
    const plain = await modelOf(CASES[0]!.graph, 9);
    const bad = path.join(dir, 'reset-after-bad.h5');
    await writeKerasH5(plain, bad);
    plain.dispose();
    await run(PY, ['-c', "import h5py,json,sys\nf=h5py.File(sys.argv[1],'r+')\nc=json.loads(f.attrs['model_config'])\nfor l in c['config']['layers']:\n  if l['class_name']=='GRU': l['config']['reset_after']=True\nf.attrs['model_config']=json.dumps(c)\nf.close()", bad]);
    const err = await loadKerasH5(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('E_MODEL_FILE');
    expect((err as AppError).params).toMatchObject({ what: 'weight_shape', expected: '[2,96]', found: '[96]' });
  });
});
