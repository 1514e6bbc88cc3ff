import { ONE, L, RECURRENT_INIT, activation, dropout, goBackwards, hardSigmoidGates, recurrentDropout, returnSequences, units } from './params';
import { RNN_FIXED, cellObjects, cellPath, cellVars, rnnOnnx, rnnRule, rnnTorch } from './recurrent-family';
import type { BlockDef } from './types';

export const simpleRnn: BlockDef = {
  id: 'simple_rnn', className: 'SimpleRNN', kind: 'recurrent', wrapper: false, lesson: 'rnn-basics', arity: ONE,
  name: L('شبکهٔ بازگشتی ساده', 'SimpleRNN'),
  help: L('دنباله را گام‌به‌گام می‌خواند: (None, T, d) ← (None, واحدها) یا با برگرداندن دنباله (None, T, واحدها).', 'Reads the sequence step by step: (None, T, d) -> (None, units), or (None, T, units) with return_sequences.'),
  params: [units(32), activation('tanh'), dropout, recurrentDropout, returnSequences, goBackwards],
  output: rnnRule(1),
  keras: { fixed: RNN_FIXED },
  initializers: RECURRENT_INIT,
  kernels: { rnn: 'SimpleRNN' },
  h5Path: cellPath('simple_rnn_cell'),
  keras3Vars: cellVars('simple_rnn_cell'),
  keras3Objects: cellObjects('simple_rnn_cell'),
  // Keras 3: activation(x.kernel + bias + h.recurrent_kernel) (keras/src/layers/rnn/simple_rnn.py:169): every column
  keras3HardSigmoid: hardSigmoidGates(['activation']),
  // tf.profile, tfjs 4.22, T=120, batch 64, 14 features, 64 units: about 22 values per unit and step
  memory: { bpttFactor: 24 },
  torch: rnnTorch({
    name: 'KerasSimpleRNN',
    source: `class KerasSimpleRNN(KerasRNN):
    """Keras's SimpleRNN: h = act(x kernel + bias + h recurrent_kernel)."""

    def __init__(self, input_size, units, act, return_sequences=False, go_backwards=False):
        super().__init__(input_size, units, return_sequences, go_backwards)
        self.act = activation(act)

    def step(self, x, h):
        h = self.act(x @ self.kernel + self.bias + h @ self.recurrent_kernel)
        return h, h`,
  }, 1, ['activation']),
  onnx: rnnOnnx({ op: 'RNN', gates: 1, order: [0], acts: ['activation'] }),
};
