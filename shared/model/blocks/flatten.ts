import { ONE, L } from './params';
import { fail, formatShape, ok } from './shape-kit';
import { cannot, int, out } from './onnx-kit';
import { plain, refuse } from './torch-kit';
import type { BlockDef } from './types';

export const flatten: BlockDef = {
  id: 'flatten', className: 'Flatten', kind: 'core', wrapper: false, lesson: 'core', arity: ONE,
  name: L('تخت‌کردن', 'Flatten'),
  help: L('همهٔ محورها جز دسته را در یک بردار پشت هم می‌چیند: (None, a, b, c) ← (None, a×b×c).', 'Lays every axis but the batch out in one vector: (None, a, b, c) -> (None, a*b*c).'),
  params: [],
  output: (_p, s) => {
    if (s.length < 3) return fail('already_flat', { shape: formatShape(s) });
    if (s.slice(1).some((d) => d === null)) return fail('flatten_variable_length', { shape: formatShape(s) });
    return ok([null, (s.slice(1) as number[]).reduce((a, b) => a * b, 1)], null);
  },
  // the modules keep Keras's channels-last layout, so torch's row-major flatten is Keras's order
  torch: (layer) => (layer.config.data_format === 'channels_first' ? refuse('Flatten with channels_first') : plain('nn.Flatten()')),
  // the forms keep Keras's channels-last layout, so ONNX's row-major Flatten is Keras's order
  onnx: (layer) => (layer.config.data_format === 'channels_first' ? cannot('Flatten with channels_first') : out(layer.g.op('Flatten', [layer.inputs[0]!], { axis: int(1) }))),
};
