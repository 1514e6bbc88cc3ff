import { ONE, L } from './params';
import { needRank, num, ok } from './shape-kit';
import { out } from './onnx-kit';
import { plain } from './torch-kit';
import type { BlockDef, TorchCode } from './types';

const REPEAT_CODE: TorchCode = {
  name: 'KerasRepeatVector',
  source: `class KerasRepeatVector(nn.Module):
    """Keras's RepeatVector: (batch, d) -> (batch, n, d)."""

    def __init__(self, n):
        super().__init__()
        self.n = n

    def forward(self, x):
        return x.unsqueeze(1).repeat(1, self.n, 1)`,
};

export const repeatVector: BlockDef = {
  id: 'repeat_vector', className: 'RepeatVector', kind: 'core', wrapper: false, lesson: 'captioning', arity: ONE,
  name: L('تکرار بردار', 'RepeatVector'),
  help: L('یک بردار را n بار تکرار می‌کند و محور زمان می‌سازد: (None, d) ← (None, n, d).', 'Repeats one vector n times, creating a time axis: (None, d) -> (None, n, d).'),
  params: [{ name: 'n', type: 'int', default: 12, min: 1, max: 100_000, label: L('تعداد تکرار', 'Repetitions') }],
  output: (p, s) => needRank(s, 2) ?? ok([null, num(p, 'n'), s[1] ?? null], 1),
  torch: (layer) => plain(`KerasRepeatVector(${Number(layer.config.n)})`, REPEAT_CODE),
  // (batch, d) -> (batch, 1, d), tiled n times along the new axis
  onnx: ({ g, inputs, config }) => out(g.op('Tile', [g.op('Unsqueeze', [inputs[0]!, g.int64s('axes', [1])]), g.int64s('repeats', [1, Number(config.n), 1])])),
};
