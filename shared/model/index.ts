/**
 * The model builder's UI-free core (pure TypeScript; no Node, React, tfjs or Electron).
 * This API is what the canvas builds on; keep it stable.
 *
 * BLOCKS (blocks/): one file per block (blocks/gru.ts, ...) exporting its BlockDef, which owns
 *   everything about it: params, {fa,en} name/help/labels, its shape and parameter-count rule
 *   (output / merge / wrap), its Keras config (params + keras.fixed; keras.read on import;
 *   keras.explicit and keras.refuse for HDF5), seeded initializers, the engine kernels that serve it, HDF5 weight
 *   paths, memory needs, its PyTorch and ONNX forms (torch, onnx). blocks/index.ts is the registry (BLOCKS, in palette order); shared
 *   helpers: blocks/params.ts, shape-kit.ts, conv-family.ts, recurrent-family.ts, ...
 *
 * CATALOG (catalog.ts): lookups over the registry.
 *   BLOCKS: readonly BlockDef[]          id, className (Keras), kind, name {fa,en}, help {fa,en},
 *                                        lesson, wrapper, wraps?, arity {min,max}, dtype?, params: ParamDef[], ...
 *   ParamDef                             name (Keras config key), type int|float|bool|enum|shape|string,
 *                                        default, min?, max?, options?, nullable?, rank?, nullAs?, tuple?, label {fa,en}
 *   LESSONS, ACTIVATIONS, RECURRENT_ACTIVATIONS
 *   getBlock(id): BlockDef | undefined
 *   defaultParams(blockId): Params       a fresh object of defaults
 *   resolveParams(blockId, params): Params   params over defaults
 *   exportValue(params, def)             a param as Keras / Python write it (null strides = pool size)
 *   checkParam(def, value): string | null    null = valid, else 'type'|'range'|'option'|'rank'|'null'
 *
 * GRAPH (graph.ts)
 *   BuilderGraph { nodes: BuilderNode[]; edges: BuilderEdge[]; name? }
 *   BuilderNode  { id; block; params; wrapped?: { block; params; name? }; name? }
 *   BuilderEdge  { id; source; target; targetIndex? }   targetIndex = input order of merges
 *   toKerasSpec(graph): KerasModelJSON   Sequential (InputLayer first) for one chain from one
 *                                        input, else Functional. Throws ModelGraphError
 *                                        (no_input, cycle, unconnected, unknown_block,
 *                                        wrapper_needs_layer); call inferShapes first.
 *   fromKerasSpec(spec: unknown): BuilderGraph   accepts tfjs model.toJSON() and Keras to_json()
 *                                        (Sequential with/without InputLayer, Functional/Model);
 *                                        node ids = layer names. Throws ModelGraphError
 *                                        (unsupported_layer, unsupported_model, shared_layer, ...).
 *   layerNames(graph): Map<nodeId | `${nodeId}/wrapped`, string>   Keras-style, unique, stable
 *                                        (explicit node.name kept; others conv1d, conv1d_1, ...)
 *   withLayerNames(graph): BuilderGraph  pins generated names into the nodes
 *   analyseTopology(graph): Topology     order, incoming, outgoing, cyclic, inputs, outputs
 *   isSequentialChain(graph): boolean
 *   inputBatchShape(block, params), layerConfig(block, params, name, wrapped?)
 *   ModelGraphError { code; params }
 *
 * SHAPES (shapes.ts): never throws.
 *   inferShapes(graph, { targetShape? }): ShapeReport
 *     .nodes[id]: { layerName, className, outputShape: (number|null)[] | null, outputShapeText
 *                   '(None, 240, 14)', timeAxis: number|null, dtype, params {trainable,
 *                   nonTrainable, total}, issues }
 *     .issues: ShapeIssue[] { code: IssueCode, severity 'error'|'warning', nodeId?, params }
 *     .errorCount, .warningCount, .ok, .sequential, .inputs, .outputs, .order, .totals
 *   formatShape(shape): string           Keras/Python tuple form
 *   convOutputLength(len, k, padding, stride, dilation?)
 *   ISSUE_CODES, WARNING_CODES           translations: renderer i18n namespace `builder`,
 *                                        keys errors.<code>.why / errors.<code>.fix ({{param}})
 *
 * KERAS 3 (keras3.ts): config.json both ways (Keras 3.16 serialization), for .keras files
 *   isKeras3Config(spec), fromKeras3(spec) -> Keras 2 topology, toKeras3(topology, opts?) -> config.json,
 *   kerasSnakeCase(className) (layer container names in model.weights.h5), KERAS3_VERSION
 *
 * SUMMARY (summary.ts)
 *   buildSummary(graph, opts?): ModelSummary { modelName, kind, rows: SummaryRow[], totals, report }
 *   renderSummary(summary): string       Keras 2 print_summary layout
 *
 * PRESETS (presets.ts)
 *   PRESETS: readonly Preset[] { id, name {fa,en}, lesson, targetShape, graph }
 *   getPreset(id), chainGraph(name, [inputBlock, params], steps)
 *
 * CODE (codegen.ts)
 *   toPythonCode(graph): string          tensorflow.keras code (Sequential or functional)
 *   layerCall(block, params, name, innerCall?): string
 */
export * from './catalog';
export * from './graph';
export * from './shapes';
export * from './summary';
export * from './presets';
export * from './codegen';
export * from './keras3';
