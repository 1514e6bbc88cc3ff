import { pool1dParams, pool1dRule, poolOnnx, poolTorch } from './conv-family';
import { ONE, L, padding } from './params';
import type { BlockDef } from './types';

export const maxPooling1d: BlockDef = {
  id: 'max_pooling1d', className: 'MaxPooling1D', kind: 'pool', wrapper: false, lesson: 'conv1d', arity: ONE,
  name: L('ادغام بیشینه یک‌بعدی', 'MaxPooling1D'),
  help: L('در هر پنجرهٔ زمانی بیشینه را نگه می‌دارد: طول زمان تقریباً بر اندازهٔ پنجره تقسیم می‌شود.', 'Keeps the maximum of each time window: T is divided by about the pool size.'),
  params: [...pool1dParams(), padding(false)],
  output: pool1dRule,
  kernels: { pool1d: 'window' },
  torch: poolTorch(1, 'max'),
  onnx: poolOnnx(1, 'max'),
};
