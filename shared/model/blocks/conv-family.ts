/** Shared parts of the convolution and pooling blocks. */
import { L, kernelLabel, poolLabel, poolStridesLabel, shapeParam, stridesLabel } from './params';
import { arr, convOutputLength, needFeatures, needRank, num, ok, spatial } from './shape-kit';
import { ACTIVATION_CODE, cfgSizes, kerasWeight, permute, plain, pyLit, refuse, torchActivation, weightOr } from './torch-kit';
import { cannot, constant, int, ints, onnxActivation, onnxWeight, out, tfPads, toChannelsFirst, toChannelsLast, weightOrFill } from './onnx-kit';
import type { LayerRule, OnnxResult, OnnxSource, ParamDef, RuleIssue, TorchCode, TorchResult, TorchSource } from './types';

/** What Keras 2 / tfjs write for an n-D (n > 1) convolution beyond its params. */
export const convFixed = (rank: number) => ({ use_bias: true, data_format: 'channels_last', dilation_rate: Array.from({ length: rank }, () => 1) });
/** What Keras 2 / tfjs write for an n-D (n > 1) pooling beyond its params. */
export const POOL_ND_FIXED = { data_format: 'channels_last' } as const;

/** A 1-D size written as `[k]` in the Keras config. */
export const size1d = (name: string, def: number | null, label: typeof kernelLabel, nullable = false, nullAs?: string): ParamDef => ({
  name, type: 'int', default: def, min: 1, max: 1024, tuple: true, label, ...(nullable ? { nullable } : {}), ...(nullAs ? { nullAs } : {}),
});

/** pool_size and strides (null = pool size) of a 1-D pooling. */
export const pool1dParams = (): ParamDef[] => [size1d('pool_size', 2, poolLabel), size1d('strides', null, poolStridesLabel, true, 'pool_size')];

/** pool_size and strides (null = pool size) of an n-D pooling. */
export const poolNdParams = (rank: number): ParamDef[] => [
  shapeParam('pool_size', rank, 2, poolLabel),
  { ...shapeParam('strides', rank, null, poolStridesLabel, true), nullAs: 'pool_size' },
];

/** kernel_size and strides of an n-D convolution. */
export const convNdParams = (rank: number, kernel: number): ParamDef[] => [shapeParam('kernel_size', rank, kernel, kernelLabel), shapeParam('strides', rank, 1, stridesLabel)];

export const dilationLabel = L('نرخ گشادی', 'Dilation rate');

/** (None, T, d) -> (None, T', d): 1-D pooling over time. */
export const pool1dRule: LayerRule = (p, s, t) => {
  const bad = needRank(s, 3);
  if (bad) return bad;
  const k = num(p, 'pool_size');
  const st = p.strides === null ? k : num(p, 'strides');
  const T = s[1] ?? null;
  const out = convOutputLength(T, k, String(p.padding), st);
  const issues: RuleIssue[] = [];
  if (T !== null && out !== null && out <= 0) issues.push({ code: 'no_time_steps_left', params: { length: T, pool: k } });
  return ok([null, out, s[2] ?? null], t, 0, 0, issues);
};

/** (None, T, d) -> (None, d): global pooling over time. */
export const globalPool1dRule: LayerRule = (_p, s) => needRank(s, 3) ?? ok([null, s[2] ?? null], null);

/**
 * An n-D convolution over axes 1..n: (None, ...spatial, c) -> (None, ...spatial', filters).
 * `keepsTime`: the first spatial axis is the time axis (Conv3D over frames).
 */
export function convNdRule(rank: number, keepsTime: boolean): LayerRule {
  return (p, s, t) => {
    const bad = needRank(s, rank + 2) ?? needFeatures(s);
    if (bad) return bad;
    const f = num(p, 'filters');
    const k = arr(p, 'kernel_size', rank);
    const { dims, issues } = spatial(s, 1, p, false, rank);
    const count = k.reduce((a, b) => a * b, 1) * (s[s.length - 1] as number) * f + f;
    return ok([null, ...dims, f], keepsTime ? t : null, count, 0, issues);
  };
}

/** An n-D pooling over axes 1..n; channels stay. */
export function poolNdRule(rank: number, keepsTime: boolean): LayerRule {
  return (p, s, t) => {
    const bad = needRank(s, rank + 2);
    if (bad) return bad;
    const { dims, issues } = spatial(s, 1, p, true, rank);
    return ok([null, ...dims, s[s.length - 1] ?? null], keepsTime ? t : null, 0, 0, issues);
  };
}

// ------------------------------------------------ PyTorch forms (channels-last in and out)

const TF_PAD_CODE: TorchCode = {
  name: 'tf_pad',
  source: `def tf_pad(x, size, strides, dilation, padding, value=0.0):
    """Pads the spatial axes of a channels-first tensor as TensorFlow does: 'same' puts the odd
    extra entry at the end, 'causal' pads before only, 'valid' pads nothing."""
    if padding == "valid":
        return x
    pads = []
    for i in reversed(range(len(size))):  # F.pad lists the last axis first
        n, k = x.shape[2 + i], (size[i] - 1) * dilation[i] + 1
        total = k - 1 if padding == "causal" else max((-(-n // strides[i]) - 1) * strides[i] + k - n, 0)
        before = total if padding == "causal" else total // 2
        pads += [before, total - before]
    return F.pad(x, pads, value=value)`,
};

const CONV_CODE: TorchCode = {
  name: 'KerasConv',
  source: `class KerasConv(nn.Module):
    """Keras's Conv1D/2D/3D on channels-last tensors: torch's convolution runs channels-first after
    TensorFlow's padding; the kernel is torch's (filters, channels, *kernel_size)."""

    def __init__(self, rank, in_channels, filters, kernel_size, strides, dilation_rate, padding, act):
        super().__init__()
        conv = (nn.Conv1d, nn.Conv2d, nn.Conv3d)[rank - 1]
        self.conv = conv(in_channels, filters, kernel_size, stride=strides, dilation=dilation_rate)
        self.size, self.strides, self.dilation, self.padding = kernel_size, strides, dilation_rate, padding
        self.act = activation(act)

    def forward(self, x):
        x = tf_pad(x.movedim(-1, 1), self.size, self.strides, self.dilation, self.padding)
        return self.act(self.conv(x).movedim(1, -1))`,
};

const POOL_CODE: TorchCode = {
  name: 'KerasPool',
  source: `class KerasPool(nn.Module):
    """Keras's MaxPooling / AveragePooling 1D-3D on channels-last tensors with TensorFlow's padding:
    max never picks the padding, the average divides by each window's real entries only."""

    def __init__(self, rank, kind, pool_size, strides, padding):
        super().__init__()
        self.kind, self.size, self.strides, self.padding = kind, pool_size, strides, padding
        self.pool = getattr(F, "%s_pool%dd" % (kind, rank))

    def pad(self, x, value):
        return tf_pad(x, self.size, self.strides, [1] * len(self.size), self.padding, value)

    def forward(self, x):
        x = x.movedim(-1, 1)
        if self.kind == "max":
            y = self.pool(self.pad(x, float("-inf")), self.size, self.strides)
        else:
            y = self.pool(self.pad(x, 0.0), self.size, self.strides)
            if self.padding == "same":
                y = y / self.pool(self.pad(torch.ones_like(x[:, :1]), 0.0), self.size, self.strides)
        return y.movedim(1, -1)`,
};

const GLOBAL_POOL_CODE: TorchCode = {
  name: 'KerasGlobalPool',
  source: `class KerasGlobalPool(nn.Module):
    """Keras's global pooling: max or mean over every axis between the batch and the channels."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def forward(self, x):
        axes = tuple(range(1, x.dim() - 1))
        return x.amax(axes) if self.kind == "max" else x.mean(axes)`,
};

const channelsFirst = (layer: { config: Record<string, unknown> }): boolean => layer.config.data_format === 'channels_first';

/** The PyTorch form of an n-D convolution (Keras kernel (*k, in, out) -> torch (out, in, *k)). */
export function convTorch(rank: number): (layer: TorchSource) => TorchResult {
  return (layer) => {
    const cfg = layer.config;
    const act = torchActivation(cfg);
    const kernel = kerasWeight(layer, 'kernel');
    const pad = String(cfg.padding ?? 'valid');
    if (!act || !kernel || channelsFirst(layer) || !['valid', 'same', 'causal'].includes(pad)) {
      return refuse(`Conv${rank}D with activation ${String(cfg.activation)}, padding ${pad}, data_format ${String(cfg.data_format ?? 'channels_last')}`);
    }
    const k = kernel.shape.slice(0, rank);
    const [inC, filters] = kernel.shape.slice(rank) as [number, number];
    const args = [rank, inC, filters, pyLit(k), pyLit(cfgSizes(cfg, 'strides', rank, 1)), pyLit(cfgSizes(cfg, 'dilation_rate', rank, 1)), pyLit(pad), act];
    return {
      module: `KerasConv(${args.join(', ')})`,
      code: [ACTIVATION_CODE, TF_PAD_CODE, CONV_CODE],
      weights: [permute(kernel, [rank + 1, rank, ...k.map((_, i) => i)], 'conv.weight'), weightOr(layer, 'bias', [filters], 0, 'conv.bias')],
    };
  };
}

/** The PyTorch form of an n-D max or average pooling (null strides: the pool size). */
export function poolTorch(rank: number, kind: 'max' | 'avg'): (layer: TorchSource) => TorchResult {
  return (layer) => {
    const cfg = layer.config;
    const size = cfgSizes(cfg, 'pool_size', rank, 2);
    const strides = cfg.strides == null ? size : cfgSizes(cfg, 'strides', rank);
    const pad = String(cfg.padding ?? 'valid');
    if (channelsFirst(layer) || !['valid', 'same'].includes(pad)) return refuse(`${kind} pooling with padding ${pad}, data_format ${String(cfg.data_format)}`);
    return plain(`KerasPool(${[rank, pyLit(kind), pyLit(size), pyLit(strides), pyLit(pad)].join(', ')})`, TF_PAD_CODE, POOL_CODE);
  };
}

/** The PyTorch form of a global max or average pooling. */
export const globalPoolTorch = (kind: 'max' | 'avg') => (layer: TorchSource): TorchResult =>
  channelsFirst(layer) ? refuse('global pooling with channels_first') : plain(`KerasGlobalPool(${pyLit(kind)})`, GLOBAL_POOL_CODE);

// ------------------------------------------------ ONNX forms (channels-last in and out)

/**
 * The ONNX form of an n-D convolution: transposed to channels first, Conv with TensorFlow's
 * padding as explicit pads (Keras kernel (*k, in, out) -> ONNX (out, in, *k)), transposed back,
 * then the activation (softmax acts on the channels, the last axis again).
 */
export function convOnnx(rank: number): (layer: OnnxSource) => OnnxResult {
  return (layer) => {
    const { g, config: cfg } = layer;
    const kernel = onnxWeight(layer, 'kernel');
    const pad = String(cfg.padding ?? 'valid');
    if (!kernel || channelsFirst(layer)) return cannot(`Conv${rank}D with data_format ${String(cfg.data_format)}`);
    const k = kernel.shape.slice(0, rank);
    const filters = kernel.shape[rank + 1]!;
    const strides = cfgSizes(cfg, 'strides', rank, 1);
    const dilations = cfgSizes(cfg, 'dilation_rate', rank, 1);
    const pads = tfPads(layer.inputShapes[0]!, k, strides, dilations, pad);
    if (!pads) return cannot(`Conv${rank}D with padding ${pad}`);
    const w = constant(g, permute(kernel, [rank + 1, rank, ...k.map((_, i) => i)], 'kernel'));
    const b = constant(g, weightOrFill(layer, 'bias', [filters], 0));
    const y = g.op('Conv', [toChannelsFirst(g, layer.inputs[0]!, rank), w, b], { kernel_shape: ints(k), strides: ints(strides), dilations: ints(dilations), group: int(1), ...pads });
    const a = onnxActivation(g, toChannelsLast(g, y, rank), cfg);
    return a ? out(a) : cannot(`Conv${rank}D with activation ${String(cfg.activation)}`);
  };
}

/** The ONNX form of an n-D max or average pooling: the average counts only a window's real entries, as TensorFlow does. */
export function poolOnnx(rank: number, kind: 'max' | 'avg'): (layer: OnnxSource) => OnnxResult {
  return (layer) => {
    const { g, config: cfg } = layer;
    const size = cfgSizes(cfg, 'pool_size', rank, 2);
    const strides = cfg.strides == null ? size : cfgSizes(cfg, 'strides', rank);
    const pad = String(cfg.padding ?? 'valid');
    const pads = pad === 'causal' ? null : tfPads(layer.inputShapes[0]!, size, strides, size.map(() => 1), pad);
    if (!pads || channelsFirst(layer)) return cannot(`${kind} pooling with padding ${pad}, data_format ${String(cfg.data_format)}`);
    const attrs = { kernel_shape: ints(size), strides: ints(strides), ...pads, ...(kind === 'avg' ? { count_include_pad: int(0) } : {}) };
    const y = g.op(kind === 'max' ? 'MaxPool' : 'AveragePool', [toChannelsFirst(g, layer.inputs[0]!, rank)], attrs);
    return out(toChannelsLast(g, y, rank));
  };
}

/** The ONNX form of a global max or average pooling: a reduction over every axis between the batch and the channels. */
export const globalPoolOnnx = (kind: 'max' | 'avg') => (layer: OnnxSource): OnnxResult => {
  if (channelsFirst(layer)) return cannot('global pooling with channels_first');
  const rank = layer.inputShapes[0]!.length;
  const axes = Array.from({ length: rank - 2 }, (_, i) => i + 1);
  return out(layer.g.op(kind === 'max' ? 'ReduceMax' : 'ReduceMean', [layer.inputs[0]!], { axes: ints(axes), keepdims: int(0) }));
};
