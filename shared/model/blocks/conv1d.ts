import { convOnnx, convTorch, dilationLabel, size1d } from './conv-family';
import { ONE, KERNEL_INIT, L, activation, filters, hardSigmoidGates, kernelLabel, padding, stridesLabel } from './params';
import { convOutputLength, needFeatures, needRank, num, ok } from './shape-kit';
import type { BlockDef, RuleIssue } from './types';

export const conv1d: BlockDef = {
  id: 'conv1d', className: 'Conv1D', kind: 'conv', wrapper: false, lesson: 'conv1d', arity: ONE,
  name: L('کانولوشن یک‌بعدی', 'Conv1D'),
  help: L('پنجره‌ای را در طول زمان می‌لغزاند: (None, T, d) ← (None, T′, فیلترها)؛ با لایه‌گذاری valid طول کوتاه‌تر می‌شود.', 'Slides a window along time: (None, T, d) -> (None, T\', filters); valid padding shortens T.'),
  params: [
    filters(32), size1d('kernel_size', 5, kernelLabel), size1d('strides', 1, stridesLabel), padding(true),
    size1d('dilation_rate', 1, dilationLabel), activation('relu'),
  ],
  output: (p, s, t) => {
    const bad = needRank(s, 3) ?? needFeatures(s);
    if (bad) return bad;
    const f = num(p, 'filters');
    const k = num(p, 'kernel_size');
    const st = num(p, 'strides');
    const dil = num(p, 'dilation_rate');
    const pad = String(p.padding);
    const issues: RuleIssue[] = [];
    // tfjs 4.22 refuses both
    if (pad === 'causal') issues.push({ code: 'causal_padding_unsupported' });
    if (st > 1 && dil > 1) issues.push({ code: 'strides_with_dilation', params: { strides: st, dilation: dil } });
    const T = s[1] ?? null;
    const dk = k + (k - 1) * (dil - 1);
    if (T !== null && pad === 'valid' && dk > T) issues.push({ code: 'kernel_larger_than_sequence', params: { kernel: dk, length: T } });
    return ok([null, convOutputLength(T, k, pad, st, dil), f], t, k * (s[2] as number) * f + f, 0, issues);
  },
  keras: { fixed: { use_bias: true } },
  // Keras 3 applies the activation to the convolution plus bias (keras/src/layers/convolutional/base_conv.py); kernel (..., filters): every output channel
  keras3HardSigmoid: hardSigmoidGates(['activation']),
  initializers: KERNEL_INIT,
  kernels: { conv1d: true },
  torch: convTorch(1),
  onnx: convOnnx(1),
};
