import { ONE, L, epsilon } from './params';
import { needFeatures, ok } from './shape-kit';
import { cannot, constant, int, ints, onnxWeight, out } from './onnx-kit';
import { kerasWeight, lastAxisOnly, pyLit, refuse } from './torch-kit';
import type { BlockDef, TorchCode } from './types';

const LAYER_NORM_CODE: TorchCode = {
  name: 'KerasLayerNormalization',
  source: `class KerasLayerNormalization(nn.Module):
    """Keras's LayerNormalization over the last axis, as tfjs computes it: each sample's mean and
    (biased) variance, epsilon inside the root; gamma and beta only where the layer has them."""

    def __init__(self, channels, epsilon, center, scale):
        super().__init__()
        self.epsilon = epsilon
        self.gamma = nn.Parameter(torch.ones(channels)) if scale else None
        self.beta = nn.Parameter(torch.zeros(channels)) if center else None

    def forward(self, x):
        mean = x.mean(-1, keepdim=True)
        y = (x - mean) * torch.rsqrt(((x - mean) ** 2).mean(-1, keepdim=True) + self.epsilon)
        if self.gamma is not None:
            y = y * self.gamma
        return y + self.beta if self.beta is not None else y`,
};

export const layerNormalization: BlockDef = {
  id: 'layer_normalization', className: 'LayerNormalization', kind: 'core', wrapper: false, lesson: 'core', arity: ONE,
  name: L('نرمال‌سازی لایه‌ای', 'LayerNormalization'),
  help: L('هر نمونه را جدا، روی محور آخر و با میانگین و واریانس خودش، نرمال می‌کند (بدون آمار دسته)؛ شکل تغییر نمی‌کند (۲c پارامتر: gamma و beta).', 'Normalises each sample on its own over the last axis (no batch statistics); the shape stays (2c parameters: gamma and beta).'),
  params: [
    epsilon,
    { name: 'center', type: 'bool', default: true, label: L('افزودن beta (جابه‌جایی)', 'Center (add beta)') },
    { name: 'scale', type: 'bool', default: true, label: L('ضرب در gamma (مقیاس)', 'Scale (multiply by gamma)') },
  ],
  // gamma (scale) and beta (center), one value per feature of the last axis; no moving statistics
  output: (p, s, t) => {
    const weights = p.scale === true || p.center === true;
    // gamma and beta need the size of the last axis; without them any size will do
    const bad = weights ? needFeatures(s) : null;
    if (bad) return bad;
    const c = s[s.length - 1] ?? 0;
    // tfjs 4.22 normalises with its batchNormalization op, which stops at rank 4 (a video tensor fails when it runs)
    const issues = s.length > 4 ? [{ code: 'rank_unsupported' as const, params: { rank: s.length, max: 4 } }] : [];
    return ok([...s], t, (p.scale === true ? c : 0) + (p.center === true ? c : 0), 0, issues);
  },
  keras: { fixed: { axis: -1 } },
  torch: (layer) => {
    if (!lastAxisOnly(layer)) return refuse(`LayerNormalization over axis ${JSON.stringify(layer.config.axis)}`);
    const gamma = kerasWeight(layer, 'gamma');
    const beta = kerasWeight(layer, 'beta');
    const c = (gamma ?? beta)?.shape[0] ?? 0;
    return {
      module: `KerasLayerNormalization(${c}, ${pyLit(Number(layer.config.epsilon ?? 0.001))}, ${pyLit(!!beta)}, ${pyLit(!!gamma)})`,
      code: [LAYER_NORM_CODE],
      weights: [...(gamma ? [gamma] : []), ...(beta ? [beta] : [])],
    };
  },
  // written out as tfjs computes it (mean, then the mean of squared deviations): opset 17's
  // LayerNormalization may take E[x²] - E[x]², which loses digits where the mean is large
  onnx: (layer) => {
    if (!lastAxisOnly(layer)) return cannot(`LayerNormalization over axis ${JSON.stringify(layer.config.axis)}`);
    const { g } = layer;
    const last = { axes: ints([-1]), keepdims: int(1) };
    const centred = g.op('Sub', [layer.inputs[0]!, g.op('ReduceMean', [layer.inputs[0]!], last, 'mean')], {}, 'centred');
    const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred], {}, 'squared')], last, 'variance');
    const std = g.op('Sqrt', [g.op('Add', [variance, g.floats('epsilon', [], Float32Array.of(Number(layer.config.epsilon ?? 0.001)))])], {}, 'std');
    let y = g.op('Div', [centred, std], {}, 'normalised');
    const gamma = onnxWeight(layer, 'gamma');
    const beta = onnxWeight(layer, 'beta');
    if (gamma) y = g.op('Mul', [y, constant(g, gamma)], {}, 'scaled');
    if (beta) y = g.op('Add', [y, constant(g, beta)], {}, 'centered');
    return out(y);
  },
};
