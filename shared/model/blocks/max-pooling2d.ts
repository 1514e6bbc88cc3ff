import { POOL_ND_FIXED, poolNdParams, poolNdRule, poolOnnx, poolTorch } from './conv-family';
import { ONE, L, padding } from './params';
import type { BlockDef } from './types';

export const maxPooling2d: BlockDef = {
  id: 'max_pooling2d', className: 'MaxPooling2D', kind: 'pool', wrapper: false, lesson: 'video-cnn-rnn', arity: ONE,
  name: L('ادغام بیشینه دوبعدی', 'MaxPooling2D'),
  help: L('در هر پنجرهٔ مکانی بیشینه را نگه می‌دارد: ارتفاع و پهنا کوچک می‌شوند، کانال‌ها ثابت می‌مانند.', 'Keeps the maximum of each spatial window: height and width shrink, channels stay.'),
  params: [...poolNdParams(2), padding(false)],
  output: poolNdRule(2, false),
  keras: { fixed: POOL_ND_FIXED },
  kernels: { pool2d: true },
  torch: poolTorch(2, 'max'),
  onnx: poolOnnx(2, 'max'),
};
