import { convNdParams } from './conv-family';
import { ONE, L, RECURRENT_INIT, activation, dropout, filters, hardSigmoidGates, padding, recurrentActivation, recurrentDropout, returnSequences } from './params';
import { RNN_FIXED, cellObjects, cellPath, cellVars, recurrentOut } from './recurrent-family';
import { arr, needFeatures, needRank, num, spatial } from './shape-kit';
import { cannot } from './onnx-kit';
import type { BlockDef } from './types';

export const convLstm2d: BlockDef = {
  id: 'conv_lstm2d', className: 'ConvLSTM2D', kind: 'recurrent', wrapper: false, lesson: 'convlstm', arity: ONE,
  name: L('LSTM کانولوشنی دوبعدی', 'ConvLSTM2D'),
  help: L('LSTM‌ای که به‌جای ضرب ماتریسی کانولوشن دارد: (None, T, H, W, c) ← (None, H′, W′, فیلترها)، یا با زمان اگر دنباله برگردد.', 'An LSTM whose products are convolutions: (None, T, H, W, c) -> (None, H\', W\', filters), keeping T with return_sequences.'),
  params: [
    filters(8), ...convNdParams(2, 3), padding(false),
    activation('tanh'), recurrentActivation, dropout, recurrentDropout, returnSequences,
  ],
  output: (p, s) => {
    const bad = needRank(s, 5) ?? needFeatures(s);
    if (bad) return bad;
    const f = num(p, 'filters');
    const k = arr(p, 'kernel_size', 2);
    const { dims, issues } = spatial(s, 2, p, false, 2);
    const kk = k[0]! * k[1]!;
    return recurrentOut(p, s, [...dims, f], 4 * (kk * (s[4] as number) * f + kk * f * f + f), issues);
  },
  keras: { fixed: { ...RNN_FIXED, data_format: 'channels_last', dilation_rate: [1, 1], go_backwards: false } },
  initializers: RECURRENT_INIT,
  kernels: { convLstm2d: true },
  h5Path: cellPath('conv_lstm_cell'),
  onnx: () => cannot('ConvLSTM2D: ONNX has no convolutional recurrent operator'),
  keras3Vars: cellVars('conv_lstm_cell'),
  keras3Objects: cellObjects('conv_lstm_cell'),
  // Keras 3.16 keras/src/layers/rnn/conv_lstm.py: kernels (kh, kw, in, 4 filters) split on the
  // output channels [i, f, c, o] (189, 268-279), gates as the LSTM's (293-297), h = o * activation(c)
  keras3HardSigmoid: hardSigmoidGates(['recurrent_activation', 'recurrent_activation', 'activation', 'recurrent_activation'], ['activation']),
  // an LSTM per map position: its state is the whole (H', W', filters) map
  memory: { bpttFactor: 112, stateSize: (out, T) => (out.length > 4 ? out.slice(2) : out.slice(1)).reduce<number>((n, d) => n * (d ?? T), 1) },
};
