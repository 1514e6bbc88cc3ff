import { ONE, L } from './params';
import { fail, formatShape, ok } from './shape-kit';
import { out } from './onnx-kit';
import { plain, pyLit } from './torch-kit';
import type { BlockDef, TorchCode } from './types';

const RESHAPE_CODE: TorchCode = {
  name: 'KerasReshape',
  source: `class KerasReshape(nn.Module):
    """Keras's Reshape: the axes after the batch, row-major (-1: the rest)."""

    def __init__(self, target_shape):
        super().__init__()
        self.target_shape = target_shape

    def forward(self, x):
        return x.reshape(x.shape[0], *self.target_shape)`,
};

export const reshape: BlockDef = {
  id: 'reshape', className: 'Reshape', kind: 'core', wrapper: false, lesson: 'core', arity: ONE,
  name: L('تغییر شکل', 'Reshape'),
  help: L('همان مقادیر را در شکل تازه‌ای می‌چیند؛ حاصل‌ضرب ابعاد باید برابر بماند (یک ‎-1 یعنی «بقیه»).', 'Rearranges the same values into a new shape; the product of the axes must stay equal (one -1 means "the rest").'),
  params: [{ name: 'target_shape', type: 'shape', default: [-1], min: -1, max: 1_000_000, label: L('شکل مقصد', 'Target shape') }],
  output: (p, s) => {
    const target = Array.isArray(p.target_shape) ? (p.target_shape as (number | null)[]) : [];
    if (s.slice(1).some((d) => d === null)) return fail('reshape_variable_length', { shape: formatShape(s) });
    const total = (s.slice(1) as number[]).reduce((a, b) => a * b, 1);
    const unknown = target.filter((d) => d === -1).length;
    if (unknown > 1 || target.some((d) => d === null || (d !== -1 && d <= 0))) return fail('param_invalid', { param: 'target_shape', value: JSON.stringify(target) });
    const known = (target as number[]).filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if ((unknown === 0 && known !== total) || (unknown === 1 && total % known !== 0)) {
      return fail('reshape_size_mismatch', { from: total, to: known, shape: formatShape(s), target: formatShape([null, ...target]) });
    }
    // The -1 axis stays unknown: tfjs-layers 4.22 builds it as None (and a Flatten or Dense after
    // it then fails), though each real tensor has total / known there.
    return ok([null, ...(target as number[]).map((d) => (d === -1 ? null : d))], null);
  },
  // tfjs writes the "rest" axis of target_shape as null, Keras as -1
  // tfjs writes the "rest" axis as null
  torch: (layer) => plain(`KerasReshape(${pyLit((layer.config.target_shape as (number | null)[]).map((d) => d ?? -1))})`, RESHAPE_CODE),
  // 0 keeps the input's (batch) size, -1 is the rest
  onnx: (layer) => {
    const target = (layer.config.target_shape as (number | null)[]).map((d) => d ?? -1);
    return out(layer.g.op('Reshape', [layer.inputs[0]!, layer.g.int64s('shape', [0, ...target])]));
  },
  keras: { read: (p) => (Array.isArray(p.target_shape) ? { ...p, target_shape: p.target_shape.map((d) => d ?? -1) } : p) },
};
