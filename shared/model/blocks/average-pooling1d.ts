import { pool1dParams, pool1dRule, poolOnnx, poolTorch } from './conv-family';
import { ONE, L, padding } from './params';
import type { BlockDef } from './types';

export const averagePooling1d: BlockDef = {
  id: 'average_pooling1d', className: 'AveragePooling1D', kind: 'pool', wrapper: false, lesson: 'conv1d', arity: ONE,
  name: L('ادغام میانگین یک‌بعدی', 'AveragePooling1D'),
  help: L('در هر پنجرهٔ زمانی میانگین می‌گیرد: طول زمان تقریباً بر اندازهٔ پنجره تقسیم می‌شود.', 'Averages each time window: T is divided by about the pool size.'),
  params: [...pool1dParams(), padding(false)],
  output: pool1dRule,
  torch: poolTorch(1, 'avg'),
  onnx: poolOnnx(1, 'avg'),
};
