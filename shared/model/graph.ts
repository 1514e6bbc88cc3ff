/**
 * The builder's graph and its Keras topology JSON (both directions).
 * See index.ts for the documented public API.
 */
import { fromKeras3, isKeras3Config } from './keras3';
import { exportValue, getBlock, resolveParams, BLOCKS, type BlockDef, type ParamValue, type Params } from './catalog';

/** Our layer block of each Keras class (input blocks are InputLayer: chosen by shape, see inputBlockFor). */
const LAYER_BLOCKS = new Map(BLOCKS.filter((b) => b.kind !== 'input').map((b) => [b.className, b]));
/** The input blocks, in registry order. */
const INPUT_BLOCKS = BLOCKS.filter((b) => b.input);
const isInputLayer = (className: unknown): boolean => INPUT_BLOCKS.some((b) => b.className === className);

export interface WrappedLayer {
  block: string;
  params: Params;
  /** Layer name of the inner layer (optional; generated when absent). */
  name?: string;
}

export interface BuilderNode {
  id: string;
  /** Catalog block id. */
  block: string;
  params: Params;
  /** For wrapper blocks (Bidirectional, TimeDistributed): the wrapped layer. */
  wrapped?: WrappedLayer;
  /** Keras layer name. Optional: when absent a stable Keras-style name is generated (see layerNames). */
  name?: string;
}

export interface BuilderEdge {
  id: string;
  source: string;
  target: string;
  /** Input order for merge layers (Concatenate, Add); edges without it follow, in edge order. */
  targetIndex?: number;
}

export interface BuilderGraph {
  nodes: BuilderNode[];
  edges: BuilderEdge[];
  /** Model name (Keras `config.name`). */
  name?: string;
}

/** A Keras layer entry as `to_json()` / tfjs `toJSON()` write it. */
export interface KerasLayerJSON {
  class_name: string;
  config: Record<string, unknown>;
  name?: string;
  inbound_nodes?: unknown[];
}

export interface KerasModelJSON {
  class_name: 'Sequential' | 'Functional' | 'Model';
  config: {
    name: string;
    layers: KerasLayerJSON[];
    input_layers?: [string, number, number][];
    output_layers?: [string, number, number][];
  };
  keras_version?: string;
  backend?: string;
}

/** Codes ModelGraphError may carry (translated like the shape issues). */
export const GRAPH_ERROR_CODES = ['no_input', 'cycle', 'unconnected', 'unknown_block', 'wrapper_needs_layer', 'unsupported_layer', 'unsupported_model', 'shared_layer', 'unsupported_input_shape', 'keras3_hard_sigmoid'] as const;

/** Thrown by toKerasSpec / fromKerasSpec: a code (translated as `errors.<code>`) and plain params. */
export class ModelGraphError extends Error {
  readonly code: string;
  readonly params: Record<string, string | number>;
  constructor(code: string, params: Record<string, string | number> = {}) {
    super(`${code} ${JSON.stringify(params)}`);
    this.code = code;
    this.params = params;
  }
}

// ---------------------------------------------------------------- topology

export interface Topology {
  /** Node ids in a topological order (nodes on a cycle are left out). */
  order: string[];
  /** Incoming source ids per node, in input order (targetIndex, then edge order). */
  incoming: Map<string, string[]>;
  /** Outgoing target ids per node. */
  outgoing: Map<string, string[]>;
  /** Ids of nodes on or behind a cycle. */
  cyclic: Set<string>;
  /** Edges whose source or target is not a node. */
  danglingEdges: BuilderEdge[];
  inputs: string[];
  /** Non-input nodes nothing reads from: the model's outputs. */
  outputs: string[];
}

export function analyseTopology(graph: BuilderGraph): Topology {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const incomingEdges = new Map<string, { e: BuilderEdge; i: number }[]>();
  const outgoing = new Map<string, string[]>();
  for (const n of graph.nodes) {
    incomingEdges.set(n.id, []);
    outgoing.set(n.id, []);
  }
  const danglingEdges: BuilderEdge[] = [];
  graph.edges.forEach((e, i) => {
    if (!ids.has(e.source) || !ids.has(e.target)) {
      danglingEdges.push(e);
      return;
    }
    incomingEdges.get(e.target)!.push({ e, i });
    outgoing.get(e.source)!.push(e.target);
  });
  const incoming = new Map<string, string[]>();
  for (const [id, list] of incomingEdges) {
    list.sort((a, b) => (a.e.targetIndex ?? Number.MAX_SAFE_INTEGER) - (b.e.targetIndex ?? Number.MAX_SAFE_INTEGER) || a.i - b.i);
    incoming.set(id, list.map((x) => x.e.source));
  }
  // Kahn's algorithm, stable in node order.
  const indeg = new Map<string, number>();
  for (const n of graph.nodes) indeg.set(n.id, incoming.get(n.id)!.length);
  const order: string[] = [];
  const ready = graph.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const pos = new Map(graph.nodes.map((n, i) => [n.id, i]));
  while (ready.length) {
    ready.sort((a, b) => pos.get(a)! - pos.get(b)!);
    const id = ready.shift()!;
    order.push(id);
    for (const t of outgoing.get(id)!) {
      const d = indeg.get(t)! - 1;
      indeg.set(t, d);
      if (d === 0) ready.push(t);
    }
  }
  const placed = new Set(order);
  const cyclic = new Set(graph.nodes.filter((n) => !placed.has(n.id)).map((n) => n.id));
  const isInput = (n: BuilderNode): boolean => getBlock(n.block)?.kind === 'input';
  const inputs = graph.nodes.filter(isInput).map((n) => n.id);
  const outputs = graph.nodes.filter((n) => !isInput(n) && outgoing.get(n.id)!.length === 0).map((n) => n.id);
  return { order, incoming, outgoing, cyclic, danglingEdges, inputs, outputs };
}

/**
 * True when the graph is one chain from one input (the Sequential form): one input, every
 * other node has exactly one incoming and at most one outgoing edge, no merges, no cycle.
 */
export function isSequentialChain(graph: BuilderGraph, topo: Topology = analyseTopology(graph)): boolean {
  if (topo.inputs.length !== 1 || topo.cyclic.size > 0 || topo.danglingEdges.length > 0) return false;
  let cur = topo.inputs[0]!;
  const seen = new Set([cur]);
  for (;;) {
    const next = topo.outgoing.get(cur)!;
    if (next.length === 0) break;
    if (next.length > 1) return false;
    cur = next[0]!;
    if (seen.has(cur) || topo.incoming.get(cur)!.length !== 1) return false;
    if (getBlock(graph.nodes.find((n) => n.id === cur)!.block)?.kind === 'merge') return false;
    seen.add(cur);
  }
  return seen.size === graph.nodes.length && seen.size > 1;
}

// ---------------------------------------------------------------- names

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.\-/]{0,127}$/;

function stem(block: string): string {
  return getBlock(block)?.kind === 'input' ? 'input' : block;
}

/**
 * Keras layer names for every node (and `${id}/wrapped` for wrapped inner layers): explicit
 * `name`s are kept (when valid and unique), the others get Keras-style names (`conv1d`,
 * `conv1d_1`, ...; inputs `input_1`, `input_2`) in node order, so appending a node never
 * renames the others. Pin them with `withLayerNames` to make them survive deletions too.
 */
export function layerNames(graph: BuilderGraph): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  const slots: { key: string; block: string; name?: string }[] = [];
  for (const n of graph.nodes) {
    slots.push({ key: n.id, block: n.block, name: n.name });
    if (n.wrapped) slots.push({ key: `${n.id}/wrapped`, block: n.wrapped.block, name: n.wrapped.name });
  }
  for (const s of slots) {
    if (s.name && NAME_RE.test(s.name) && !taken.has(s.name)) {
      taken.add(s.name);
      out.set(s.key, s.name);
    }
  }
  for (const s of slots) {
    if (out.has(s.key)) continue;
    const base = stem(s.block);
    let k = base === 'input' ? 1 : 0;
    let name = k === 0 ? base : `${base}_${k}`;
    while (taken.has(name)) name = `${base}_${++k}`;
    taken.add(name);
    out.set(s.key, name);
  }
  return out;
}

/** A copy of the graph with every generated layer name written into the nodes. */
export function withLayerNames(graph: BuilderGraph): BuilderGraph {
  const names = layerNames(graph);
  return {
    ...graph,
    nodes: graph.nodes.map((n) => ({
      ...n,
      name: names.get(n.id),
      ...(n.wrapped ? { wrapped: { ...n.wrapped, name: names.get(`${n.id}/wrapped`) } } : {}),
    })),
  };
}

// ---------------------------------------------------------------- layer configs

/** The batch input shape (with the leading null) of an input block. */
export function inputBatchShape(block: string, params: Params): (number | null)[] {
  const def = getBlock(block);
  if (!def?.input) throw new ModelGraphError('unknown_block', { block });
  const p = resolveParams(block, params);
  return [null, ...def.input.dims.map((k) => (typeof p[k] === 'number' ? (p[k] as number) : null))];
}

function inputLayerConfig(block: BlockDef, params: Params, name: string): Record<string, unknown> {
  return { batch_input_shape: inputBatchShape(block.id, params), dtype: block.dtype ?? 'float32', sparse: false, name };
}

/** The Keras `config` of one (non-input) layer: its params, then what the block always writes. */
export function layerConfig(blockId: string, params: Params, name: string, wrapped?: { block: string; params: Params; name: string }): Record<string, unknown> {
  const block = getBlock(blockId);
  if (!block) throw new ModelGraphError('unknown_block', { block: blockId });
  const p = resolveParams(blockId, params);
  const cfg: Record<string, unknown> = { name, trainable: true, dtype: 'float32' };
  for (const def of block.params) {
    let v = exportValue(p, def);
    if (def.tuple && typeof v === 'number') v = [v];
    cfg[def.name] = Array.isArray(v) ? [...v] : v;
  }
  Object.assign(cfg, structuredClone(block.keras?.fixed ?? {}));
  if (block.wrapper) {
    if (!wrapped) throw new ModelGraphError('wrapper_needs_layer', { layer: name });
    cfg.layer = { class_name: getBlock(wrapped.block)?.className ?? wrapped.block, config: layerConfig(wrapped.block, wrapped.params, wrapped.name) };
  }
  return cfg;
}

/**
 * The Keras topology JSON of the graph: Sequential (an InputLayer first, as TF2 Keras and
 * tfjs write it) when the graph is one chain from one input, else Functional with
 * inbound_nodes / input_layers / output_layers. Throws ModelGraphError on a graph that
 * has no such form (no input, cycle, dangling edge, unknown block); run inferShapes first
 * to show the user why.
 */
export function toKerasSpec(graph: BuilderGraph): KerasModelJSON {
  const topo = analyseTopology(graph);
  if (topo.inputs.length === 0) throw new ModelGraphError('no_input');
  if (topo.cyclic.size > 0) throw new ModelGraphError('cycle', { layer: [...topo.cyclic][0]! });
  if (topo.danglingEdges.length > 0) throw new ModelGraphError('unconnected', { layer: topo.danglingEdges[0]!.id });
  const names = layerNames(graph);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const entry = (n: BuilderNode): KerasLayerJSON => {
    const block = getBlock(n.block);
    if (!block) throw new ModelGraphError('unknown_block', { block: n.block });
    const name = names.get(n.id)!;
    if (block.kind === 'input') return { class_name: block.className, config: inputLayerConfig(block, n.params, name) };
    const w = n.wrapped ? { block: n.wrapped.block, params: n.wrapped.params, name: names.get(`${n.id}/wrapped`)! } : undefined;
    return { class_name: block.className, config: layerConfig(n.block, n.params, name, w) };
  };
  const modelName = graph.name && NAME_RE.test(graph.name) ? graph.name : undefined;
  if (isSequentialChain(graph, topo)) {
    return {
      class_name: 'Sequential',
      config: { name: modelName ?? 'sequential', layers: topo.order.map((id) => entry(byId.get(id)!)) },
      keras_version: '2.15.0',
      backend: 'tensorflow',
    };
  }
  const layers: KerasLayerJSON[] = topo.order.map((id) => {
    const e = entry(byId.get(id)!);
    const inbound = topo.incoming.get(id)!.map((s) => [names.get(s)!, 0, 0, {}]);
    return { name: names.get(id)!, class_name: e.class_name, config: e.config, inbound_nodes: inbound.length ? [inbound] : [] };
  });
  return {
    class_name: 'Functional',
    config: {
      name: modelName ?? 'model',
      layers,
      input_layers: topo.inputs.map((id) => [names.get(id)!, 0, 0]),
      output_layers: topo.outputs.map((id) => [names.get(id)!, 0, 0]),
    },
    keras_version: '2.15.0',
    backend: 'tensorflow',
  };
}

// ---------------------------------------------------------------- import

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function readParams(block: BlockDef, config: Record<string, unknown>): Params {
  const out: Params = {};
  for (const def of block.params) {
    if (!(def.name in config)) continue;
    let v = config[def.name];
    if (def.type !== 'shape' && Array.isArray(v) && v.length === 1) v = v[0];
    if (def.type === 'shape' && typeof v === 'number' && def.rank) v = Array.from({ length: def.rank }, () => v as number);
    if (v === undefined) continue;
    if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' || Array.isArray(v)) {
      out[def.name] = Array.isArray(v) ? (v as (number | null)[]).slice() : (v as ParamValue);
    }
  }
  const params = { ...resolveParams(block.id, {}), ...out };
  return block.keras?.read ? block.keras.read(params) : params;
}

/**
 * The input block of an InputLayer: the one with as many axes, int32 when the layer says
 * so or its first consumer reads tokens (an Embedding), else the float32 one.
 */
function inputBlockFor(shape: (number | null)[], dtype: unknown, consumerClass: string | undefined): { block: string; params: Params } {
  const d = shape.slice(1);
  const fits = INPUT_BLOCKS.filter((b) => b.input!.dims.length === d.length);
  if (fits.length === 0) throw new ModelGraphError('unsupported_input_shape', { rank: shape.length });
  const tokens = dtype === 'int32' || (consumerClass !== undefined && LAYER_BLOCKS.get(consumerClass)?.readsTokens === true);
  const block = fits.find((b) => (b.dtype === 'int32') === tokens) ?? fits[0]!;
  return { block: block.id, params: Object.fromEntries(block.input!.dims.map((k, i) => [k, d[i] ?? null])) };
}

function batchShapeOf(config: Record<string, unknown>): (number | null)[] | undefined {
  const s = config.batch_input_shape ?? config.batch_shape;
  if (Array.isArray(s)) return s as (number | null)[];
  if (Array.isArray(config.input_shape)) return [null, ...(config.input_shape as (number | null)[])];
  return undefined;
}

function layerNode(layer: KerasLayerJSON, id: string): BuilderNode {
  const block = LAYER_BLOCKS.get(layer.class_name);
  if (!block) throw new ModelGraphError('unsupported_layer', { className: String(layer.class_name) });
  const cfg = isRecord(layer.config) ? layer.config : {};
  const node: BuilderNode = { id, block: block.id, params: readParams(block, cfg), name: String(cfg.name ?? id) };
  if (block.wrapper) {
    const inner = cfg.layer;
    if (!isRecord(inner) || typeof inner.class_name !== 'string') throw new ModelGraphError('wrapper_needs_layer', { layer: node.name! });
    const ib = LAYER_BLOCKS.get(inner.class_name);
    if (!ib) throw new ModelGraphError('unsupported_layer', { className: inner.class_name });
    const icfg = isRecord(inner.config) ? inner.config : {};
    node.wrapped = { block: ib.id, params: readParams(ib, icfg), ...(typeof icfg.name === 'string' ? { name: icfg.name } : {}) };
  }
  return node;
}

/**
 * The graph of a Keras topology JSON: what tfjs `model.toJSON()` and Keras 2 / TF2
 * `to_json()` write (Sequential with or without a leading InputLayer, Functional / Model
 * with inbound_nodes) and Keras 3's config.json (keras3.ts). Also accepts the `{ model_config: ... }` wrapper of converted files.
 * Node ids are the layer names. Throws ModelGraphError (`unsupported_layer`,
 * `unsupported_model`, `shared_layer`, ...) for what the builder cannot represent.
 */
export function fromKerasSpec(spec: unknown): BuilderGraph {
  let s = spec;
  if (isRecord(s) && isRecord(s.model_config)) s = s.model_config;
  // a Keras 3 config.json: read as the Keras 2 topology it describes
  if (isKeras3Config(s)) s = fromKeras3(s);
  if (!isRecord(s) || !isRecord(s.config) || !Array.isArray(s.config.layers)) throw new ModelGraphError('unsupported_model', { className: isRecord(s) ? String(s.class_name) : typeof s });
  const layers = s.config.layers as KerasLayerJSON[];
  const modelName = typeof s.config.name === 'string' ? s.config.name : undefined;
  const nodes: BuilderNode[] = [];
  const edges: BuilderEdge[] = [];
  const used = new Set<string>();
  const uniqueId = (base: string): string => {
    let id = base;
    let k = 0;
    while (used.has(id)) id = `${base}_${++k}`;
    used.add(id);
    return id;
  };
  if (s.class_name === 'Sequential') {
    let prev: string | undefined;
    layers.forEach((layer, i) => {
      const cfg = isRecord(layer.config) ? layer.config : {};
      if (isInputLayer(layer.class_name)) {
        if (i !== 0) throw new ModelGraphError('unsupported_model', { className: 'Sequential' });
        const shape = batchShapeOf(cfg);
        if (!shape) throw new ModelGraphError('unsupported_input_shape', { rank: 0 });
        const ib = inputBlockFor(shape, cfg.dtype, layers[1]?.class_name);
        const name = String(cfg.name ?? 'input_1');
        const id = uniqueId(name);
        nodes.push({ id, block: ib.block, params: ib.params, name });
        prev = id;
        return;
      }
      if (i === 0) {
        const shape = batchShapeOf(cfg);
        if (!shape) throw new ModelGraphError('unsupported_input_shape', { rank: 0 });
        const ib = inputBlockFor(shape, cfg.dtype, layer.class_name);
        const name = `${String(cfg.name ?? 'layer')}_input`;
        const id = uniqueId(name);
        nodes.push({ id, block: ib.block, params: ib.params, name });
        prev = id;
      }
      const node = layerNode(layer, uniqueId(String(cfg.name ?? `layer_${i}`)));
      nodes.push(node);
      edges.push({ id: `e_${prev}_${node.id}`, source: prev!, target: node.id });
      prev = node.id;
    });
    return { nodes, edges, ...(modelName ? { name: modelName } : {}) };
  }
  if (s.class_name !== 'Functional' && s.class_name !== 'Model') throw new ModelGraphError('unsupported_model', { className: String(s.class_name) });
  const idOf = new Map<string, string>();
  for (const layer of layers) {
    const cfg = isRecord(layer.config) ? layer.config : {};
    const name = String(layer.name ?? cfg.name);
    const id = uniqueId(name);
    idOf.set(name, id);
    if (isInputLayer(layer.class_name)) {
      const shape = batchShapeOf(cfg);
      if (!shape) throw new ModelGraphError('unsupported_input_shape', { rank: 0 });
      const consumer = layers.find((l) => JSON.stringify(l.inbound_nodes ?? []).includes(JSON.stringify(name)));
      const ib = inputBlockFor(shape, cfg.dtype, consumer?.class_name);
      nodes.push({ id, block: ib.block, params: ib.params, name });
    } else {
      const node = layerNode(layer, id);
      node.name = name;
      nodes.push(node);
    }
  }
  for (const layer of layers) {
    const name = String(layer.name ?? (isRecord(layer.config) ? layer.config.name : ''));
    const target = idOf.get(name)!;
    const inbound = Array.isArray(layer.inbound_nodes) ? layer.inbound_nodes : [];
    if (inbound.length > 1) throw new ModelGraphError('shared_layer', { layer: name });
    const calls = inbound[0];
    if (calls === undefined) continue;
    if (!Array.isArray(calls)) throw new ModelGraphError('unsupported_model', { className: String(s.class_name) });
    const isMerge = getBlock(nodes.find((n) => n.id === target)!.block)?.kind === 'merge';
    calls.forEach((c: unknown, i: number) => {
      if (!Array.isArray(c) || typeof c[0] !== 'string') throw new ModelGraphError('unsupported_model', { className: String(s.class_name) });
      const source = idOf.get(c[0]);
      if (!source) throw new ModelGraphError('unconnected', { layer: c[0] });
      edges.push({ id: `e_${source}_${target}_${i}`, source, target, ...(isMerge ? { targetIndex: i } : {}) });
    });
  }
  return { nodes, edges, ...(modelName ? { name: modelName } : {}) };
}
