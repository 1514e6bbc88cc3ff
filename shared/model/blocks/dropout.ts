import { ONE, L } from './params';
import { ok } from './shape-kit';
import { out } from './onnx-kit';
import { pyLit } from './torch-kit';
import type { BlockDef } from './types';

export const dropout: BlockDef = {
  id: 'dropout', className: 'Dropout', kind: 'core', wrapper: false, lesson: 'core', arity: ONE,
  name: L('دراپ‌اوت', 'Dropout'),
  help: L('هنگام آموزش بخشی از مقادیر را تصادفی صفر می‌کند؛ شکل تغییر نمی‌کند.', 'Zeroes a random fraction of values during training; the shape does not change.'),
  params: [{ name: 'rate', type: 'float', default: 0.5, min: 0, max: 0.99, label: L('نسبت حذف', 'Rate') }],
  output: (_p, s, t) => ok([...s], t),
  seedsDropout: true,
  // identity in eval mode, which load() returns
  torch: (layer) => ({ module: `nn.Dropout(${pyLit(Number(layer.config.rate ?? 0.5))})`, code: [], weights: [] }),
  // inference: dropout passes its input through
  onnx: (layer) => out(layer.g.op('Identity', [layer.inputs[0]!], {}, 'dropout')),
};
