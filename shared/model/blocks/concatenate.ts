import { isFailure, mergeInputs } from './merge-family';
import { L } from './params';
import { fail, num } from './shape-kit';
import { int, out } from './onnx-kit';
import { plain } from './torch-kit';
import type { BlockDef, TorchCode } from './types';

const CONCATENATE_CODE: TorchCode = {
  name: 'KerasConcatenate',
  source: `class KerasConcatenate(nn.Module):
    """Keras's Concatenate: the axis counts the batch axis, as torch's dim does (same layout)."""

    def __init__(self, axis):
        super().__init__()
        self.axis = axis

    def forward(self, *xs):
        return torch.cat(xs, self.axis)`,
};

export const concatenate: BlockDef = {
  id: 'concatenate', className: 'Concatenate', kind: 'merge', wrapper: false, lesson: 'captioning', arity: { min: 2, max: 16 },
  name: L('الحاق', 'Concatenate'),
  help: L('چند ورودی را در امتداد یک محور کنار هم می‌گذارد؛ بقیهٔ محورها باید یکسان باشند.', 'Joins several inputs along one axis; all other axes must match.'),
  params: [{ name: 'axis', type: 'int', default: -1, min: -8, max: 8, label: L('محور', 'Axis') }],
  merge: (p, ins, times) => {
    const m = mergeInputs(ins, times);
    if (isFailure(m)) return m;
    const rawAxis = num(p, 'axis');
    const axis = rawAxis < 0 ? m.rank + rawAxis : rawAxis;
    if (axis <= 0 || axis >= m.rank) return fail('param_invalid', { param: 'axis', value: rawAxis });
    for (let i = 1; i < m.rank; i++) {
      if (i === axis) continue;
      if (ins.some((s) => s[i] !== ins[0]![i])) return fail('merge_shape_mismatch', { shapes: m.text });
    }
    const out = [...ins[0]!];
    out[axis] = ins.some((s) => s[axis] === null) ? null : ins.reduce((a, s) => a + (s[axis] as number), 0);
    // joined along the time axis: the result has none
    return { shape: out, timeAxis: m.sameTime === axis ? null : m.sameTime, trainable: 0, nonTrainable: 0, issues: [] };
  },
  torch: (layer) => plain(`KerasConcatenate(${Number(layer.config.axis ?? -1)})`, CONCATENATE_CODE),
  // Keras's axis counts the batch axis, as ONNX's does (same layout)
  onnx: ({ g, inputs, config }) => out(g.op('Concat', inputs, { axis: int(Number(config.axis ?? -1)) })),
};
