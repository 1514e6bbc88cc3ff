import { POOL_ND_FIXED, poolNdParams, poolNdRule, poolOnnx, poolTorch } from './conv-family';
import { ONE, L, padding } from './params';
import type { BlockDef } from './types';

export const maxPooling3d: BlockDef = {
  id: 'max_pooling3d', className: 'MaxPooling3D', kind: 'pool', wrapper: false, lesson: 'conv3d', arity: ONE,
  name: L('ادغام بیشینه سه‌بعدی', 'MaxPooling3D'),
  help: L('بیشینهٔ هر پنجرهٔ زمانی‌ـ‌مکانی را نگه می‌دارد: قاب‌ها، ارتفاع و پهنا کوچک می‌شوند.', 'Keeps the maximum of each space-time window: frames, height and width shrink.'),
  params: [...poolNdParams(3), padding(false)],
  output: poolNdRule(3, true),
  keras: { fixed: POOL_ND_FIXED },
  torch: poolTorch(3, 'max'),
  onnx: poolOnnx(3, 'max'),
};
