import { isFailure, mergeInputs } from './merge-family';
import { L } from './params';
import { fail } from './shape-kit';
import { out } from './onnx-kit';
import { plain } from './torch-kit';
import type { BlockDef, TorchCode } from './types';

const ADD_CODE: TorchCode = {
  name: 'KerasAdd',
  source: `class KerasAdd(nn.Module):
    """Keras's Add: the inputs summed in order."""

    def forward(self, *xs):
        y = xs[0]
        for x in xs[1:]:
            y = y + x
        return y`,
};

export const add: BlockDef = {
  id: 'add', className: 'Add', kind: 'merge', wrapper: false, lesson: 'core', arity: { min: 2, max: 16 },
  name: L('جمع', 'Add'),
  help: L('چند ورودی هم‌شکل را عضو‌به‌عضو جمع می‌کند؛ شکل خروجی همان شکل ورودی‌هاست.', 'Adds inputs of the same shape element by element; the output has that shape.'),
  params: [],
  merge: (_p, ins, times) => {
    const m = mergeInputs(ins, times);
    if (isFailure(m)) return m;
    if (!ins.every((s) => s.every((d, i) => d === ins[0]![i]))) return fail('merge_shape_mismatch', { shapes: m.text });
    return { shape: [...ins[0]!], timeAxis: m.sameTime, trainable: 0, nonTrainable: 0, issues: [] };
  },
  torch: () => plain('KerasAdd()', ADD_CODE),
  // summed in input order, as Keras does
  onnx: ({ g, inputs }) => out(inputs.slice(1).reduce((y, x) => g.op('Add', [y, x]), inputs[0]!)),
};
