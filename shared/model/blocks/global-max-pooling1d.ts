import { globalPool1dRule, globalPoolOnnx, globalPoolTorch } from './conv-family';
import { ONE, L } from './params';
import type { BlockDef } from './types';

export const globalMaxPooling1d: BlockDef = {
  id: 'global_max_pooling1d', className: 'GlobalMaxPooling1D', kind: 'pool', wrapper: false, lesson: 'conv1d', arity: ONE,
  name: L('ادغام بیشینهٔ سراسری یک‌بعدی', 'GlobalMaxPooling1D'),
  help: L('محور زمان را حذف می‌کند و برای هر ویژگی بیشینه را نگه می‌دارد: (None, T, d) ← (None, d).', 'Removes the time axis, keeping each feature\'s maximum: (None, T, d) -> (None, d).'),
  params: [],
  output: globalPool1dRule,
  kernels: { pool1d: 'global' },
  torch: globalPoolTorch('max'),
  onnx: globalPoolOnnx('max'),
};
