import { ONE, L, epsilon } from './params';
import { needFeatures, ok } from './shape-kit';
import { cannot, constant, onnxWeight, out, weightOrFill } from './onnx-kit';
import { kerasWeight, lastAxisOnly, pyLit, refuse, weightOr } from './torch-kit';
import type { BlockDef, TorchCode } from './types';

const BATCH_NORM_CODE: TorchCode = {
  name: 'KerasBatchNormalization',
  source: `class KerasBatchNormalization(nn.Module):
    """Keras's BatchNormalization at inference over the last axis: the moving statistics, epsilon inside the root."""

    def __init__(self, channels, epsilon):
        super().__init__()
        self.epsilon = epsilon
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))
        self.register_buffer("moving_mean", torch.zeros(channels))
        self.register_buffer("moving_variance", torch.ones(channels))

    def forward(self, x):
        return (x - self.moving_mean) * torch.rsqrt(self.moving_variance + self.epsilon) * self.gamma + self.beta`,
};

export const batchNormalization: BlockDef = {
  id: 'batch_normalization', className: 'BatchNormalization', kind: 'core', wrapper: false, lesson: 'core', arity: ONE,
  name: L('نرمال‌سازی دسته‌ای', 'BatchNormalization'),
  help: L('محور آخر را با میانگین و واریانس دسته نرمال می‌کند؛ شکل تغییر نمی‌کند (۴c پارامتر، ۲c آن غیرقابل‌آموزش).', 'Normalises the last axis with batch statistics; the shape stays (4c parameters, 2c of them non-trainable).'),
  params: [{ name: 'momentum', type: 'float', default: 0.99, min: 0, max: 1, label: L('تکانه', 'Momentum') }, epsilon],
  // gamma, beta (trainable); moving_mean, moving_variance (not)
  output: (_p, s, t) => {
    const bad = needFeatures(s);
    if (bad) return bad;
    const c = s[s.length - 1] as number;
    // tfjs 4.22's batchNormalization op stops at rank 4 (a video tensor fails when it runs)
    return ok([...s], t, 2 * c, 2 * c, s.length > 4 ? [{ code: 'rank_unsupported', params: { rank: s.length, max: 4 } }] : []);
  },
  keras: { fixed: { axis: -1, center: true, scale: true } },
  torch: (layer) => {
    const mean = kerasWeight(layer, 'moving_mean');
    if (!mean || !lastAxisOnly(layer)) return refuse(`BatchNormalization over axis ${JSON.stringify(layer.config.axis)}`);
    const c = mean.shape;
    return {
      module: `KerasBatchNormalization(${c[0]}, ${pyLit(Number(layer.config.epsilon ?? 0.001))})`,
      code: [BATCH_NORM_CODE],
      // center / scale off: beta 0 and gamma 1 change nothing
      weights: [weightOr(layer, 'gamma', c, 1), weightOr(layer, 'beta', c, 0), mean, kerasWeight(layer, 'moving_variance')!],
    };
  },
  // (x - mean) * (gamma / sqrt(variance + epsilon)) + beta over the last axis, broadcast: ONNX's
  // BatchNormalization wants channels first; the factor is computed once, in double precision
  onnx: (layer) => {
    const mean = onnxWeight(layer, 'moving_mean');
    const variance = onnxWeight(layer, 'moving_variance');
    if (!mean || !variance || !lastAxisOnly(layer)) return cannot(`BatchNormalization over axis ${JSON.stringify(layer.config.axis)}`);
    const { g } = layer;
    const c = mean.shape;
    const gamma = weightOrFill(layer, 'gamma', c, 1).data;
    const eps = Number(layer.config.epsilon ?? 0.001);
    const factor = Float32Array.from(variance.data, (v, i) => gamma[i]! / Math.sqrt(v + eps));
    const centred = g.op('Sub', [layer.inputs[0]!, constant(g, mean)]);
    return out(g.op('Add', [g.op('Mul', [centred, g.floats('factor', c, factor)]), constant(g, weightOrFill(layer, 'beta', c, 0))]));
  },
};
