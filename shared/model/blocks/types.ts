/**
 * What a block is: one `BlockDef` per file in this folder owns everything about its layer
 * (parameters, bilingual text, shape and parameter-count rule, Keras config, seeded
 * initializers, the engine kernels that serve it, HDF5 weight naming, memory needs, its
 * PyTorch and ONNX forms).
 * The registry (index.ts) lists them; nothing outside this folder switches on a block id
 * or a Keras class name.
 */
import type { IssueCode } from '../shapes';

export interface Bilingual {
  fa: string;
  en: string;
}

export type BlockKind = 'input' | 'recurrent' | 'conv' | 'pool' | 'core' | 'merge' | 'wrapper';
export type ParamType = 'int' | 'float' | 'bool' | 'enum' | 'shape' | 'string';
/** A parameter value. `shape` params hold arrays of ints (null allowed where `nullable`). */
export type ParamValue = number | boolean | string | null | (number | null)[];
export type Params = Record<string, ParamValue>;

/** A Keras shape with the batch axis first (always null). */
export type Shape = (number | null)[];

export interface ParamDef {
  /** The Keras config key (input blocks: the pieces of `batch_input_shape`). */
  name: string;
  type: ParamType;
  default: ParamValue;
  min?: number;
  max?: number;
  /** For `enum`. */
  options?: readonly string[];
  /** The value may be null (e.g. variable timesteps, pooling strides = pool size). */
  nullable?: boolean;
  /** For `shape`: the number of entries (absent: any length >= 1). */
  rank?: number;
  /** A null value is written (Keras config, Python) as this other param's value (pooling strides: pool_size). */
  nullAs?: string;
  /** Written in the Keras config as a one-entry list, `[5]` (the tuple arguments of 1-D conv and pooling layers). */
  tuple?: boolean;
  label: Bilingual;
}

/** One issue a rule reports (translated as `builder:errors.<code>`). */
export interface RuleIssue {
  code: IssueCode;
  params?: Record<string, string | number>;
}

/** What a shape rule says about one layer. */
export interface RuleOut {
  shape: Shape | null;
  /** Index of the time axis in `shape`, or null. */
  timeAxis: number | null;
  trainable: number;
  nonTrainable: number;
  issues: RuleIssue[];
}

/** A single-input layer's rule: resolved params, the input shape and its time axis. */
export type LayerRule = (p: Params, s: Shape, t: number | null) => RuleOut;

/** Which of the engine's own kernels (main/engine/kernels) serve this layer on the CPU backends. */
export interface BlockKernels {
  /** The fused recurrent op (kernels/rnn), with the cell equations it runs. */
  rnn?: 'SimpleRNN' | 'GRU' | 'LSTM';
  /** Keras's GRU step replacing tfjs's where the layer stays stock (kernels/rnn/gru-keras.ts). */
  kerasGruStep?: boolean;
  /** The layer also builds Keras's reset_after=True GRU, which tfjs cannot (kernels/rnn/gru-reset-after.ts). */
  gruResetAfter?: boolean;
  /** The fused sequence convolution (kernels/conv1d). */
  conv1d?: boolean;
  /** The fused 1-D max pooling (kernels/conv1d): over windows (pool_size, strides), or global over time. */
  pool1d?: 'window' | 'global';
  /** The fused whole-sequence ConvLSTM2D (kernels/convlstm). */
  convLstm2d?: boolean;
  /** The fused image convolution, with its bias and activation (kernels/conv2d). */
  conv2d?: boolean;
  /** The fused 2-D max pooling (kernels/conv2d). */
  pool2d?: boolean;
  /** The fused Dense product, with its bias and activation (kernels/dense). */
  dense?: boolean;
}

/** The wrapped layer of a wrapper, for HDF5 weight names. */
export interface WrappedWeights {
  /** The wrapped layer's block, when it is one of ours. */
  block?: BlockDef;
  /** The wrapped layer's name. */
  name: string;
}

/** A variable's place in a Keras 3 weights file below its layer: sub-objects (attribute and name) and the index in the last one's `vars`. */
export interface Keras3VarPath {
  path: { attr: string; name: string }[];
  index: number;
}

/**
 * Which weight columns of a layer feed a hard_sigmoid (see BlockDef.keras3HardSigmoid): per block
 * of the weights' last axis, in Keras's gate order, whether it does; or the config key whose
 * hard_sigmoid no rescaling carries over; null when nothing uses hard_sigmoid.
 */
export type Keras3HardSigmoid = { gates: boolean[] } | { refuse: string } | null;

/** A weight as the PyTorch export handles it: a name, a shape and row-major float32 values. */
export interface TorchArray {
  /** In a TorchSource: the Keras variable's own name (`kernel`, `moving_mean`); in a TorchModule: the state-dict key. */
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A Python definition (class or function) a torch module needs; model.py gets each name once. */
export interface TorchCode {
  name: string;
  source: string;
}

/** One layer as a torch module. */
export interface TorchModule {
  /** Python expression that builds it (`KerasGRU(14, 32, ...)`). */
  module: string;
  /** The definitions it uses, dependencies first. */
  code: readonly TorchCode[];
  /** Its state-dict entries (keys relative to the module), in torch's layout. */
  weights: TorchArray[];
}

/** A torch module, or why this layer (this config) cannot be written as one. */
export type TorchResult = TorchModule | { refuse: string };

/** What the PyTorch export knows of one layer of a tfjs model. */
export interface TorchSource {
  /** The Keras config (snake_case, as tfjs writes it). */
  config: Record<string, unknown>;
  /** The layer's variables in Keras's order. */
  weights: TorchArray[];
  /** The shapes of its inputs, batch axis first (null: any size). */
  inputShapes: Shape[];
  /** Wrappers: the wrapped layer's module, from its config (`config.layer.config`) and weights. */
  wrapped?: (config: Record<string, unknown>, weights: TorchArray[], inputShapes?: Shape[]) => TorchResult;
}

/** An ONNX attribute, typed as the protobuf stores it (a JS number does not say int or float). */
export type OnnxAttr = { i: number } | { f: number } | { s: string } | { ints: number[] } | { floats: number[] } | { strings: string[] };

/** One ONNX node (default domain). */
export interface OnnxNode {
  name: string;
  opType: string;
  /** Value names; '' leaves an optional input out. */
  inputs: string[];
  outputs: string[];
  attrs: Record<string, OnnxAttr>;
}

/** A constant of the ONNX graph (an initializer): float32 weights or int64 shapes and axes. */
export type OnnxTensor = { name: string; dims: number[] } & ({ type: 'float32'; data: Float32Array } | { type: 'int64'; data: number[] });

/** Where a block's ONNX form adds its nodes: value names are made unique under the layer's name. */
export interface OnnxGraph {
  /** A node with one output; returns the output's value name (`<layer>/<stem>`). */
  op(opType: string, inputs: string[], attrs?: Record<string, OnnxAttr>, stem?: string): string;
  /** A node with `count` outputs. */
  ops(opType: string, inputs: string[], count: number, attrs?: Record<string, OnnxAttr>, stem?: string): string[];
  /** A float32 initializer of this shape (row-major). */
  floats(stem: string, dims: number[], data: Float32Array): string;
  /** A 1-D int64 initializer (shapes, axes, slice bounds). */
  int64s(stem: string, values: number[]): string;
  /** The same graph with names under `<layer>/<part>` (the layer a wrapper holds). */
  within(part: string): OnnxGraph;
}

/** What the ONNX export knows of one layer: as TorchSource, plus where its inputs are in the graph. */
export interface OnnxSource {
  config: Record<string, unknown>;
  /** The layer's variables in Keras's order (same layout as the PyTorch export reads). */
  weights: TorchArray[];
  inputShapes: Shape[];
  /** The layer's output shape, batch axis first. */
  outputShape: Shape;
  /** The value names of its inputs, Keras layout (channels last), batch axis first. */
  inputs: string[];
  g: OnnxGraph;
  /**
   * Wrappers: the wrapped layer's ONNX form on `inputs` (of `inputShapes` and `outputShape`,
   * default the wrapper's), its names under `<layer>/<part>`.
   */
  wrapped?: (part: string, config: Record<string, unknown>, weights: TorchArray[], inputs: string[], inputShapes?: Shape[], outputShape?: Shape) => OnnxResult;
}

/** The value name of the layer's output, or why this layer (this config) has no ONNX form. */
export type OnnxResult = { output: string } | { refuse: string };

export interface BlockDef {
  /** Catalog id; also the Keras default layer-name stem (`conv1d`, `conv1d_1`, ...). */
  id: string;
  /** Keras `class_name` (input blocks: `InputLayer`). */
  className: string;
  kind: BlockKind;
  name: Bilingual;
  /** One line: what the block does to the shape. */
  help: Bilingual;
  /** Lesson id (see LESSONS). */
  lesson: string;
  wrapper: boolean;
  /** For wrappers: which block ids may be wrapped (in the inspector's order). */
  wraps?: readonly string[];
  /** For wrappers: the block wrapped when the wrapper is added from the palette. */
  wrapsDefault?: string;
  /** How many incoming edges: inputs 0, merges 2+, others exactly 1. */
  arity: { min: number; max: number };
  /** Input blocks: tensor dtype. */
  dtype?: 'float32' | 'int32';
  params: readonly ParamDef[];

  // ------------------------------------------------ shapes (shapes.ts loops over these)
  /** Input blocks: the params giving `batch_input_shape` after the batch axis, in order, and the time axis. */
  /** Input blocks: the axes after the batch axis (param names), the time axis, and whether the
   *  project's table of time series feeds it (its windows are (timesteps, features)). */
  input?: { dims: readonly string[]; timeAxis: number | null; series?: boolean };
  /** Single-input layers: output shape, time axis, parameter counts and issues. */
  output?: LayerRule;
  /** Merges: the rule over all inputs (in input order). */
  merge?: (p: Params, ins: Shape[], times: (number | null)[]) => RuleOut;
  /** Wrappers: the rule, given the wrapped layer's own rule. */
  wrap?: (p: Params, s: Shape, t: number | null, inner: (s: Shape, t: number | null) => RuleOut) => RuleOut;
  /** Reads integer token ids (the only layer allowed after an int32 input). */
  readsTokens?: boolean;

  // ------------------------------------------------ Keras (graph.ts, main/engine/model)
  keras?: {
    /** Config entries written after the params (what Keras 2 / tfjs write for the layer). */
    fixed?: Readonly<Record<string, unknown>>;
    /** Fixes read params where tfjs or Keras 3 write a config differently from Keras 2 (after the generic reading). */
    read?: (params: Params) => Params;
    /** Written into an exported Keras 2 model_config where the tfjs config lacks them (TF2 defaults differ). */
    explicit?: Readonly<Record<string, unknown>>;
    /**
     * A config stock tfjs-layers cannot load although SeqLab's engine builds it (its own layer):
     * a model.json export of it loads in SeqLab only (the export dialog says so).
     */
    engineOnly?: (config: Record<string, unknown>) => boolean;
    /** A config tfjs-layers 4.22 cannot build: the import issue code and a detail, else null. */
    refuse?: (config: Record<string, unknown>) => { issue: string; detail: string } | null;
    /** Keras 3 config.json: fixes a Keras 2 config (nested objects already in Keras 3 form) where Keras 3 writes the layer differently. */
    toKeras3?: (config: Record<string, unknown>) => Record<string, unknown>;
    /** Keras 3 config.json: the Keras 2 / tfjs config of a Keras 3 one (dtype policies and nested objects already plain). */
    fromKeras3?: (config: Record<string, unknown>) => Record<string, unknown>;
  };
  /** Random initializers this layer uses when its config leaves them to the default: config key -> class. */
  initializers?: Readonly<Record<string, string>>;
  /** The layer takes a dropout `seed` in its config (seeded from the run's seed). */
  seedsDropout?: boolean;
  /** Engine kernels that serve it (absent: the stock tfjs layer). */
  kernels?: BlockKernels;
  /**
   * Keras 2 HDF5 weight names: the path between the layer name and the weight's own name
   * (`gru_cell/` in `gru/gru_cell/kernel:0`), for the `index`-th of `count` variables.
   */
  h5Path?: (index: number, count: number, inner?: WrappedWeights) => string;
  /**
   * Keras 3 `model.weights.h5`: where the `index`-th of `count` variables lies below the layer's
   * own group, as the objects Keras walks (`cell` of a recurrent layer, named `gru_cell`) and its
   * index in that object's `vars`. Absent: `<layer>/vars/<index>`.
   */
  keras3Vars?: (index: number, count: number, inner?: WrappedWeights) => Keras3VarPath;
  /** The objects Keras 3 walks inside the layer (each gets a named `vars` group, weights or not): chains of attributes. */
  keras3Objects?: (inner?: WrappedWeights) => Keras3VarPath['path'][];
  /**
   * Keras 3 computes hard_sigmoid as clip(x/6 + 0.5, 0, 1), Keras 2 and tfjs as clip(0.2x + 0.5, 0, 1):
   * k3(1.2 x) = k2(x), so the `.keras` export scales every weight column feeding a hard_sigmoid by
   * 1.2 and the import by 1/1.2 (shared/model/keras3.ts). For the layer's Keras 2 config (a
   * wrapper's: with its `layer`, whose block is `inner`): those columns, or a refusal. Every
   * variable of a layer with this hook is a kernel, recurrent kernel or bias whose last axis holds
   * the pre-activations. Absent: a config naming hard_sigmoid is refused for `.keras`.
   */
  keras3HardSigmoid?: (config: Record<string, unknown>, inner?: BlockDef) => Keras3HardSigmoid;
  /**
   * PyTorch export (main/engine/export/pytorch.ts): the layer as a torch module that takes and
   * returns Keras's channels-last layout. Absent: the export refuses models with this layer.
   * Merges get their inputs as separate arguments.
   */
  torch?: (layer: TorchSource) => TorchResult;
  /**
   * ONNX export (main/engine/export/onnx.ts): the layer's nodes, taking and giving Keras's
   * channels-last layout (transposing internally where ONNX wants channels first), or a refusal.
   * Absent: the export refuses models with this layer.
   */
  onnx?: (layer: OnnxSource) => OnnxResult;
  /** Training memory beyond the layer's output: per-timestep state kept for backpropagation through time. */
  memory?: {
    /** Float32 values kept per timestep per state unit (measured with tf.profile). */
    bpttFactor: number;
    /** State size per sample from the output shape (nulls taken as `T`); default: the last axis. */
    stateSize?: (out: Shape, T: number) => number;
  };
}
