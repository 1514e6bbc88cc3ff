/**
 * Shape inference and parameter counts, without tfjs. Rules follow tfjs-layers 4.22 /
 * Keras 2 (channels_last). Problems are codes with params (translated by the renderer as
 * `builder:errors.<code>.why` / `.fix`); nothing here throws on a bad graph.
 */
import { checkParam, getBlock, resolveParams, type Params } from './catalog';
import { analyseTopology, inputBatchShape, isSequentialChain, layerNames, type BuilderGraph, type BuilderNode } from './graph';
import { fail, formatShape } from './blocks/shape-kit';
import type { RuleOut, Shape } from './blocks';

export type { Shape } from './blocks';
export { convOutputLength, formatShape } from './blocks';

export const ISSUE_CODES = [
  'no_input', 'unknown_block', 'param_invalid', 'unconnected', 'dangling_edge', 'cycle',
  'input_has_incoming', 'multiple_inputs_to_sequential_layer', 'merge_needs_two_inputs',
  'needs_sequence', 'needs_image', 'needs_video', 'needs_vector', 'needs_tokens', 'tokens_need_embedding',
  'unknown_feature_size', 'kernel_larger_than_sequence', 'kernel_larger_than_input', 'no_time_steps_left',
  'causal_padding_unsupported', 'strides_with_dilation', 'rank_unsupported',
  'flatten_variable_length', 'already_flat', 'reshape_variable_length', 'reshape_size_mismatch',
  'merge_shape_mismatch', 'wrapper_invalid_layer', 'time_distributed_needs_time',
  'embedding_float_input', 'dense_after_sequence_for_scalar_target', 'target_shape_mismatch',
] as const;
export type IssueCode = (typeof ISSUE_CODES)[number];

// A model output that cannot meet the training target is an error (training would fail), not a warning.
export const WARNING_CODES: ReadonlySet<IssueCode> = new Set<IssueCode>(['embedding_float_input']);
/** Errors of a form tfjs 4.22 cannot run whose shape is still known: downstream shapes are still inferred. */
const SUPPORT_CODES: ReadonlySet<IssueCode> = new Set<IssueCode>(['causal_padding_unsupported', 'strides_with_dilation', 'rank_unsupported']);

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

// ---------------------------------------------------------------- layer rules (the blocks' own)

/** The rule of one single-input layer applied to input shape `s` (time axis `t`). */
function applyLayer(blockId: string, params: Params, s: Shape, t: number | null): RuleOut {
  const block = getBlock(blockId);
  if (!block?.output) return fail('unknown_block', { block: blockId });
  return block.output(resolveParams(blockId, params), s, t);
}

function nodeRule(node: BuilderNode, ins: Shape[], times: (number | null)[]): RuleOut {
  const block = getBlock(node.block)!;
  const p = resolveParams(node.block, node.params);
  if (block.merge) return block.merge(p, ins, times);
  const s = ins[0]!;
  const t = times[0] ?? null;
  if (!block.wrap) return applyLayer(node.block, node.params, s, t);
  // A wrapper delegates to the wrapped block's rule.
  const inner = node.wrapped;
  if (!inner || !block.wraps?.includes(inner.block)) return fail('wrapper_invalid_layer', { inner: inner?.block ?? '-' });
  return block.wrap(p, s, t, (si, ti) => applyLayer(inner.block, inner.params, si, ti));
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
        info.timeAxis = block.input?.timeAxis ?? null;
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
      if (srcDtypes.includes('int32') && !block.readsTokens) {
        add('tokens_need_embedding', id);
        continue;
      }
      if (block.readsTokens && srcDtypes[0] !== 'int32') add('embedding_float_input', id);
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
        if (r.issues.every((i) => SUPPORT_CODES.has(i.code))) {
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
