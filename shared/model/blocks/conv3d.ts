import { convFixed, convNdParams, convNdRule, convOnnx, convTorch } from './conv-family';
import { ONE, KERNEL_INIT, L, activation, filters, hardSigmoidGates, padding } from './params';
import type { BlockDef } from './types';

export const conv3d: BlockDef = {
  id: 'conv3d', className: 'Conv3D', kind: 'conv', wrapper: false, lesson: 'conv3d', arity: ONE,
  name: L('کانولوشن سه‌بعدی', 'Conv3D'),
  help: L('هسته را هم در زمان (قاب‌ها) و هم در مکان می‌لغزاند: (None, D, H, W, c) ← (None, D′, H′, W′, فیلترها).', 'Slides a kernel over frames and space together: (None, D, H, W, c) -> (None, D\', H\', W\', filters).'),
  params: [filters(8), ...convNdParams(3, 3), padding(false), activation('relu')],
  // the frame axis stays the time axis
  output: convNdRule(3, true),
  keras: { fixed: convFixed(3) },
  // Keras 3 applies the activation to the convolution plus bias (keras/src/layers/convolutional/base_conv.py); kernel (..., filters): every output channel
  keras3HardSigmoid: hardSigmoidGates(['activation']),
  initializers: KERNEL_INIT,
  torch: convTorch(3),
  onnx: convOnnx(3),
};
