import { convFixed, convNdParams, convNdRule, convOnnx, convTorch } from './conv-family';
import { ONE, KERNEL_INIT, L, activation, filters, hardSigmoidGates, padding } from './params';
import type { BlockDef } from './types';

export const conv2d: BlockDef = {
  id: 'conv2d', className: 'Conv2D', kind: 'conv', wrapper: false, lesson: 'video-cnn-rnn', arity: ONE,
  name: L('کانولوشن دوبعدی', 'Conv2D'),
  help: L('هسته‌ای را روی ارتفاع و پهنای تصویر می‌لغزاند: (None, H, W, c) ← (None, H′, W′, فیلترها).', 'Slides a kernel over height and width: (None, H, W, c) -> (None, H\', W\', filters).'),
  params: [filters(16), ...convNdParams(2, 3), padding(false), activation('relu')],
  output: convNdRule(2, false),
  keras: { fixed: convFixed(2) },
  // Keras 3 applies the activation to the convolution plus bias (keras/src/layers/convolutional/base_conv.py); kernel (..., filters): every output channel
  keras3HardSigmoid: hardSigmoidGates(['activation']),
  initializers: KERNEL_INIT,
  kernels: { conv2d: true },
  torch: convTorch(2),
  onnx: convOnnx(2),
};
