// Keras 3 `.keras` export and import (main/engine/model/formats/keras3.ts, shared/model/keras3.ts):
// every preset and graphs reaching the other blocks are written with seeded weights, and
// /usr/bin/python3 (zipfile, json, h5py) re-reads each archive: the entries Keras 3.16's
// saving_lib writes, config.json as serialize_keras_object writes it (module / registered_name,
// DTypePolicy, InputLayer batch_shape, reset_after explicit), and model.weights.h5 laid out as
// H5IOStore lays it out (paths derived in Python from config.json by Keras's own rules, every
// array equal to tfjs's). Each archive is imported back and predicts what the original does.
// Keras 3 config.json files as Keras writes them import into the builder and the engine;
// a layer SeqLab lacks is refused with its code; GRU reset_after=True (Keras 3's default) goes
// both ways through the engine's own GRU layer. hard_sigmoid (Keras 3: x/6 + 0.5, tfjs: 0.2x + 0.5)
// travels with its columns scaled by 1.2: a numpy forward with Keras 3's semantics, reading only
// the archive, predicts what tfjs does; LSTM's activation=hard_sigmoid is refused in both languages.
import { execFile, execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import i18next from 'i18next';
import { chainGraph, fromKerasSpec, inferShapes, PRESETS, toKerasSpec, type BuilderGraph, type Params } from '../../shared/model';
import { mulberry32 } from '../../shared/random';
import { initBackend } from '../../main/engine/platform/backend';
import { importModel, keras3Entries, loadKeras3, writeKeras3 } from '../../main/engine/export';
import { AppError } from '../../shared/errors';
import { ModelImports } from '../../main/engine/export/model-imports';
import { graphOf } from './export-cases';

const run = promisify(execFile);
const PY = '/usr/bin/python3';
const h5pyMissing = ((): string | null => {
  try {
    execFileSync(PY, ['-c', 'import h5py, numpy'], { stdio: 'ignore' });
    return null;
  } catch {
    return `${PY} cannot import h5py and numpy: install them (Debian: apt-get install -y python3-h5py python3-numpy)`;
  }
})();
const needH5py = (): void => expect(h5pyMissing, 'the h5py checks cannot run').toBeNull();


/**
 * The layout cases use sigmoid, so that every array in the file is the tfjs variable bit for bit
 * and the imported model predicts exactly the same; hard_sigmoid's rescaled columns are checked
 * below (HARD_SIGMOID).
 */
function sigmoidGates(g: BuilderGraph): BuilderGraph {
  const fix = (p: Params): Params => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v === 'hard_sigmoid' ? 'sigmoid' : v]));
  return { ...g, nodes: g.nodes.map((n) => ({ ...n, params: fix(n.params), ...(n.wrapped ? { wrapped: { ...n.wrapped, params: fix(n.wrapped.params) } } : {}) })) };
}

const EXTRA: { id: string; graph: BuilderGraph }[] = [
  {
    id: 'recurrent-mix',
    graph: chainGraph('recurrent_mix', ['input_sequence', { timesteps: 12, features: 5 }], [
      ['lstm', { units: 6, return_sequences: true, go_backwards: true }],
      ['bidirectional', { merge_mode: 'sum' }, ['lstm', { units: 4, return_sequences: true }]],
      ['bidirectional', { merge_mode: 'concat' }, ['gru', { units: 3, return_sequences: true }]],
      ['time_distributed', {}, ['dense', { units: 3, activation: 'tanh' }]],
      ['simple_rnn', { units: 4, return_sequences: true }],
      ['conv1d', { filters: 4, kernel_size: 3, padding: 'same' }],
      ['batch_normalization'],
      ['max_pooling1d', { pool_size: 2 }],
      ['average_pooling1d', { pool_size: 2, padding: 'same' }],
      ['layer_normalization'],
      ['global_max_pooling1d'],
      ['dropout', { rate: 0.2 }],
      ['dense', { units: 2 }],
    ]),
  },
  {
    id: 'merge-mix',
    graph: graphOf('merge_mix', [
      ['x', 'input_sequence', { timesteps: 10, features: 4 }],
      ['g', 'gru', { units: 6 }],
      ['avg', 'global_average_pooling1d'],
      ['d', 'dense', { units: 6 }],
      ['sum', 'add'],
      ['rep', 'repeat_vector', { n: 3 }],
      ['cat', 'concatenate', { axis: 1 }],
      ['re', 'reshape', { target_shape: [4, 9] }],
      ['flat', 'flatten'],
      ['out', 'dense', { units: 2 }],
    ], [['x', 'g'], ['x', 'avg'], ['avg', 'd'], ['g', 'sum'], ['d', 'sum'], ['sum', 'rep'], ['rep', 'cat'], ['rep', 'cat'], ['cat', 're'], ['re', 'flat'], ['flat', 'out']]),
  },
];

const CASES = [...PRESETS.map((p) => ({ id: p.id, graph: p.graph })), ...EXTRA].map((c) => ({ ...c, graph: sigmoidGates(c.graph) }));
const STEPS = 120;

async function modelOf(graph: BuilderGraph, seed: number): Promise<tf.LayersModel> {
  const model = await tf.models.modelFromJSON(toKerasSpec(graph) as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
  const rand = mulberry32(seed);
  model.setWeights(model.weights.map((w) => {
    const positive = /moving_variance|gamma/.test(w.originalName);
    const shape = w.shape as number[];
    const n = shape.reduce((p, d) => p * d, 1);
    return tf.tensor(Float32Array.from({ length: n }, () => (positive ? 0.5 + rand() : (rand() * 2 - 1) * 0.4)), shape);
  }));
  return model;
}

function inputsOf(model: tf.LayersModel, seed: number): tf.Tensor[] {
  const rand = mulberry32(seed);
  return model.inputs.map((t) => {
    const shape = t.shape.map((d, i) => (i === 0 ? 2 : (d ?? STEPS)));
    const n = shape.reduce((a, b) => a * b, 1);
    return t.dtype === 'int32' ? tf.tensor(Int32Array.from({ length: n }, () => Math.floor(rand() * 5)), shape, 'int32') : tf.tensor(Float32Array.from({ length: n }, () => rand() * 2 - 1), shape);
  });
}

function predict(model: tf.LayersModel, xs: tf.Tensor[]): Float32Array[] {
  const y = model.predict(xs.length === 1 ? xs[0]! : xs);
  return (Array.isArray(y) ? y : [y]).map((t) => t.dataSync() as Float32Array);
}

// Keras 3.16's layout, derived again from config.json in Python: layers/<snake_case class>[_k]
// (Sequential without its InputLayer), recurrent variables in `cell`, Bidirectional in
// forward_layer / backward_layer, TimeDistributed in `layer`; every vars group named.
const CHECK = String.raw`
import json, re, sys, zipfile
import h5py, numpy as np
path, exp_path = sys.argv[1], sys.argv[2]
exp = json.load(open(exp_path))
errors = []
def check(c, m):
    if not c: errors.append(m)
z = zipfile.ZipFile(path)
names = z.namelist()
check(names == ['metadata.json', 'config.json', 'model.weights.h5'], 'entries %r' % names)
meta = json.loads(z.read('metadata.json'))
check(meta.get('keras_version') == '3.16.0' and re.match(r'^\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d$', meta.get('date_saved', '')), 'metadata %r' % meta)
cfg = json.loads(z.read('config.json'))
check(cfg['class_name'] in ('Sequential', 'Functional'), 'class %r' % cfg['class_name'])
check(cfg['module'] == ('keras' if cfg['class_name'] == 'Sequential' else 'keras.src.models.functional'), 'module %r' % cfg['module'])
check('registered_name' in cfg and 'build_config' in cfg, 'model keys %r' % list(cfg))
RNN = {'GRU': 'gru_cell', 'LSTM': 'lstm_cell', 'SimpleRNN': 'simple_rnn_cell', 'ConvLSTM2D': 'conv_lstm_cell'}
def layer_ok(l, top):
    check(l.get('module') == 'keras.layers' and l.get('registered_name', 'x') is None, 'layer keys %r' % {k: l.get(k) for k in ('module', 'registered_name', 'class_name')})
    c = l['config']
    if l['class_name'] == 'InputLayer':
        check('batch_shape' in c and 'batch_input_shape' not in c and isinstance(c['dtype'], str), 'InputLayer %r' % c)
        return
    d = c.get('dtype')
    check(isinstance(d, dict) and d.get('class_name') == 'DTypePolicy' and d.get('module') == 'keras' and d['config']['name'] in ('float32', 'int32'), 'dtype of %s: %r' % (c.get('name'), d))
    check(top == ('build_config' in l), 'build_config of %s' % c.get('name'))
    for k, v in c.items():
        if k.endswith('_initializer') and v is not None:
            check(v.get('module') == 'keras.initializers' and 'registered_name' in v, 'initializer %s of %s' % (k, c.get('name')))
    if l['class_name'] == 'GRU':
        check(c.get('reset_after') is False, 'GRU %s reset_after %r' % (c.get('name'), c.get('reset_after')))
    if l['class_name'] == 'Embedding':
        check('input_length' not in c, 'Embedding input_length')
    if l['class_name'] == 'Bidirectional':
        f, b = c['layer'], c['backward_layer']
        check(f['config']['name'].startswith('forward_') and b['config']['name'].startswith('backward_') and b['config']['go_backwards'] != f['config']['go_backwards'], 'Bidirectional layers')
        layer_ok(f, False); layer_ok(b, False)
    if l['class_name'] == 'TimeDistributed':
        layer_ok(c['layer'], False)
layers = cfg['config']['layers']
for l in layers:
    layer_ok(l, True)
if cfg['class_name'] == 'Sequential':
    check(layers[0]['class_name'] == 'InputLayer', 'Sequential starts with %s' % layers[0]['class_name'])
else:
    for l in layers:
        for n in l['inbound_nodes']:
            check(set(n) == {'args', 'kwargs'}, 'inbound node %r' % n)
def snake(name):
    name = re.sub(r'\W+', '', name)
    name = re.sub('(.)([A-Z][a-z]+)', r'\1_\2', name)
    return re.sub('([a-z])([A-Z])', r'\1_\2', name).lower()
def sub(l):
    # the objects holding a layer's variables, with their names
    c, cls = l['config'], l['class_name']
    if cls in RNN: return [[('cell', RNN[cls])]]
    if cls == 'Bidirectional':
        f = sub(c['layer'])[0]
        return [[('forward_layer', c['layer']['config']['name'])] + f, [('backward_layer', c['backward_layer']['config']['name'])] + f]
    if cls == 'TimeDistributed':
        return [[('layer', c['layer']['config']['name'])] + sub(c['layer'])[0]]
    return [[]]
h5 = h5py.File(z.open('model.weights.h5'), 'r')
check('vars' in h5 and h5['vars'].attrs.get('name') == cfg['config']['name'], 'model vars group')
expected_groups = {'vars': cfg['config']['name']}
used = {}
for l in layers:
    if cfg['class_name'] == 'Sequential' and l['class_name'] == 'InputLayer': continue
    s = snake(l['class_name'])
    k = used.get(s)
    used[s] = 0 if k is None else k + 1
    g = 'layers/' + (s if k is None else '%s_%d' % (s, k + 1))
    expected_groups[g + '/vars'] = l['config']['name']
    for chain in sub(l):
        p = g
        for attr, name in chain:
            p += '/' + attr
            expected_groups[p + '/vars'] = name
groups, datasets = {}, {}
def visit(n, o):
    if isinstance(o, h5py.Group) and n.endswith('vars'): groups[n] = o.attrs.get('name')
    if isinstance(o, h5py.Dataset): datasets[n] = o
h5.visititems(visit)
check(groups == expected_groups, 'vars groups %r != %r' % (groups, expected_groups))
want = {v['path']: v for v in exp['vars']}
check(set(datasets) == set(want), 'datasets %r != %r' % (sorted(datasets), sorted(want)))
for p, v in want.items():
    if p not in datasets: continue
    d = datasets[p]
    check(d.dtype == np.float32 and list(d.shape) == v['shape'], '%s %s %r' % (p, d.dtype, d.shape))
    check(p.rsplit('/vars/', 1)[0] + '/vars' in expected_groups, '%s outside a layer group' % p)
    a = d[()]
    check(np.array_equal(a.reshape(-1), np.array(v['data'], dtype=np.float32)), '%s values' % p)
print(json.dumps({'errors': errors, 'datasets': len(datasets)}))
`;

describe('Keras 3 .keras export', () => {
  let dir: string;
  let script: string;
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    dir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-keras3-'));
    script = path.join(dir, 'check.py');
    await fs.writeFile(script, CHECK);
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it.each(CASES)('$id: the archive has Keras 3.16 layout (h5py) and imports back with the same predictions', async ({ id, graph }) => {
    needH5py();
    const model = await modelOf(graph, 7);
    const file = path.join(dir, `${id}.keras`);
    await writeKeras3(model, file);
    const vars = keras3Entries(model).flatMap((e) => e.vars.map((v) => ({ path: v.path, shape: v.variable.shape, data: Array.from(v.variable.read().dataSync()) })));
    const expFile = path.join(dir, `${id}.json`);
    await fs.writeFile(expFile, JSON.stringify({ vars }));
    const { stdout } = await run(PY, [script, file, expFile], { maxBuffer: 64 * 1024 * 1024 });
    const report = JSON.parse(stdout) as { errors: string[]; datasets: number };
    expect(report.errors).toEqual([]);
    expect(report.datasets).toBe(model.weights.length);

    const back = await loadKeras3(file);
    expect(back.model.countParams()).toBe(model.countParams());
    const xs = inputsOf(model, 3);
    const want = predict(model, xs);
    const got = predict(back.model, xs);
    got.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(want[i]!)));
    // the builder reads the same topology: one node per layer, same parameter count
    expect(inferShapes(fromKerasSpec(back.topology)).totals.total).toBe(model.countParams());
    xs.forEach((x) => x.dispose());
    back.model.dispose();
    model.dispose();
  }, 60_000);
});

// ---------------------------------------------------------------- hard_sigmoid across the boundary

// A forward pass with Keras 3.16's semantics that reads only the archive (config.json and
// model.weights.h5): hard_sigmoid clip(x/6 + 0.5, 0, 1) (keras/src/backend/numpy/nn.py), GRU
// columns [z, r, h] with both reset_after forms (keras/src/layers/rnn/gru.py), LSTM [i, f, c, o]
// with h = o * activation(c) (lstm.py), SimpleRNN, Bidirectional, TimeDistributed(Dense), Dense.
// `keras2` runs the same weights with 0.2x + 0.5, to show the rescaling is what makes them agree.
// It also compares every array with the tfjs variable times 1.2 on the columns (last axis) that
// feed a hard_sigmoid, gate blocks named here from the Keras source, independently of the app.
const FORWARD = String.raw`
import json, re, sys, zipfile
import h5py, numpy as np
path, exp_path = sys.argv[1], sys.argv[2]
exp = json.load(open(exp_path))
z = zipfile.ZipFile(path)
cfg = json.loads(z.read('config.json'))
h5 = h5py.File(z.open('model.weights.h5'), 'r')
def snake(name):
    name = re.sub(r'\W+', '', name)
    name = re.sub('(.)([A-Z][a-z]+)', r'\1_\2', name)
    return re.sub('([a-z])([A-Z])', r'\1_\2', name).lower()
def vars_of(group):
    g = h5[group + '/vars']
    return [np.array(g[str(i)][()], dtype=np.float64) for i in range(len(g))]
def sigm(v): return 1.0 / (1.0 + np.exp(-v))
def act(name, v, mode):
    if name == 'linear': return v
    if name == 'tanh': return np.tanh(v)
    if name == 'sigmoid': return sigm(v)
    if name == 'relu': return np.maximum(v, 0.0)
    if name == 'hard_sigmoid': return np.clip(v / 6.0 + 0.5, 0.0, 1.0) if mode == 'keras3' else np.clip(0.2 * v + 0.5, 0.0, 1.0)
    raise ValueError(name)
CELL = {'GRU': 'gru_cell', 'LSTM': 'lstm_cell', 'SimpleRNN': 'simple_rnn_cell'}
def rnn(cls, c, ws, x, mode):
    a = lambda v: act(c['activation'], v, mode)
    ra = lambda v: act(c.get('recurrent_activation', 'linear'), v, mode)
    u = c['units']
    seq = x[:, ::-1] if c.get('go_backwards') else x
    h = np.zeros((x.shape[0], u)); cc = np.zeros((x.shape[0], u)); out = []
    for t in range(seq.shape[1]):
        xt = seq[:, t]
        if cls == 'GRU':
            K, R, b = ws
            if c['reset_after']:
                mx, mi = xt @ K + b[0], h @ R + b[1]
                zg, r = ra(mx[:, :u] + mi[:, :u]), ra(mx[:, u:2 * u] + mi[:, u:2 * u])
                hh = a(mx[:, 2 * u:] + r * mi[:, 2 * u:])
            else:
                mx, mi = xt @ K + b, h @ R[:, :2 * u]
                zg, r = ra(mx[:, :u] + mi[:, :u]), ra(mx[:, u:2 * u] + mi[:, u:2 * u])
                hh = a(mx[:, 2 * u:] + (r * h) @ R[:, 2 * u:])
            h = zg * h + (1 - zg) * hh
        elif cls == 'LSTM':
            K, R, b = ws
            zz = xt @ K + h @ R + b
            i, f, o = ra(zz[:, :u]), ra(zz[:, u:2 * u]), ra(zz[:, 3 * u:])
            cc = f * cc + i * a(zz[:, 2 * u:3 * u])
            h = o * a(cc)
        else:
            K, R, b = ws
            h = a(xt @ K + h @ R + b)
        out.append(h)
    return np.stack(out, 1) if c['return_sequences'] else h
def forward(x, mode):
    used = {}
    for l in cfg['config']['layers']:
        cls, c = l['class_name'], l['config']
        if cls == 'InputLayer': continue
        s = snake(cls); k = used.get(s); used[s] = 0 if k is None else k + 1
        g = 'layers/' + (s if k is None else '%s_%d' % (s, k + 1))
        if cls in CELL:
            x = rnn(cls, c, vars_of(g + '/cell'), x, mode)
        elif cls == 'Bidirectional':
            f, b = c['layer'], c['backward_layer']
            y = rnn(f['class_name'], f['config'], vars_of(g + '/forward_layer/cell'), x, mode)
            yb = rnn(b['class_name'], b['config'], vars_of(g + '/backward_layer/cell'), x, mode)
            if b['config']['return_sequences']: yb = yb[:, ::-1]
            x = {'concat': lambda: np.concatenate([y, yb], -1), 'sum': lambda: y + yb, 'mul': lambda: y * yb, 'ave': lambda: 0.5 * (y + yb)}[c['merge_mode']]()
        elif cls == 'Dense' or (cls == 'TimeDistributed' and c['layer']['class_name'] == 'Dense'):
            d = c if cls == 'Dense' else c['layer']['config']
            K, b = vars_of(g if cls == 'Dense' else g + '/layer')
            x = act(d['activation'], x @ K + b, mode)
        elif cls == 'Dropout':
            pass
        else:
            raise ValueError('no reference for ' + cls)
    return x
# gate blocks of the last weight axis (Keras order) and the config key of each one's activation
GATES = {'GRU': ['recurrent_activation'] * 2 + ['activation'], 'LSTM': ['recurrent_activation'] * 2 + ['activation', 'recurrent_activation'],
         'ConvLSTM2D': ['recurrent_activation'] * 2 + ['activation', 'recurrent_activation'], 'SimpleRNN': ['activation'],
         'Dense': ['activation'], 'Conv1D': ['activation'], 'Conv2D': ['activation'], 'Conv3D': ['activation']}
def factors(cls, c, last):
    keys = GATES.get(cls)
    if keys is None: return np.ones(last)
    w = last // len(keys)
    return np.concatenate([np.full(w, 1.2 if c.get(k) == 'hard_sigmoid' else 1.0) for k in keys])
def inner(l):
    c = l['config']
    return (c['layer']['class_name'], c['layer']['config']) if l['class_name'] in ('Bidirectional', 'TimeDistributed') else (l['class_name'], c)
out = {'keras3': [], 'keras2': [], 'max_array_error': 0.0, 'scaled': 0, 'arrays': 0}
if exp.get('x') is not None:
    x = np.array(exp['x'], dtype=np.float64).reshape(exp['x_shape'])
    out['keras3'] = forward(x, 'keras3').reshape(-1).tolist()
    out['keras2'] = forward(x, 'keras2').reshape(-1).tolist()
by_group, used = {}, {}
for l in cfg['config']['layers']:
    if l['class_name'] == 'InputLayer' and cfg['class_name'] == 'Sequential': continue
    s = snake(l['class_name']); k = used.get(s); used[s] = 0 if k is None else k + 1
    by_group['layers/' + (s if k is None else '%s_%d' % (s, k + 1))] = inner(l)
for v in exp['vars']:
    cls, c = by_group['/'.join(v['path'].split('/')[:2])]
    d = np.array(h5[v['path']][()], dtype=np.float64)
    f = factors(cls, c, v['shape'][-1])
    want = np.array(v['data'], dtype=np.float64).reshape(v['shape']) * f
    out['max_array_error'] = max(out['max_array_error'], float(np.abs(d - want).max()))
    out['scaled'] += int((f != 1.0).sum()); out['arrays'] += 1
print(json.dumps(out))
`;

const HARD_SIGMOID: { id: string; graph: BuilderGraph; numpy: boolean }[] = [
  // the lesson preset as it is: hard_sigmoid gates, reset_after=False, 240 steps
  { id: 'gru-preset', graph: PRESETS.find((p) => p.id === 'gru')!.graph, numpy: true },
  {
    id: 'lstm', numpy: true,
    graph: chainGraph('lstm_hs', ['input_sequence', { timesteps: 12, features: 5 }], [['lstm', { units: 6, return_sequences: true, go_backwards: true }], ['lstm', { units: 4 }], ['dense', { units: 2 }]]),
  },
  {
    id: 'dense-hard-sigmoid', numpy: true,
    graph: chainGraph('dense_hs', ['input_vector', { features: 6 }], [['dense', { units: 8, activation: 'hard_sigmoid' }], ['dense', { units: 3, activation: 'hard_sigmoid' }]]),
  },
  { id: 'bidirectional-gru-preset', graph: PRESETS.find((p) => p.id === 'bidirectional-gru')!.graph, numpy: true },
  {
    // hard_sigmoid as `activation` too: every column of TimeDistributed(Dense) and SimpleRNN, the GRU's candidate
    id: 'wrapped-and-candidate', numpy: true,
    graph: chainGraph('mix_hs', ['input_sequence', { timesteps: 10, features: 4 }], [
      ['time_distributed', {}, ['dense', { units: 5, activation: 'hard_sigmoid' }]],
      ['simple_rnn', { units: 4, activation: 'hard_sigmoid', return_sequences: true }],
      ['bidirectional', { merge_mode: 'sum' }, ['gru', { units: 3, activation: 'hard_sigmoid', return_sequences: true }]],
      ['gru', { units: 3, activation: 'hard_sigmoid', recurrent_activation: 'sigmoid' }],
      ['dense', { units: 2 }],
    ]),
  },
  {
    // reset_after=True: the (2, 3u) bias, both rows scaled; the engine's own GRU layer
    id: 'gru-reset-after', numpy: true,
    graph: chainGraph('reset_after_hs', ['input_sequence', { timesteps: 10, features: 4 }], [
      ['gru', { units: 5, reset_after: true, return_sequences: true }],
      ['gru', { units: 3, reset_after: true, activation: 'hard_sigmoid' }],
      ['dense', { units: 1 }],
    ]),
  },
  {
    // Functional: layers found by name in a graph with a merge
    id: 'functional', numpy: false,
    graph: graphOf('functional_hs', [
      ['x', 'input_sequence', { timesteps: 8, features: 3 }],
      ['g', 'gru', { units: 4 }],
      ['avg', 'global_average_pooling1d'],
      ['d', 'dense', { units: 4, activation: 'hard_sigmoid' }],
      ['sum', 'add'],
      ['out', 'dense', { units: 2 }],
    ], [['x', 'g'], ['x', 'avg'], ['avg', 'd'], ['g', 'sum'], ['d', 'sum'], ['sum', 'out']]),
  },
  // 4-D kernels: the gates are the output channels
  {
    id: 'convlstm-conv', numpy: false,
    graph: chainGraph('convlstm_hs', ['input_video', { frames: 3, height: 9, width: 9, channels: 2 }], [
      ['conv_lstm2d', { filters: 4, kernel_size: [3, 3], return_sequences: true }],
      ['time_distributed', {}, ['conv2d', { filters: 3, kernel_size: [3, 3], activation: 'hard_sigmoid' }]],
      ['time_distributed', {}, ['flatten']],
      ['conv1d', { filters: 2, kernel_size: 2, activation: 'hard_sigmoid' }],
      ['flatten'],
      ['dense', { units: 2 }],
    ]),
  },
];

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  return Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
};

describe('Keras 3 hard_sigmoid: columns scaled by 1.2, exact both ways', () => {
  let dir: string;
  let script: string;
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    dir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-keras3-hs-'));
    script = path.join(dir, 'forward.py');
    await fs.writeFile(script, FORWARD);
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it.each(HARD_SIGMOID)('$id: config.json says hard_sigmoid, the arrays are 1.2x on its columns, a Keras 3 forward in numpy predicts what tfjs does, and the import gives back the model', async ({ id, graph, numpy }) => {
    needH5py();
    expect(JSON.stringify(toKerasSpec(graph))).toContain('hard_sigmoid');
    const model = await modelOf(graph, 11);
    const file = path.join(dir, `${id}.keras`);
    await writeKeras3(model, file);
    const xs = inputsOf(model, 5);
    const want = predict(model, xs)[0]!;
    const vars = keras3Entries(model).flatMap((e) => e.vars.map((v) => ({ path: v.path, shape: v.variable.shape, data: Array.from(v.variable.read().dataSync()) })));
    const expFile = path.join(dir, `${id}.json`);
    await fs.writeFile(expFile, JSON.stringify({ vars, x: numpy ? Array.from(xs[0]!.dataSync()) : null, x_shape: xs[0]!.shape }));
    const { stdout } = await run(PY, [script, file, expFile], { maxBuffer: 256 * 1024 * 1024 });
    const ref = JSON.parse(stdout) as { keras3: number[]; keras2: number[]; max_array_error: number; scaled: number; arrays: number };
    const config = JSON.stringify(JSON.parse(execFileSync(PY, ['-c', 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("config.json").decode())', file]).toString()));
    expect(config).toContain('"hard_sigmoid"');
    expect(ref.arrays).toBe(model.weights.length);
    expect(ref.scaled).toBeGreaterThan(0);
    expect(ref.max_array_error).toBeLessThan(1e-6);
    if (numpy) {
      expect(maxDiff(ref.keras3, want)).toBeLessThan(1e-5);
      // the same file read with Keras 2's 0.2x + 0.5 is another model: the scaling is what matters
      expect(maxDiff(ref.keras2, want)).toBeGreaterThan(1e-3);
    }

    const back = await loadKeras3(file);
    expect(maxDiff(predict(back.model, xs)[0]!, want)).toBeLessThan(1e-6);
    const w0 = model.getWeights();
    back.model.getWeights().forEach((w, i) => expect(maxDiff(w.dataSync(), w0[i]!.dataSync())).toBeLessThan(1e-6));
    xs.forEach((x) => x.dispose());
    back.model.dispose();
    model.dispose();
  }, 120_000);

  it('LSTM and ConvLSTM2D with activation hard_sigmoid (it acts on the cell state too) are refused before writing anything, in both languages', async () => {
    const lstm = await modelOf(chainGraph('lstm_act', ['input_sequence', { timesteps: 5, features: 3 }], [['lstm', { units: 4, activation: 'hard_sigmoid' }], ['dense', { units: 1 }]]), 1);
    const file = path.join(dir, 'lstm-act.keras');
    const err = await writeKeras3(lstm, file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'E_MODEL_KERAS3', params: { what: 'keras3_hard_sigmoid', layer: 'lstm', key: 'activation', direction: 'export' } });
    await expect(fs.access(file)).rejects.toThrow();
    const conv = await modelOf(chainGraph('convlstm_act', ['input_video', { frames: 2, height: 5, width: 5, channels: 1 }], [['conv_lstm2d', { filters: 2, kernel_size: [3, 3], activation: 'hard_sigmoid' }], ['flatten'], ['dense', { units: 1 }]]), 1);
    await expect(writeKeras3(conv, file)).rejects.toMatchObject({ code: 'E_MODEL_KERAS3', params: { key: 'activation', direction: 'export' } });
    // inside a Bidirectional too
    const bi = await modelOf(chainGraph('bi_act', ['input_sequence', { timesteps: 5, features: 3 }], [['bidirectional', {}, ['lstm', { units: 2, activation: 'hard_sigmoid' }]], ['dense', { units: 1 }]]), 1);
    await expect(writeKeras3(bi, file)).rejects.toMatchObject({ code: 'E_MODEL_KERAS3', params: { key: 'activation' } });
    await expect(fs.access(file)).rejects.toThrow();

    const params = (err as AppError).params as Record<string, unknown>;
    for (const lng of ['en', 'fa']) {
      const common = JSON.parse(await fs.readFile(`renderer/src/i18n/locales/${lng}/common.json`, 'utf8')) as Record<string, unknown>;
      const i18n = i18next.createInstance();
      await i18n.init({ lng, resources: { [lng]: { common } }, defaultNS: 'common', interpolation: { escapeValue: false } });
      const text = i18n.t('errors.E_MODEL_KERAS3', params);
      expect(text).toContain('lstm');
      expect(text).toContain('activation');
      expect(text).toContain('x/6 + 0.5');
      expect(text).not.toContain('{{');
      expect(text).toMatch(lng === 'fa' ? /LSTM.*سلول/ : /LSTM.*cell state/);
      if (lng === 'fa') expect(text).toContain('۱٫۲');
    }
    [lstm, conv, bi].forEach((m) => m.dispose());
  });
});

/** A Keras 3.16 config.json of Input(24, 3) -> GRU(8) -> Dense(1), as serialize_keras_object writes it. */
function keras3Sequential(gru: Record<string, unknown> = {}): Record<string, unknown> {
  const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const init = (cls: string, config: Record<string, unknown> = { seed: null }) => ({ module: 'keras.initializers', class_name: cls, config, registered_name: null });
  return {
    module: 'keras', class_name: 'Sequential', registered_name: null,
    config: {
      name: 'sequential', trainable: true, dtype: policy,
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 24, 3], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer', optional: false }, registered_name: null },
        {
          module: 'keras.layers', class_name: 'GRU', registered_name: null, build_config: { input_shape: [null, 24, 3] },
          config: {
            name: 'gru', trainable: true, dtype: policy, return_sequences: false, return_state: false, go_backwards: false, stateful: false, unroll: false, zero_output_for_mask: false,
            units: 8, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
            kernel_initializer: init('GlorotUniform'), recurrent_initializer: init('Orthogonal', { seed: null, gain: 1.0 }), bias_initializer: init('Zeros', {}),
            kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null, bias_constraint: null,
            dropout: 0.0, recurrent_dropout: 0.0, reset_after: false, seed: null, ...gru,
          },
        },
        {
          module: 'keras.layers', class_name: 'Dense', registered_name: null, build_config: { input_shape: [null, 8] },
          config: { name: 'dense', trainable: true, dtype: policy, units: 1, activation: 'linear', use_bias: true, kernel_initializer: init('GlorotUniform'), bias_initializer: init('Zeros', {}), kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null },
        },
      ],
      build_input_shape: [null, 24, 3],
    },
    build_config: { input_shape: [null, 24, 3] },
  };
}

/** A Keras 3.16 functional config.json: two inputs through Dense layers into Concatenate (a list of Keras tensors). */
function keras3Functional(): Record<string, unknown> {
  const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const tensor = (layer: string, shape: (number | null)[]) => ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [layer, 0, 0] } });
  const dense = (name: string, units: number, from: string, inShape: (number | null)[]) => ({
    module: 'keras.layers', class_name: 'Dense', registered_name: null, build_config: { input_shape: inShape }, name,
    config: { name, trainable: true, dtype: policy, units, activation: 'relu', use_bias: true, kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null }, bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null }, kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null },
    inbound_nodes: [{ args: [tensor(from, inShape)], kwargs: {} }],
  });
  const input = (name: string, n: number) => ({ module: 'keras.layers', class_name: 'InputLayer', registered_name: null, name, config: { batch_shape: [null, n], dtype: 'float32', sparse: false, ragged: false, name, optional: false }, inbound_nodes: [] });
  return {
    module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
    config: {
      name: 'two_inputs', trainable: true,
      layers: [
        input('a', 4), input('b', 6), dense('da', 3, 'a', [null, 4]), dense('db', 5, 'b', [null, 6]),
        { module: 'keras.layers', class_name: 'Concatenate', registered_name: null, build_config: { input_shape: [[null, 3], [null, 5]] }, name: 'cat', config: { name: 'cat', trainable: true, dtype: policy, axis: -1 }, inbound_nodes: [{ args: [[tensor('da', [null, 3]), tensor('db', [null, 5])]], kwargs: {} }] },
        dense('out', 1, 'cat', [null, 8]),
      ],
      input_layers: [['a', 0, 0], ['b', 0, 0]],
      output_layers: ['out', 0, 0],
    },
  };
}

describe('Keras 3 config.json import', () => {
  let dir: string;
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    dir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-keras3-cfg-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('the builder reads a Sequential config.json: input shape from batch_shape, the GRU and Dense params', () => {
    const g = fromKerasSpec(keras3Sequential());
    expect(g.nodes.map((n) => n.block)).toEqual(['input_sequence', 'gru', 'dense']);
    expect(g.nodes[0]!.params).toMatchObject({ timesteps: 24, features: 3 });
    expect(g.nodes[1]!.params).toMatchObject({ units: 8, recurrent_activation: 'sigmoid', reset_after: false });
    expect(inferShapes(g).totals.total).toBe(3 * (3 * 8 + 8 * 8 + 8) + 9);
  });

  it('the builder reads a Functional config.json: Keras tensors in args become edges, in input order', () => {
    const g = fromKerasSpec(keras3Functional());
    expect(g.edges.map((e) => `${e.source}->${e.target}`)).toEqual(['a->da', 'b->db', 'da->cat', 'db->cat', 'cat->out']);
    const r = inferShapes(g);
    expect(r.ok).toBe(true);
    expect(r.nodes.cat!.outputShape).toEqual([null, 8]);
  });

  it('the engine imports a config.json (fresh weights) and a .keras written from it', async () => {
    const file = path.join(dir, 'config.json');
    await fs.writeFile(file, JSON.stringify(keras3Functional()));
    const m = await importModel(file);
    expect(m.format).toBe('keras3-config');
    expect(m.model.countParams()).toBe(4 * 3 + 3 + 6 * 5 + 5 + 8 + 1);
    const keras = path.join(dir, 'two.keras');
    await writeKeras3(m.model, keras);
    const back = await importModel(keras);
    expect(back.format).toBe('keras3');
    expect(back.model.inputs.map((t) => t.shape)).toEqual([[null, 4], [null, 6]]);
    m.model.dispose();
    back.model.dispose();
  });

  it('an imported config.json keeps its fresh weights: a reload in a new engine gives the same model', async () => {
    const upload = path.join(dir, 'upload-cfg');
    await fs.mkdir(upload);
    const file = path.join(upload, 'config.json');
    await fs.writeFile(file, JSON.stringify(keras3Sequential()));
    const data = path.join(dir, 'data');
    const info = await new ModelImports(data).add(upload, [{ name: 'config.json', path: file, size: (await fs.stat(file)).size }]);
    expect(info).toMatchObject({ format: 'keras3-config', params: 3 * (3 * 8 + 8 * 8 + 8) + 9 });
    const a = await new ModelImports(data).get(info.importId);
    const b = await new ModelImports(data).get(info.importId);
    const wa = a.getWeights().map((t) => Array.from(t.dataSync()));
    expect(b.getWeights().map((t) => Array.from(t.dataSync()))).toEqual(wa);
    a.dispose();
    b.dispose();
  });

  it('GRU reset_after=True (Keras 3\'s default) imports into the engine\'s own GRU layer and goes back to .keras with its (2, 3u) bias, predicting the same', async () => {
    const file = path.join(dir, 'reset-after.json');
    await fs.writeFile(file, JSON.stringify(keras3Sequential({ reset_after: true })));
    const m = await importModel(file);
    // the second bias row: 3 * (d*u + u*u + 2u) + Dense
    expect(m.model.countParams()).toBe(3 * (3 * 8 + 8 * 8 + 2 * 8) + 9);
    expect(m.model.getWeights()[2]!.shape).toEqual([2, 24]);
    const keras = path.join(dir, 'reset-after.keras');
    await writeKeras3(m.model, keras);
    const back = await importModel(keras);
    expect(back.model.layers.find((l) => l.getClassName() === 'GRU')!.getConfig()).toMatchObject({ resetAfter: true });
    const x = tf.randomUniform([4, 24, 3], -1, 1, 'float32', 7);
    const a = (m.model.predict(x) as tf.Tensor).dataSync();
    const b = (back.model.predict(x) as tf.Tensor).dataSync();
    expect(Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)))).toBeLessThan(1e-6);
    expect(Math.max(...Array.from(a, (v) => Math.abs(v - a[0]!)))).toBeGreaterThan(1e-4);
    x.dispose();
    m.model.dispose();
    back.model.dispose();
  });

  it('a Keras 3 config with hard_sigmoid gates imports; an LSTM with activation hard_sigmoid is refused, naming it', async () => {
    const gru = path.join(dir, 'hs.json');
    await fs.writeFile(gru, JSON.stringify(keras3Sequential({ recurrent_activation: 'hard_sigmoid' })));
    const m = await importModel(gru);
    expect(JSON.stringify(m.topology)).toContain('hard_sigmoid');
    m.model.dispose();
    const cfg = keras3Sequential({ activation: 'hard_sigmoid' });
    const layers = (cfg.config as { layers: Record<string, unknown>[] }).layers;
    layers[1] = { ...layers[1], class_name: 'LSTM', config: { ...(layers[1]!.config as Record<string, unknown>), name: 'lstm', unit_forget_bias: true } };
    const file = path.join(dir, 'lstm-hs.json');
    await fs.writeFile(file, JSON.stringify(cfg));
    await expect(importModel(file)).rejects.toMatchObject({ code: 'E_MODEL_KERAS3', params: { what: 'keras3_hard_sigmoid', layer: 'lstm', key: 'activation', direction: 'import' } });
  });

  it('a layer SeqLab lacks is named, with the supported classes', async () => {
    const cfg = keras3Sequential();
    const layers = (cfg.config as { layers: Record<string, unknown>[] }).layers;
    layers[1] = { module: 'keras.layers', class_name: 'MultiHeadAttention', registered_name: null, config: { name: 'mha', num_heads: 2, key_dim: 4 } };
    const file = path.join(dir, 'mha.json');
    await fs.writeFile(file, JSON.stringify(cfg));
    const err = await importModel(file).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_MODEL_UNSUPPORTED', params: { className: 'MultiHeadAttention' } });
    expect(String((err as { params: { supported: string } }).params.supported)).toContain('GRU');
  });
});
