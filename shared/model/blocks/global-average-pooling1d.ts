import { globalPool1dRule, globalPoolOnnx, globalPoolTorch } from './conv-family';
import { ONE, L } from './params';
import type { BlockDef } from './types';

export const globalAveragePooling1d: BlockDef = {
  id: 'global_average_pooling1d', className: 'GlobalAveragePooling1D', kind: 'pool', wrapper: false, lesson: 'conv1d', arity: ONE,
  name: L('ادغام میانگین سراسری یک‌بعدی', 'GlobalAveragePooling1D'),
  help: L('محور زمان را حذف می‌کند و برای هر ویژگی میانگین می‌گیرد: (None, T, d) ← (None, d).', 'Removes the time axis, averaging each feature: (None, T, d) -> (None, d).'),
  params: [],
  output: globalPool1dRule,
  torch: globalPoolTorch('avg'),
  onnx: globalPoolOnnx('avg'),
};
