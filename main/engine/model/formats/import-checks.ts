/**
 * What every imported model (tfjs, Keras 2 .h5, Keras 3 .keras or config.json) passes before
 * tfjs builds it, so a hostile config never reaches an allocation:
 *
 *   - each layer is one of the catalog's blocks (E_MODEL_UNSUPPORTED names it and lists the
 *     supported classes), and each block's `keras.refuse` (E_MODEL_INVALID with the issue);
 *   - each parameter lies in its block's range (E_MODEL_TOO_LARGE, what: 'param'): a Dense of
 *     1e9 units is refused here;
 *   - the parameter count from the blocks' own shape rules stays under MAX_IMPORT_PARAMS
 *     (E_MODEL_TOO_LARGE, what: 'params').
 */
import { AppError } from '../../../../shared/errors';
import { BLOCKS, checkParam, fromKerasSpec, getBlock, inferShapes, ModelGraphError, resolveParams, type BuilderGraph } from '../../../../shared/model';

/** Refuses what tfjs-layers 4.22 cannot build (each block's `keras.refuse`), with a code the window can translate. */
export function checkImportable(topology: unknown): void {
  eachLayerConfig(topology, (cls, cfg) => {
    const block = LAYER_BLOCKS.get(cls);
    const why = block?.keras?.refuse?.(cfg);
    if (why) throw new AppError('E_MODEL_INVALID', { issue: why.issue, layer: String(cfg.name ?? block!.id), detail: why.detail });
  });
}

const LAYER_BLOCKS = new Map(BLOCKS.filter((b) => b.kind !== 'input').map((b) => [b.className, b]));

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Visits every layer entry of a topology, wrapped layers included. */
export function eachLayerConfig(node: unknown, visit: (className: string, config: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    node.forEach((n) => eachLayerConfig(n, visit));
    return;
  }
  if (!isRecord(node)) return;
  if (typeof node.class_name === 'string' && isRecord(node.config)) visit(node.class_name, node.config);
  for (const v of Object.values(node)) eachLayerConfig(v, visit);
}

/** 50 million parameters (200 MB of float32): far beyond any lesson model, far below the engine's heap. */
export const MAX_IMPORT_PARAMS = 50_000_000;

/** The Keras classes SeqLab reads, for the message about one it does not. */
export const SUPPORTED_CLASSES = [...new Set(BLOCKS.filter((b) => b.kind !== 'input').map((b) => b.className))].join(', ');

function paramIssue(graph: BuilderGraph): AppError | null {
  for (const n of graph.nodes) {
    for (const [blockId, params, layer] of [[n.block, n.params, n.name ?? n.id], ...(n.wrapped ? [[n.wrapped.block, n.wrapped.params, n.wrapped.name ?? n.id]] : [])] as [string, Record<string, unknown>, string][]) {
      const block = getBlock(blockId);
      if (!block) continue;
      const p = resolveParams(blockId, params as never);
      for (const def of block.params) {
        if (checkParam(def, p[def.name]) !== 'range') continue;
        const v = p[def.name];
        return new AppError('E_MODEL_TOO_LARGE', { what: 'param', layer, param: def.name, value: Array.isArray(v) ? JSON.stringify(v) : Number(v), min: def.min ?? 0, max: def.max ?? 0 });
      }
    }
  }
  return null;
}

/** Refuses a topology SeqLab cannot or must not build (see the file comment); returns its graph. */
export function checkImportBounds(topology: unknown): BuilderGraph {
  let graph: BuilderGraph;
  try {
    graph = fromKerasSpec(topology);
  } catch (e) {
    if (e instanceof ModelGraphError && e.code === 'unsupported_layer') {
      throw new AppError('E_MODEL_UNSUPPORTED', { className: String(e.params.className).slice(0, 100), supported: SUPPORTED_CLASSES });
    }
    if (e instanceof ModelGraphError) throw new AppError('E_MODEL_INVALID', { detail: `${e.code} ${JSON.stringify(e.params)}`.slice(0, 300) });
    throw e;
  }
  checkImportable(topology);
  const bad = paramIssue(graph);
  if (bad) throw bad;
  const total = inferShapes(graph).totals.total;
  if (total > MAX_IMPORT_PARAMS) throw new AppError('E_MODEL_TOO_LARGE', { what: 'params', params: total, max: MAX_IMPORT_PARAMS });
  return graph;
}
