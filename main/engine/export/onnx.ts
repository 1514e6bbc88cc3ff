/**
 * ONNX export of a trained tfjs model: one `model.onnx` (IR version 8, opset 17, weights inside
 * as initializers) that Netron shows and onnxruntime, or any ONNX runtime, runs. Inputs and
 * outputs keep Keras's layout, batch first and channels last, named after the Keras layers; the
 * batch axis (and any axis the model leaves open, such as a variable time length) is dynamic.
 *
 * The model is walked layer by layer (any run: builder, experiments, imported files); each
 * layer's block says which ONNX nodes it becomes (`BlockDef.onnx`, shared/model/blocks), so
 * nothing here knows a layer class. A layer whose block has no ONNX form, or a config that form
 * refuses, fails the whole export with E_MODEL_INVALID naming the layer: never a wrong model.
 *
 * The protobuf is written with protobufjs (its reflection-only `light` build) from the part of
 * onnx.proto this writer uses; field numbers and enum values are onnx.proto's.
 */
import protobuf from 'protobufjs/light';
import { AppError } from '../../../shared/errors';
import { BLOCKS, type BlockDef, type OnnxAttr, type OnnxGraph, type OnnxNode, type OnnxResult, type OnnxTensor, type Shape, type TorchArray } from '../../../shared/model';
import type { tf } from '../platform/backend';

export const ONNX_FILES = ['model.onnx'] as const;
export const ONNX_OPSET = 17;
/** The IR version that goes with opset 17 (onnx 1.12). */
const IR_VERSION = 8;

const LAYER_BLOCKS = new Map<string, BlockDef>(BLOCKS.filter((b) => b.kind !== 'input').map((b) => [b.className, b]));

// onnx.proto, only the messages and fields written here (names camelCase, numbers as in onnx.proto).
// onnx.proto is proto2: a field that is set is written even when it holds 0 (linear_before_reset=0,
// start=0), which protobufjs does for a message of edition 2023 (explicit presence).
const f = (id: number, type: string, repeated = false) => ({ id, type, ...(repeated ? { rule: 'repeated' } : {}) });
const msg = (fields: Record<string, ReturnType<typeof f>>) => ({ edition: '2023', fields });
const ONNX_PROTO = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        ModelProto: msg({ irVersion: f(1, 'int64'), producerName: f(2, 'string'), producerVersion: f(3, 'string'), docString: f(6, 'string'), graph: f(7, 'GraphProto'), opsetImport: f(8, 'OperatorSetIdProto', true), metadataProps: f(14, 'StringStringEntryProto', true) }),
        OperatorSetIdProto: msg({ domain: f(1, 'string'), version: f(2, 'int64') }),
        StringStringEntryProto: msg({ key: f(1, 'string'), value: f(2, 'string') }),
        GraphProto: msg({ node: f(1, 'NodeProto', true), name: f(2, 'string'), initializer: f(5, 'TensorProto', true), docString: f(10, 'string'), input: f(11, 'ValueInfoProto', true), output: f(12, 'ValueInfoProto', true) }),
        NodeProto: msg({ input: f(1, 'string', true), output: f(2, 'string', true), name: f(3, 'string'), opType: f(4, 'string'), attribute: f(5, 'AttributeProto', true), domain: f(7, 'string') }),
        AttributeProto: msg({ name: f(1, 'string'), f: f(2, 'float'), i: f(3, 'int64'), s: f(4, 'bytes'), floats: f(7, 'float', true), ints: f(8, 'int64', true), strings: f(9, 'bytes', true), type: f(20, 'int32') }),
        TensorProto: msg({ dims: f(1, 'int64', true), dataType: f(2, 'int32'), name: f(8, 'string'), rawData: f(9, 'bytes') }),
        ValueInfoProto: msg({ name: f(1, 'string'), type: f(2, 'TypeProto') }),
        TypeProto: msg({ tensorType: f(1, 'TypeProtoTensor') }),
        TypeProtoTensor: msg({ elemType: f(1, 'int32'), shape: f(2, 'TensorShapeProto') }),
        TensorShapeProto: msg({ dim: f(1, 'Dimension', true) }),
        Dimension: msg({ dimValue: f(1, 'int64'), dimParam: f(2, 'string') }),
      },
    },
  },
});
const MODEL_PROTO = ONNX_PROTO.lookupType('onnx.ModelProto');

// TensorProto.DataType and AttributeProto.AttributeType
const DATA_TYPE = { float32: 1, int32: 6, int64: 7 } as const;
const ATTR_TYPE = { f: 1, i: 2, s: 3, floats: 6, ints: 7, strings: 8 } as const;

const utf8 = new TextEncoder();

/** The graph under construction: nodes and initializers in order, every value name unique. */
class Builder implements OnnxGraph {
  constructor(
    private readonly parts: { nodes: OnnxNode[]; tensors: OnnxTensor[]; used: Set<string> },
    private readonly prefix: string,
  ) {}

  private fresh(stem: string): string {
    const base = `${this.prefix}/${stem}`;
    let name = base;
    for (let k = 1; this.parts.used.has(name); k++) name = `${base}_${k}`;
    this.parts.used.add(name);
    return name;
  }

  op(opType: string, inputs: string[], attrs: Record<string, OnnxAttr> = {}, stem?: string): string {
    return this.ops(opType, inputs, 1, attrs, stem)[0]!;
  }

  ops(opType: string, inputs: string[], count: number, attrs: Record<string, OnnxAttr> = {}, stem = opType.toLowerCase()): string[] {
    const name = this.fresh(stem);
    const outputs = count === 1 ? [name] : Array.from({ length: count }, (_, i) => `${name}:${i}`);
    this.parts.nodes.push({ name, opType, inputs, outputs, attrs });
    return outputs;
  }

  floats(stem: string, dims: number[], data: Float32Array): string {
    const name = this.fresh(stem);
    this.parts.tensors.push({ name, dims, type: 'float32', data });
    return name;
  }

  int64s(stem: string, values: number[]): string {
    const name = this.fresh(stem);
    this.parts.tensors.push({ name, dims: [values.length], type: 'int64', data: values });
    return name;
  }

  within(part: string): OnnxGraph {
    return new Builder(this.parts, `${this.prefix}/${part}`);
  }
}

function unsupported(layer: string, what: string): AppError {
  return new AppError('E_MODEL_INVALID', { detail: `ONNX export does not support ${what} (layer "${layer}")` });
}

interface LayerSpec {
  className: string;
  config: Record<string, unknown>;
  weights: TorchArray[];
  /** Value names of its inputs. */
  inputs: string[];
  inputShapes: Shape[];
  outputShape: Shape;
}

/** The ONNX nodes of one layer, or the refusal. */
function convert(g: OnnxGraph, layer: LayerSpec): OnnxResult {
  const block = LAYER_BLOCKS.get(layer.className);
  if (!block?.onnx) return { refuse: layer.className };
  const innerClass = String((layer.config.layer as { class_name?: unknown } | undefined)?.class_name);
  return block.onnx({
    ...layer,
    g,
    // TimeDistributed's layer sees one timestep; Bidirectional's the whole input
    wrapped: (part, config, weights, inputs, inputShapes = layer.inputShapes, outputShape = layer.outputShape) =>
      convert(g.within(part), { className: innerClass, config, weights, inputs, inputShapes, outputShape }),
  });
}

function rawData(t: OnnxTensor): Uint8Array {
  if (t.type === 'float32') {
    const bytes = new Uint8Array(t.data.length * 4);
    const view = new DataView(bytes.buffer);
    t.data.forEach((v, i) => view.setFloat32(4 * i, v, true));
    return bytes;
  }
  const bytes = new Uint8Array(t.data.length * 8);
  const view = new DataView(bytes.buffer);
  t.data.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
  return bytes;
}

function attribute(name: string, a: OnnxAttr): Record<string, unknown> {
  if ('i' in a) return { name, type: ATTR_TYPE.i, i: a.i };
  if ('f' in a) return { name, type: ATTR_TYPE.f, f: a.f };
  if ('s' in a) return { name, type: ATTR_TYPE.s, s: utf8.encode(a.s) };
  if ('ints' in a) return { name, type: ATTR_TYPE.ints, ints: a.ints };
  if ('floats' in a) return { name, type: ATTR_TYPE.floats, floats: a.floats };
  return { name, type: ATTR_TYPE.strings, strings: a.strings.map((s) => utf8.encode(s)) };
}

/** A graph input or output: Keras's shape with the batch axis named `batch`, other open axes named after the value. */
function valueInfo(name: string, shape: readonly (number | null)[], dtype: string): Record<string, unknown> {
  const dim = shape.map((d, i) => (d !== null ? { dimValue: d } : { dimParam: i === 0 ? 'batch' : `${name}_axis${i}` }));
  return { name, type: { tensorType: { elemType: dtype === 'int32' ? DATA_TYPE.int32 : DATA_TYPE.float32, shape: { dim } } } };
}

const shortName = (v: tf.LayerVariable): string => v.originalName.split('/').pop()!;

/** One layer of the model in the export's terms: its Keras class, config and weights, and where its inputs come from. */
export interface OnnxLayerSpec {
  name: string;
  className: string;
  config: Record<string, unknown>;
  /** Variables in Keras's order, short names (`kernel`, `bias`). */
  weights: TorchArray[];
  /** The layers (or model inputs) feeding it, in input order. */
  from: string[];
  inputShapes: Shape[];
  outputShape: Shape;
}

/** A model as the ONNX writer sees it: inputs, layers in an order where each follows its inputs, outputs. */
export interface OnnxModelSpec {
  name: string;
  inputs: { name: string; shape: (number | null)[]; dtype: string }[];
  layers: OnnxLayerSpec[];
  outputs: { name: string; shape: (number | null)[] }[];
}

/** The model's layers as the writer takes them; throws E_MODEL_INVALID for shared layers. */
function modelSpec(model: tf.LayersModel): OnnxModelSpec {
  const topology = model.toJSON(null, false) as unknown as { config: { layers: { name?: string; class_name: string; config: Record<string, unknown> }[] } };
  const configs = new Map(topology.config.layers.map((l) => [String(l.name ?? l.config.name), l.config]));
  // model.inputs, not inputLayers: a Sequential leaves that empty until it has run
  const inputs = new Set(model.inputs.map((t) => t.sourceLayer.name));
  const layers = model.layers.filter((l) => !inputs.has(l.name)).map((layer): OnnxLayerSpec => {
    const node = layer.inboundNodes;
    // a layer called on several inputs (shared weights) or fed by a multi-output layer: the builder makes neither
    if (node.length !== 1 || node[0]!.tensorIndices.some((i) => i !== 0) || node[0]!.nodeIndices.some((i) => i !== 0)) throw unsupported(layer.name, 'shared layers');
    const shapes = node[0]!.inputShapes;
    const outShapes = node[0]!.outputShapes;
    return {
      name: layer.name,
      className: layer.getClassName(),
      config: configs.get(layer.name) ?? {},
      weights: layer.weights.map((v) => ({ name: shortName(v), shape: v.shape.map(Number), data: v.read().dataSync() as Float32Array })),
      from: node[0]!.inboundLayers.map((l) => l.name),
      inputShapes: (Array.isArray(shapes[0]) ? shapes : [shapes]) as Shape[],
      // one output: tfjs gives its shape, or a list holding it
      outputShape: (Array.isArray(outShapes[0]) ? outShapes[0] : outShapes) as Shape,
    };
  });
  return {
    name: model.name,
    inputs: model.inputs.map((t) => ({ name: t.sourceLayer.name, shape: t.shape, dtype: t.dtype })),
    layers,
    outputs: model.outputs.map((t) => ({ name: t.sourceLayer.name, shape: t.shape })),
  };
}

/** model.onnx of a model spec; throws E_MODEL_INVALID naming the first layer ONNX cannot take. */
export function onnxModel(spec: OnnxModelSpec, about: { runId: string }): Uint8Array {
  const parts = { nodes: [] as OnnxNode[], tensors: [] as OnnxTensor[], used: new Set<string>() };
  const values = new Map<string, string>();
  for (const { name } of spec.inputs) {
    values.set(name, name);
    parts.used.add(name);
  }
  for (const layer of spec.layers) {
    const { className, config, weights, inputShapes, outputShape } = layer;
    const r = convert(new Builder(parts, layer.name), { className, config, weights, inputShapes, outputShape, inputs: layer.from.map((n) => values.get(n)!) });
    if ('refuse' in r) throw unsupported(layer.name, r.refuse);
    values.set(layer.name, r.output);
  }
  // each output under its layer's name (an Identity where the value has another name)
  const outputs = spec.outputs.map(({ name, shape }) => {
    const value = values.get(name)!;
    if (value !== name) parts.nodes.push({ name: `${name}/output`, opType: 'Identity', inputs: [value], outputs: [name], attrs: {} });
    return valueInfo(name, shape, 'float32');
  });

  const graph = {
    name: spec.name,
    docString: `SeqLab run ${about.runId}: Keras semantics (tfjs-layers 4.22), Keras's layout (batch first, channels last).`,
    node: parts.nodes.map((n) => ({ name: n.name, opType: n.opType, domain: '', input: n.inputs, output: n.outputs, attribute: Object.entries(n.attrs).map(([k, a]) => attribute(k, a)) })),
    initializer: parts.tensors.map((t) => ({ name: t.name, dims: t.dims, dataType: DATA_TYPE[t.type], rawData: rawData(t) })),
    input: spec.inputs.map((t) => valueInfo(t.name, t.shape, t.dtype)),
    output: outputs,
  };
  const message = {
    irVersion: IR_VERSION,
    producerName: 'SeqLab',
    producerVersion: '0.1.0',
    docString: `The trained model ${JSON.stringify(spec.name)} of SeqLab run ${about.runId}.`,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    metadataProps: [{ key: 'seqlab_run', value: about.runId }],
    graph,
  };
  return MODEL_PROTO.encode(MODEL_PROTO.fromObject(message)).finish();
}

/** model.onnx of the model; throws E_MODEL_INVALID for a layer ONNX cannot take. */
export function onnxExport(model: tf.LayersModel, about: { runId: string }): Uint8Array {
  return onnxModel(modelSpec(model), about);
}
