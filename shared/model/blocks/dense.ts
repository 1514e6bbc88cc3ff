import { ONE, KERNEL_INIT, L, activation, hardSigmoidGates, units } from './params';
import { needFeatures, num, ok } from './shape-kit';
import { cannot, constant, onnxActivation, onnxWeight, out, weightOrFill } from './onnx-kit';
import { ACTIVATION_CODE, kerasWeight, permute, refuse, torchActivation, weightOr } from './torch-kit';
import type { BlockDef, TorchCode } from './types';

const DENSE_CODE: TorchCode = {
  name: 'KerasDense',
  source: `class KerasDense(nn.Linear):
    """Keras's Dense over the last axis; torch keeps the kernel transposed, (units, features)."""

    def __init__(self, in_features, units, act):
        super().__init__(in_features, units)
        self.act = activation(act)

    def forward(self, x):
        return self.act(super().forward(x))`,
};

export const dense: BlockDef = {
  id: 'dense', className: 'Dense', kind: 'core', wrapper: false, lesson: 'core', arity: ONE,
  name: L('لایهٔ چگال (تمام‌متصل)', 'Dense'),
  help: L('فقط محور آخر را به «واحدها» نگاشت می‌کند: (None, ..., d) ← (None, ..., واحدها)؛ محور زمان اگر باشد می‌ماند.', 'Maps only the last axis to units: (None, ..., d) -> (None, ..., units); a time axis, if any, stays.'),
  params: [units(1), activation('linear')],
  output: (p, s, t) => {
    const bad = needFeatures(s);
    if (bad) return bad;
    const u = num(p, 'units');
    return ok([...s.slice(0, -1), u], t, (s[s.length - 1] as number) * u + u);
  },
  keras: { fixed: { use_bias: true } },
  // Keras 3 applies the activation to x.kernel + bias (keras/src/layers/core/dense.py): every column
  keras3HardSigmoid: hardSigmoidGates(['activation']),
  initializers: KERNEL_INIT,
  kernels: { dense: true },
  torch: (layer) => {
    const act = torchActivation(layer.config);
    const kernel = kerasWeight(layer, 'kernel');
    if (!act || !kernel) return refuse(`Dense with activation ${String(layer.config.activation)}`);
    const [features, units] = kernel.shape as [number, number];
    return {
      module: `KerasDense(${features}, ${units}, ${act})`,
      code: [ACTIVATION_CODE, DENSE_CODE],
      weights: [permute(kernel, [1, 0], 'weight'), weightOr(layer, 'bias', [units], 0)],
    };
  },
  // MatMul broadcasts over every axis before the last, as Dense does
  onnx: (layer) => {
    const { g } = layer;
    const kernel = onnxWeight(layer, 'kernel');
    if (!kernel) return cannot('Dense without its kernel');
    const y = g.op('Add', [g.op('MatMul', [layer.inputs[0]!, constant(g, kernel)]), constant(g, weightOrFill(layer, 'bias', [kernel.shape[1]!], 0))]);
    const a = onnxActivation(g, y, layer.config);
    return a ? out(a) : cannot(`Dense with activation ${String(layer.config.activation)}`);
  },
};
