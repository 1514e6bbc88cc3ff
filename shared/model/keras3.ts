/**
 * Keras 3 model configs (the `config.json` of a `.keras` file, `serialize_keras_object(model)`)
 * both ways, against the Keras 2 / tfjs topology the rest of SeqLab speaks. Layout followed:
 * Keras 3.16.0 (keras-team/keras, keras/src/saving/serialization_lib.py, models/functional.py,
 * layers/core/input_layer.py). What differs from Keras 2, and is converted here for every layer:
 *
 *   every object      { module, class_name, config, registered_name, build_config?, compile_config? }
 *   dtype             { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } }
 *   InputLayer        batch_shape (Keras 2: batch_input_shape); Sequential lists it first
 *   inbound_nodes     [{ args: [<__keras_tensor__ with keras_history [layer, node, tensor]>], kwargs }]
 *                     (Keras 2: [[[layer, node, tensor, kwargs], ...]])
 *   input/output_layers  a single [layer, node, tensor] when the model has one input or output
 *
 * Per-layer differences live in the block files (`keras.toKeras3`, `keras.fromKeras3`: the
 * Bidirectional's backward_layer, the Embedding's dropped input_length) and in `keras.refuse`.
 * One activation changed meaning: Keras 3's `hard_sigmoid` is clip(x/6 + 0.5, 0, 1)
 * (keras/src/activations/activations.py:518, keras/src/backend/numpy/nn.py:116-124), Keras 2's and
 * tfjs's clip(0.2x + 0.5, 0, 1). Since k3(1.2 x) = k2(x), the export keeps the name and multiplies
 * the weight columns feeding each hard_sigmoid by 1.2, the import divides them by 1.2: the
 * blocks say which columns (`keras3HardSigmoid`), `hardSigmoidGates` and `scaleGateColumns` do it.
 * Where no column carries it (LSTM's `activation`, also applied to the cell state) the layer is
 * refused (`keras3_hard_sigmoid`).
 */
import { BLOCKS } from './catalog';
import { ModelGraphError } from './graph';

/** The Keras version whose saving code the export follows (metadata.json says it). */
export const KERAS3_VERSION = '3.16.0';

const LAYER_BLOCKS = new Map(BLOCKS.filter((b) => b.kind !== 'input').map((b) => [b.className, b]));

type Json = unknown;
type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A serialized Keras 3 object: class_name and config, with the module / registered_name pair. */
const isKeras3Object = (x: unknown): boolean => isObj(x) && typeof x.class_name === 'string' && ('module' in x || 'registered_name' in x);

/** True for a Keras 3 config (a config.json, or a model_config written by Keras 3). */
export function isKeras3Config(spec: unknown): boolean {
  if (!isObj(spec)) return false;
  if (isKeras3Object(spec)) return true;
  const cfg = spec.config;
  const layers: unknown[] = isObj(cfg) && Array.isArray(cfg.layers) ? cfg.layers : [];
  return layers.some((l) => isKeras3Object(l) || (isObj(l) && Array.isArray(l.inbound_nodes) && l.inbound_nodes.some((n) => isObj(n) && 'args' in n)));
}

/** k3(1.2 x) = k2(x): the factor on a hard_sigmoid's pre-activation from Keras 2 / tfjs to Keras 3. */
export const KERAS3_HARD_SIGMOID_SCALE = 1.2;

/**
 * Which blocks of a layer's weight columns feed a hard_sigmoid (its block's `keras3HardSigmoid`
 * on the Keras 2 config), null when none. Throws ModelGraphError `keras3_hard_sigmoid` where the
 * block refuses, or has no such rule and the config names hard_sigmoid.
 */
export function hardSigmoidGates(className: string, cfg: Obj, direction: 'import' | 'export'): boolean[] | null {
  const block = LAYER_BLOCKS.get(className);
  const layer = String(cfg.name ?? className);
  if (!block?.keras3HardSigmoid) {
    for (const key of ['activation', 'recurrent_activation']) {
      if (cfg[key] === 'hard_sigmoid') throw new ModelGraphError('keras3_hard_sigmoid', { layer, key, direction });
    }
    return null;
  }
  const inner = block.wrapper && isObj(cfg.layer) ? LAYER_BLOCKS.get(String(cfg.layer.class_name)) : undefined;
  const r = block.keras3HardSigmoid(cfg, inner);
  if (r && 'refuse' in r) throw new ModelGraphError('keras3_hard_sigmoid', { layer, key: r.refuse, direction });
  return r?.gates ?? null;
}

/** Per layer name of a Keras 2 topology: the hard_sigmoid gates of its weights (layers without any left out). */
export function hardSigmoidLayers(topology: { config: Obj }, direction: 'import' | 'export'): Map<string, boolean[]> {
  const out = new Map<string, boolean[]>();
  for (const l of Array.isArray(topology.config.layers) ? (topology.config.layers as unknown[]) : []) {
    if (!isObj(l) || !isObj(l.config) || l.class_name === 'InputLayer') continue;
    const gates = hardSigmoidGates(String(l.class_name), l.config, direction);
    if (gates) out.set(String(l.name ?? l.config.name), gates);
  }
  return out;
}

/**
 * A weight array (row-major, `shape`) with the columns of its last axis that feed a hard_sigmoid
 * multiplied by `factor`: the last axis is `gates.length` equal blocks (Keras's gate order).
 */
export function scaleGateColumns(data: Float32Array, shape: readonly number[], gates: readonly boolean[], factor: number): Float32Array {
  const last = shape.length ? shape[shape.length - 1]! : 1;
  const width = last / gates.length;
  if (!Number.isInteger(width)) throw new Error(`a last axis of ${last} is not ${gates.length} gate blocks`);
  const out = Float32Array.from(data);
  for (let i = 0; i < out.length; i++) {
    if (gates[Math.floor((i % last) / width)]) out[i] = out[i]! * factor;
  }
  return out;
}

// ---------------------------------------------------------------- Keras 3 -> Keras 2

/** Keras 3 serialized values -> plain Keras 2 ones (dtype policies to names, tuples to lists). */
function plain(v: Json): Json {
  if (Array.isArray(v)) return v.map(plain);
  if (!isObj(v)) return v;
  if (v.class_name === '__tuple__' && isObj(v.config)) return plain(v.config.value);
  if (isKeras3Object(v)) {
    if (/DTypePolicy$/.test(String(v.class_name)) && isObj(v.config)) return String(v.config.name ?? 'float32');
    return { class_name: v.class_name, config: plain(v.config ?? {}) };
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
}

/** The [layer, node, tensor] triples of the Keras tensors in a Keras 3 node's args, in order. */
function historyOf(v: Json, out: [string, number, number][]): void {
  if (Array.isArray(v)) v.forEach((x) => historyOf(x, out));
  else if (isObj(v) && v.class_name === '__keras_tensor__' && isObj(v.config) && Array.isArray(v.config.keras_history)) {
    const [name, node, tensor] = v.config.keras_history as [unknown, unknown, unknown];
    out.push([String(name), Number(node ?? 0), Number(tensor ?? 0)]);
  } else if (isObj(v)) Object.values(v).forEach((x) => historyOf(x, out));
}

/** A Keras 3 inbound node list -> Keras 2's (a node is a list of [layer, node, tensor, kwargs]). */
function inboundNodes(nodes: unknown): unknown[] {
  if (!Array.isArray(nodes)) return [];
  return nodes.map((n) => {
    if (!isObj(n) || !('args' in n)) return n; // already Keras 2
    const calls: [string, number, number][] = [];
    historyOf(n.args, calls);
    return calls.map((c) => [...c, {}]);
  });
}

/** A single [name, node, tensor] or a list of them -> a list of them. */
function tensorList(v: unknown): unknown {
  return Array.isArray(v) && typeof v[0] === 'string' ? [v] : v;
}

/** One Keras 3 layer entry -> Keras 2 (recursing into wrapped layers through the block hooks). */
function layerFrom3(entry: Obj): Obj {
  const className = String(entry.class_name);
  let cfg = (plain(entry.config ?? {}) as Obj) ?? {};
  if (className === 'InputLayer') {
    const { batch_shape: batchShape, optional: _optional, ragged: _ragged, ...rest } = cfg;
    cfg = { ...rest, ...(batchShape !== undefined ? { batch_input_shape: batchShape } : {}) };
  } else {
    hardSigmoidGates(className, cfg, 'import');
    const block = LAYER_BLOCKS.get(className);
    const innerLayer = isObj(entry.config) ? entry.config.layer : undefined;
    if (block?.wrapper && isObj(innerLayer) && isKeras3Object(innerLayer)) cfg = { ...cfg, layer: layerFrom3(innerLayer) };
    if (block?.keras?.fromKeras3) cfg = block.keras.fromKeras3(cfg);
  }
  const out: Obj = { class_name: className, config: cfg };
  if ('name' in entry) out.name = entry.name;
  if ('inbound_nodes' in entry) out.inbound_nodes = inboundNodes(entry.inbound_nodes);
  return out;
}

/**
 * A Keras 3 model config -> the Keras 2 topology (`{ class_name, config }`) that tfjs's
 * modelFromJSON and the builder's fromKerasSpec read. Throws ModelGraphError
 * (`unsupported_model`, `keras3_hard_sigmoid`).
 */
export function fromKeras3(spec: unknown): { class_name: string; config: Obj } {
  if (!isObj(spec) || !isObj(spec.config) || !Array.isArray(spec.config.layers)) {
    throw new ModelGraphError('unsupported_model', { className: isObj(spec) ? String(spec.class_name) : typeof spec });
  }
  const c = spec.config;
  const config: Obj = { name: String(c.name ?? 'model'), layers: (c.layers as unknown[]).map((l) => (isObj(l) ? layerFrom3(l) : l)) };
  if ('input_layers' in c) config.input_layers = tensorList(c.input_layers);
  if ('output_layers' in c) config.output_layers = tensorList(c.output_layers);
  return { class_name: String(spec.class_name), config };
}

// ---------------------------------------------------------------- Keras 2 -> Keras 3

const dtypePolicy = (name: unknown): Obj => ({ module: 'keras', class_name: 'DTypePolicy', config: { name: typeof name === 'string' ? name : 'float32' }, registered_name: null });

/** Module of the nested objects Keras 3 serializes inside a layer config, by config key. */
function nestedModule(key: string): string | null {
  if (/_initializer$/.test(key)) return 'keras.initializers';
  if (/_regularizer$/.test(key)) return 'keras.regularizers';
  if (/_constraint$/.test(key)) return 'keras.constraints';
  return null;
}

/** Keras 2 nested objects (initializers, ...) -> Keras 3's { module, class_name, config, registered_name }. */
function nested3(cfg: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(cfg)) {
    const module = nestedModule(k);
    out[k] = module && isObj(v) && typeof v.class_name === 'string' ? { module, class_name: v.class_name, config: structuredClone(v.config ?? {}), registered_name: null } : structuredClone(v);
  }
  return out;
}

export interface Keras3LayerOptions {
  /** The layer's input shape (batch axis first), written as build_config. */
  inputShape?: unknown;
}

/** One Keras 2 layer entry (class_name, config) -> the Keras 3 serialized layer. */
function layerTo3(className: string, config: Obj, opts: Keras3LayerOptions = {}): Obj {
  let cfg: Obj;
  if (className === 'InputLayer') {
    const { batch_input_shape: shape, ...rest } = config;
    cfg = { batch_shape: shape, dtype: rest.dtype ?? 'float32', sparse: rest.sparse ?? false, ragged: false, name: rest.name, optional: false };
  } else {
    hardSigmoidGates(className, config, 'export');
    cfg = nested3(config);
    cfg.dtype = dtypePolicy(config.dtype);
    const block = LAYER_BLOCKS.get(className);
    if (block?.wrapper && isObj(config.layer)) {
      const inner = config.layer;
      cfg.layer = layerTo3(String(inner.class_name), isObj(inner.config) ? inner.config : {});
    }
    if (block?.keras?.toKeras3) cfg = block.keras.toKeras3(cfg);
  }
  return {
    module: 'keras.layers', class_name: className, config: cfg, registered_name: null,
    ...(opts.inputShape !== undefined ? { build_config: { input_shape: opts.inputShape } } : {}),
  };
}

/** A Keras 2 node ([[layer, node, tensor, kwargs], ...]) -> Keras 3's { args, kwargs }. */
function node3(calls: unknown, shapes: Map<string, unknown>, dtypes: Map<string, unknown>): Obj {
  const list = Array.isArray(calls) ? calls : [];
  const tensors = list.map((c) => {
    const [name, node, tensor] = (Array.isArray(c) ? c : []) as [string, number, number];
    return { class_name: '__keras_tensor__', config: { shape: shapes.get(name) ?? null, dtype: dtypes.get(name) ?? 'float32', keras_history: [name, node ?? 0, tensor ?? 0] } };
  });
  // a merge layer is called on a list of tensors; the others on one tensor
  return { args: tensors.length === 1 ? [tensors[0]] : [tensors], kwargs: {} };
}

export interface Keras3ModelOptions {
  /** Per layer name: its output shape (batch axis first), for the Keras tensors of Functional nodes. */
  outputShapes?: Map<string, unknown>;
  /** Per layer name: its input shape (batch axis first), for build_config. */
  inputShapes?: Map<string, unknown>;
  /** The model's input shape, for the model's build_config. */
  modelInputShape?: unknown;
}

/**
 * The Keras 3 config.json of a Keras 2 topology (what kerasTopology gives: Sequential without an
 * InputLayer entry, the first layer carrying batch_input_shape, or Functional). Sequential gets
 * its InputLayer first, as Keras 3 writes it. Throws ModelGraphError (`keras3_hard_sigmoid`).
 */
export function toKeras3(topology: { class_name: string; config: Obj }, opts: Keras3ModelOptions = {}): Obj {
  const c = topology.config;
  const layers = (Array.isArray(c.layers) ? c.layers : []) as Obj[];
  const inShape = (name: unknown): unknown => opts.inputShapes?.get(String(name));
  const name = String(c.name ?? 'model');
  if (topology.class_name === 'Sequential') {
    const out: Obj[] = [];
    layers.forEach((l, i) => {
      const cfg = isObj(l.config) ? { ...l.config } : {};
      if (i === 0 && l.class_name !== 'InputLayer' && cfg.batch_input_shape !== undefined) {
        out.push(layerTo3('InputLayer', { batch_input_shape: cfg.batch_input_shape, dtype: typeof cfg.dtype === 'string' ? cfg.dtype : 'float32', name: 'input_layer' }));
      }
      if (l.class_name !== 'InputLayer') delete cfg.batch_input_shape;
      out.push(layerTo3(String(l.class_name), cfg, l.class_name === 'InputLayer' ? {} : { inputShape: inShape(cfg.name) }));
    });
    return {
      module: 'keras', class_name: 'Sequential', registered_name: null,
      config: { name, trainable: true, dtype: dtypePolicy('float32'), layers: out },
      ...(opts.modelInputShape !== undefined ? { build_config: { input_shape: opts.modelInputShape } } : {}),
    };
  }
  const dtypes = new Map(layers.map((l) => [String(l.name ?? (isObj(l.config) ? l.config.name : '')), isObj(l.config) && typeof l.config.dtype === 'string' ? l.config.dtype : 'float32']));
  const shapes = opts.outputShapes ?? new Map<string, unknown>();
  const out = layers.map((l) => {
    const cfg = isObj(l.config) ? l.config : {};
    const layerName = String(l.name ?? cfg.name);
    const entry = layerTo3(String(l.class_name), cfg, l.class_name === 'InputLayer' ? {} : { inputShape: inShape(layerName) });
    const inbound = Array.isArray(l.inbound_nodes) ? l.inbound_nodes : [];
    return { ...entry, name: layerName, inbound_nodes: inbound.map((n) => node3(n, shapes, dtypes)) };
  });
  const one = (v: unknown): unknown => (Array.isArray(v) && v.length === 1 ? v[0] : v);
  return {
    module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
    config: { name, trainable: true, layers: out, input_layers: one(c.input_layers), output_layers: one(c.output_layers) },
    ...(opts.modelInputShape !== undefined ? { build_config: { input_shape: opts.modelInputShape } } : {}),
  };
}

// ---------------------------------------------------------------- weights file paths

/** Keras 3's `naming.to_snake_case` of a class name: the container name of a layer in model.weights.h5. */
export function kerasSnakeCase(className: string): string {
  return className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
