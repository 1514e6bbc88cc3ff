// Keras 3 `.keras` export and import (main/engine/model/formats/keras3.ts, shared/model/keras3.ts):
// every preset and graphs reaching the other blocks are written with seeded weights, and
// /usr/bin/python3 (zipfile, json, h5py) re-reads each archive: the entries Keras 3.16's
// saving_lib writes, config.json as serialize_keras_object writes it (module / registered_name,
// DTypePolicy, InputLayer batch_shape, reset_after explicit), and model.weights.h5 laid out as
// H5IOStore lays it out (paths derived in Python from config.json by Keras's own rules, every
// array equal to tfjs's). Each archive is imported back and predicts what the original does.
// Keras 3 config.json files as Keras writes them import into the builder and the engine;
// hard_sigmoid and a layer SeqLab lacks are refused with their codes; GRU reset_after=True (Keras 3's
// default) goes both ways through the engine's own GRU layer.
import { execFile, execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { chainGraph, fromKerasSpec, inferShapes, PRESETS, toKerasSpec, type BuilderGraph, type Params } from '../../shared/model';
import { mulberry32 } from '../../shared/random';
import { initBackend } from '../../main/engine/platform/backend';
import { importModel, keras3Entries, loadKeras3, writeKeras3 } from '../../main/engine/export';
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


/** Keras 3 reads hard_sigmoid differently (x/6 + 0.5): the export refuses it, so the cases use sigmoid. */
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

  it('refuses hard_sigmoid (Keras 3 computes x/6 + 0.5, tfjs 0.2x + 0.5) before writing anything', async () => {
    const model = await modelOf(chainGraph('hs', ['input_sequence', { timesteps: 5, features: 3 }], [['gru', { units: 4 }], ['dense', { units: 1 }]]), 1);
    const file = path.join(dir, 'hs.keras');
    await expect(writeKeras3(model, file)).rejects.toMatchObject({ code: 'E_MODEL_KERAS3', params: { what: 'keras3_hard_sigmoid', layer: 'gru', key: 'recurrent_activation', direction: 'export' } });
    await expect(fs.access(file)).rejects.toThrow();
    model.dispose();
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

  it('hard_sigmoid in a Keras 3 config is refused (it means x/6 + 0.5 there)', async () => {
    const file = path.join(dir, 'hs.json');
    await fs.writeFile(file, JSON.stringify(keras3Sequential({ recurrent_activation: 'hard_sigmoid' })));
    await expect(importModel(file)).rejects.toMatchObject({ code: 'E_MODEL_KERAS3', params: { what: 'keras3_hard_sigmoid', direction: 'import' } });
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
