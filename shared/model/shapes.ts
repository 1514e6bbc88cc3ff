/**
 * Shape inference and parameter counts, without tfjs. Rules follow tfjs-layers 4.22 /
 * Keras 2 (channels_last). Problems are codes with params (translated by the renderer as
 * `builder:errors.<code>.why` / `.fix`); nothing here throws on a bad graph.
 */
import { checkParam, getBlock, resolveParams, type Params } from './catalog';
import { analyseTopology, inputBatchShape, isSequentialChain, layerNames, type BuilderGraph, type BuilderNode } from './graph';

/** A Keras shape with the batch axis first (always null). */
export type Shape = (number | null)[];

export const ISSUE_CODES = [
  'no_input', 'unknown_block', 'param_invalid', 'unconnected', 'dangling_edge', 'cycle',
  'input_has_incoming', 'multiple_inputs_to_sequential_layer', 'merge_needs_two_inputs',
  'needs_sequence', 'needs_image', 'needs_video', 'needs_vector', 'needs_tokens', 'tokens_need_embedding',
  'unknown_feature_size', 'kernel_larger_than_sequence', 'kernel_larger_than_input', 'no_time_steps_left',
  'causal_padding_unsupported', 'strides_with_dilation', 'reset_after_unsupported',
  'flatten_variable_length', 'already_flat', 'reshape_variable_length', 'reshape_size_mismatch',
  'merge_shape_mismatch', 'wrapper_invalid_layer', 'time_distributed_needs_time',
  'embedding_float_input', 'dense_after_sequence_for_scalar_target', 'target_shape_mismatch',
] as const;
export type IssueCode = (typeof ISSUE_CODES)[number];

// A model output that cannot meet the training target is an error (training would fail), not a warning.
export const WARNING_CODES: ReadonlySet<IssueCode> = new Set<IssueCode>(['embedding_float_input']);

export interface ShapeIssue {
  code: IssueCode;
  severity: 'error' | 'warning';
  /** The node it concerns (absent for whole-graph issues). */
  nodeId?: string;
  /** Interpolation values; `layer` is the Keras layer name. */
  params: Record<string, string | number>;
}

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
  total: number;
}

export interface NodeShapeInfo {
  nodeId: string;
  layerName: string;
  className: string;
  /** Null when it cannot be known (an error here or upstream). */
  outputShape: Shape | null;
  /** As Keras prints it: `(None, 240, 14)`; `?` when unknown. */
  outputShapeText: string;
  /** Index of the time axis in outputShape (1), or null when the tensor has no time axis. */
  timeAxis: number | null;
  dtype: 'float32' | 'int32';
  params: ParamCount;
  issues: ShapeIssue[];
}

export interface ShapeReport {
  nodes: Record<string, NodeShapeInfo>;
  /** Node ids in topological order (cyclic nodes last). */
  order: string[];
  /** Every issue, node ones included. */
  issues: ShapeIssue[];
  errorCount: number;
  warningCount: number;
  /** No errors: toKerasSpec + tfjs will build it. */
  ok: boolean;
  /** The model would be written as Sequential. */
  sequential: boolean;
  inputs: string[];
  outputs: string[];
  totals: ParamCount;
}

export interface InferOptions {
  /**
   * Per-sample target shape without the batch axis (e.g. [1] or [] for one value per sample).
   * When given, model outputs are checked against it.
   */
  targetShape?: (number | null)[];
}

/** Keras's printed form: `(None, 240, 14)`; a one-axis shape prints `(None,)`. */
export function formatShape(shape: Shape | null | undefined): string {
  if (!shape) return '?';
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

// ---------------------------------------------------------------- layer rules

interface RuleOut {
  shape: Shape | null;
  timeAxis: number | null;
  trainable: number;
  nonTrainable: number;
  issues: { code: IssueCode; params?: Record<string, string | number> }[];
}

const num = (p: Params, k: string): number => (typeof p[k] === 'number' ? (p[k] as number) : 0);
const arr = (p: Params, k: string, rank: number): number[] => {
  const v = p[k];
  if (Array.isArray(v)) return v.map((x) => x ?? 1);
  if (typeof v === 'number') return Array.from({ length: rank }, () => v);
  return Array.from({ length: rank }, () => 1);
};

/** tfjs convOutputLength ('causal' keeps the length, as Keras does). */
export function convOutputLength(len: number | null, k: number, padding: string, stride: number, dilation = 1): number | null {
  if (len === null) return null;
  const dk = k + (k - 1) * (dilation - 1);
  const out = padding === 'same' || padding === 'causal' ? len : len - dk + 1;
  return Math.floor((out + stride - 1) / stride);
}

function fail(code: IssueCode, params: Record<string, string | number> = {}): RuleOut {
  return { shape: null, timeAxis: null, trainable: 0, nonTrainable: 0, issues: [{ code, params }] };
}

const RANK_NEED: Record<number, IssueCode> = { 2: 'needs_vector', 3: 'needs_sequence', 4: 'needs_image', 5: 'needs_video' };

function needRank(s: Shape, rank: number): RuleOut | null {
  return s.length === rank ? null : fail(RANK_NEED[rank]!, { shape: formatShape(s), rank: s.length });
}

function spatial(blockId: string, s: Shape, first: number, p: Params, isPool: boolean, rank: number): { dims: (number | null)[]; issues: RuleOut['issues'] } {
  const k = arr(p, isPool ? 'pool_size' : 'kernel_size', rank);
  const st = isPool && (p.strides === null || p.strides === undefined) ? k : arr(p, 'strides', rank);
  const pad = String(p.padding ?? 'valid');
  const issues: RuleOut['issues'] = [];
  const dims = k.map((kk, i) => {
    const len = s[first + i] ?? null;
    const out = convOutputLength(len, kk, pad, st[i] ?? 1);
    if (len !== null && out !== null && out <= 0) issues.push({ code: 'kernel_larger_than_input', params: { axis: first + i, size: len, kernel: kk } });
    return out;
  });
  void blockId;
  return { dims, issues };
}

/** The rule of one single-input layer applied to input shape `s` (time axis `t`). */
function applyLayer(blockId: string, params: Params, s: Shape, t: number | null): RuleOut {
  const p = resolveParams(blockId, params);
  const ok = (shape: Shape, timeAxis: number | null, trainable = 0, nonTrainable = 0, issues: RuleOut['issues'] = []): RuleOut => ({ shape, timeAxis, trainable, nonTrainable, issues });
  const last = s[s.length - 1] ?? null;
  switch (blockId) {
    case 'simple_rnn':
    case 'lstm':
    case 'gru': {
      const bad = needRank(s, 3);
      if (bad) return bad;
      if (last === null) return fail('unknown_feature_size', { shape: formatShape(s) });
      const u = num(p, 'units');
      const issues: RuleOut['issues'] = [];
      let count: number;
      if (blockId === 'simple_rnn') count = last * u + u * u + u;
      else if (blockId === 'lstm') count = 4 * (last * u + u * u + u);
      else {
        const ra = p.reset_after === true;
        count = 3 * (last * u + u * u + (ra ? 2 : 1) * u);
        if (ra) issues.push({ code: 'reset_after_unsupported' });
      }
      return p.return_sequences ? ok([null, s[1] ?? null, u], 1, count, 0, issues) : ok([null, u], null, count, 0, issues);
    }
    case 'conv_lstm2d': {
      const bad = needRank(s, 5);
      if (bad) return bad;
      if (last === null) return fail('unknown_feature_size', { shape: formatShape(s) });
      const f = num(p, 'filters');
      const k = arr(p, 'kernel_size', 2);
      const { dims, issues } = spatial(blockId, s, 2, p, false, 2);
      const kk = k[0]! * k[1]!;
      const count = 4 * (kk * last * f + kk * f * f + f);
      return p.return_sequences ? ok([null, s[1] ?? null, ...dims, f], 1, count, 0, issues) : ok([null, ...dims, f], null, count, 0, issues);
    }
    case 'conv1d': {
      const bad = needRank(s, 3);
      if (bad) return bad;
      if (last === null) return fail('unknown_feature_size', { shape: formatShape(s) });
      const f = num(p, 'filters');
      const k = num(p, 'kernel_size');
      const st = num(p, 'strides');
      const dil = num(p, 'dilation_rate');
      const pad = String(p.padding);
      const issues: RuleOut['issues'] = [];
      if (pad === 'causal') issues.push({ code: 'causal_padding_unsupported' });
      if (st > 1 && dil > 1) issues.push({ code: 'strides_with_dilation', params: { strides: st, dilation: dil } });
      const T = s[1] ?? null;
      const dk = k + (k - 1) * (dil - 1);
      if (T !== null && pad === 'valid' && dk > T) issues.push({ code: 'kernel_larger_than_sequence', params: { kernel: dk, length: T } });
      return ok([null, convOutputLength(T, k, pad, st, dil), f], t, k * last * f + f, 0, issues);
    }
    case 'max_pooling1d':
    case 'average_pooling1d': {
      const bad = needRank(s, 3);
      if (bad) return bad;
      const k = num(p, 'pool_size');
      const st = p.strides === null ? k : num(p, 'strides');
      const T = s[1] ?? null;
      const out = convOutputLength(T, k, String(p.padding), st);
      const issues: RuleOut['issues'] = [];
      if (T !== null && out !== null && out <= 0) issues.push({ code: 'no_time_steps_left', params: { length: T, pool: k } });
      return ok([null, out, last], t, 0, 0, issues);
    }
    case 'global_max_pooling1d':
    case 'global_average_pooling1d': {
      const bad = needRank(s, 3);
      return bad ?? ok([null, last], null);
    }
    case 'conv2d':
    case 'conv3d': {
      const rank = blockId === 'conv2d' ? 2 : 3;
      const bad = needRank(s, rank + 2);
      if (bad) return bad;
      if (last === null) return fail('unknown_feature_size', { shape: formatShape(s) });
      const f = num(p, 'filters');
      const k = arr(p, 'kernel_size', rank);
      const { dims, issues } = spatial(blockId, s, 1, p, false, rank);
      const count = k.reduce((a, b) => a * b, 1) * last * f + f;
      return ok([null, ...dims, f], rank === 3 ? t : null, count, 0, issues);
    }
    case 'max_pooling2d':
    case 'max_pooling3d': {
      const rank = blockId === 'max_pooling2d' ? 2 : 3;
      const bad = needRank(s, rank + 2);
      if (bad) return bad;
      const { dims, issues } = spatial(blockId, s, 1, p, true, rank);
      return ok([null, ...dims, last], rank === 3 ? t : null, 0, 0, issues);
    }
    case 'dense': {
      if (last === null) return fail('unknown_feature_size', { shape: formatShape(s) });
      const u = num(p, 'units');
      return ok([...s.slice(0, -1), u], t, last * u + u);
    }
    case 'dropout':
      return ok([...s], t);
    case 'flatten': {
      if (s.length < 3) return fail('already_flat', { shape: formatShape(s) });
      if (s.slice(1).some((d) => d === null)) return fail('flatten_variable_length', { shape: formatShape(s) });
      return ok([null, (s.slice(1) as number[]).reduce((a, b) => a * b, 1)], null);
    }
    case 'reshape': {
      const target = Array.isArray(p.target_shape) ? (p.target_shape as (number | null)[]) : [];
      if (s.slice(1).some((d) => d === null)) return fail('reshape_variable_length', { shape: formatShape(s) });
      const total = (s.slice(1) as number[]).reduce((a, b) => a * b, 1);
      const unknown = target.filter((d) => d === -1).length;
      if (unknown > 1 || target.some((d) => d === null || (d !== -1 && d <= 0))) return fail('param_invalid', { param: 'target_shape', value: JSON.stringify(target) });
      const known = (target as number[]).filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      if ((unknown === 0 && known !== total) || (unknown === 1 && total % known !== 0)) {
        return fail('reshape_size_mismatch', { from: total, to: known, shape: formatShape(s), target: formatShape([null, ...target]) });
      }
      return ok([null, ...(target as number[]).map((d) => (d === -1 ? total / known : d))], null);
    }
    case 'repeat_vector': {
      const bad = needRank(s, 2);
      return bad ?? ok([null, num(p, 'n'), last], 1);
    }
    case 'embedding': {
      if (s.length !== 2) return fail('needs_tokens', { shape: formatShape(s), rank: s.length });
      const v = num(p, 'input_dim');
      const d = num(p, 'output_dim');
      return ok([null, s[1] ?? null, d], 1, v * d);
    }
    case 'batch_normalization': {
      if (last === null) return fail('unknown_feature_size', { shape: formatShape(s) });
      return ok([...s], t, 2 * last, 2 * last);
    }
    default:
      return fail('unknown_block', { block: blockId });
  }
}

function mergeRule(blockId: string, params: Params, ins: Shape[], times: (number | null)[]): RuleOut {
  const text = ins.map(formatShape).join(' + ');
  const rank = ins[0]!.length;
  if (ins.some((s) => s.length !== rank)) return fail('merge_shape_mismatch', { shapes: text });
  const sameTime = times.every((x) => x === times[0]) ? times[0]! : null;
  if (blockId === 'add') {
    const eq = ins.every((s) => s.every((d, i) => d === ins[0]![i]));
    if (!eq) return fail('merge_shape_mismatch', { shapes: text });
    return { shape: [...ins[0]!], timeAxis: sameTime, trainable: 0, nonTrainable: 0, issues: [] };
  }
  const rawAxis = num(resolveParams(blockId, params), 'axis');
  const axis = rawAxis < 0 ? rank + rawAxis : rawAxis;
  if (axis <= 0 || axis >= rank) return fail('param_invalid', { param: 'axis', value: rawAxis });
  for (let i = 1; i < rank; i++) {
    if (i === axis) continue;
    if (ins.some((s) => s[i] !== ins[0]![i])) return fail('merge_shape_mismatch', { shapes: text });
  }
  const out = [...ins[0]!];
  out[axis] = ins.some((s) => s[axis] === null) ? null : ins.reduce((a, s) => a + (s[axis] as number), 0);
  return { shape: out, timeAxis: sameTime === axis ? null : sameTime, trainable: 0, nonTrainable: 0, issues: [] };
}

function nodeRule(node: BuilderNode, ins: Shape[], times: (number | null)[]): RuleOut {
  const block = getBlock(node.block)!;
  if (block.kind === 'merge') return mergeRule(node.block, node.params, ins, times);
  const s = ins[0]!;
  const t = times[0] ?? null;
  if (!block.wrapper) return applyLayer(node.block, node.params, s, t);
  const inner = node.wrapped;
  if (!inner || !block.wraps?.includes(inner.block)) return fail('wrapper_invalid_layer', { inner: inner?.block ?? '-' });
  if (node.block === 'bidirectional') {
    const r = applyLayer(inner.block, inner.params, s, t);
    if (!r.shape) return r;
    const mode = resolveParams(node.block, node.params).merge_mode;
    const shape = [...r.shape];
    if (mode === 'concat') shape[shape.length - 1] = (shape[shape.length - 1] as number) * 2;
    return { ...r, shape, trainable: 2 * r.trainable, nonTrainable: 2 * r.nonTrainable };
  }
  // TimeDistributed
  if (s.length < 3) return fail('time_distributed_needs_time', { shape: formatShape(s) });
  const r = applyLayer(inner.block, inner.params, [null, ...s.slice(2)], null);
  if (!r.shape) return r;
  return { ...r, shape: [null, s[1] ?? null, ...r.shape.slice(1)], timeAxis: 1 };
}

// ---------------------------------------------------------------- the graph

/** Shapes, time axes, parameter counts and issues of every node. Never throws. */
export function inferShapes(graph: BuilderGraph, options: InferOptions = {}): ShapeReport {
  const topo = analyseTopology(graph);
  const names = layerNames(graph);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const nodes: Record<string, NodeShapeInfo> = {};
  const issues: ShapeIssue[] = [];
  const add = (code: IssueCode, nodeId: string | undefined, params: Record<string, string | number> = {}): void => {
    const layer = nodeId ? names.get(nodeId) : undefined;
    const issue: ShapeIssue = { code, severity: WARNING_CODES.has(code) ? 'warning' : 'error', params: layer !== undefined ? { layer, ...params } : params };
    if (nodeId) issue.nodeId = nodeId;
    issues.push(issue);
    if (nodeId && nodes[nodeId]) nodes[nodeId].issues.push(issue);
  };
  for (const n of graph.nodes) {
    const block = getBlock(n.block);
    nodes[n.id] = {
      nodeId: n.id, layerName: names.get(n.id)!, className: block?.className ?? n.block, outputShape: null, outputShapeText: '?',
      timeAxis: null, dtype: 'float32', params: { trainable: 0, nonTrainable: 0, total: 0 }, issues: [],
    };
  }
  if (topo.inputs.length === 0) add('no_input', undefined);
  for (const e of topo.danglingEdges) add('dangling_edge', undefined, { edge: e.id });
  const order = [...topo.order, ...graph.nodes.filter((n) => topo.cyclic.has(n.id)).map((n) => n.id)];
  for (const id of order) {
    const n = byId.get(id)!;
    const info = nodes[id]!;
    const block = getBlock(n.block);
    if (!block) {
      add('unknown_block', id, { block: n.block });
      continue;
    }
    if (topo.cyclic.has(id)) {
      add('cycle', id);
      continue;
    }
    let paramsOk = true;
    const checkAll = (blockId: string, params: Params): void => {
      const b = getBlock(blockId);
      if (!b) return;
      const full = resolveParams(blockId, params);
      for (const def of b.params) {
        const why = checkParam(def, full[def.name]);
        if (why) {
          paramsOk = false;
          add('param_invalid', id, { param: def.name, value: JSON.stringify(full[def.name] ?? null), reason: why });
        }
      }
    };
    checkAll(n.block, n.params);
    if (n.wrapped) checkAll(n.wrapped.block, n.wrapped.params);
    const srcs = topo.incoming.get(id)!;
    if (block.kind === 'input') {
      if (srcs.length > 0) add('input_has_incoming', id);
      if (topo.outgoing.get(id)!.length === 0) add('unconnected', id);
      info.dtype = block.dtype ?? 'float32';
      if (paramsOk) {
        info.outputShape = inputBatchShape(n.block, n.params);
        info.timeAxis = n.block === 'input_sequence' || n.block === 'input_video' || n.block === 'input_tokens' ? 1 : null;
      }
    } else {
      if (srcs.length === 0) {
        add('unconnected', id);
        continue;
      }
      if (block.kind === 'merge' && srcs.length < block.arity.min) {
        add('merge_needs_two_inputs', id, { count: srcs.length });
        continue;
      }
      if (block.kind !== 'merge' && srcs.length > 1) {
        add('multiple_inputs_to_sequential_layer', id, { count: srcs.length });
        continue;
      }
      const ins = srcs.map((s) => nodes[s]!.outputShape);
      if (!paramsOk || ins.some((s) => s === null)) continue;
      const srcDtypes = srcs.map((s) => nodes[s]!.dtype);
      if (srcDtypes.includes('int32') && n.block !== 'embedding') {
        add('tokens_need_embedding', id);
        continue;
      }
      if (n.block === 'embedding' && srcDtypes[0] !== 'int32') add('embedding_float_input', id);
      let r: RuleOut;
      try {
        r = nodeRule(n, ins as Shape[], srcs.map((s) => nodes[s]!.timeAxis));
      } catch {
        r = fail('param_invalid', { param: '-', value: '-' });
      }
      for (const i of r.issues) add(i.code, id, i.params ?? {});
      if (r.issues.some((i) => !WARNING_CODES.has(i.code))) {
        info.params = { trainable: r.trainable, nonTrainable: r.nonTrainable, total: r.trainable + r.nonTrainable };
        if (r.shape && !r.shape.some((d) => d !== null && d <= 0)) info.outputShape = r.shape;
        // An error: downstream shapes stay unknown unless this one is a pure support issue.
        if (!r.issues.some((i) => i.code !== 'reset_after_unsupported' && i.code !== 'causal_padding_unsupported' && i.code !== 'strides_with_dilation')) {
          info.timeAxis = r.timeAxis;
        } else info.outputShape = null;
      } else {
        info.outputShape = r.shape;
        info.timeAxis = r.timeAxis;
        info.params = { trainable: r.trainable, nonTrainable: r.nonTrainable, total: r.trainable + r.nonTrainable };
      }
    }
    info.outputShapeText = formatShape(info.outputShape);
  }
  if (options.targetShape) {
    const want = options.targetShape;
    const scalar = want.length === 0 || (want.length === 1 && want[0] === 1);
    for (const id of topo.outputs) {
      const info = nodes[id]!;
      if (!info.outputShape) continue;
      const got = info.outputShape.slice(1);
      if (scalar && info.timeAxis !== null && got.length >= 2) add('dense_after_sequence_for_scalar_target', id, { shape: info.outputShapeText });
      else {
        const w = want.length === 0 ? [1] : want;
        const match = got.length === w.length && got.every((d, i) => d === null || w[i] === null || d === w[i]);
        if (!match) add('target_shape_mismatch', id, { shape: info.outputShapeText, expected: formatShape([null, ...w]) });
      }
    }
  }
  const totals = { trainable: 0, nonTrainable: 0, total: 0 };
  for (const info of Object.values(nodes)) {
    totals.trainable += info.params.trainable;
    totals.nonTrainable += info.params.nonTrainable;
  }
  totals.total = totals.trainable + totals.nonTrainable;
  const errorCount = issues.filter((i) => i.severity === 'error').length;
  return {
    nodes, order, issues, errorCount, warningCount: issues.length - errorCount, ok: errorCount === 0,
    sequential: isSequentialChain(graph, topo), inputs: topo.inputs, outputs: topo.outputs, totals,
  };
}
