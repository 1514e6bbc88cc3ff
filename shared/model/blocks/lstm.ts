import { ONE, L, RECURRENT_INIT, activation, dropout, goBackwards, hardSigmoidGates, recurrentActivation, recurrentDropout, returnSequences, units } from './params';
import { RNN_FIXED, cellObjects, cellPath, cellVars, rnnOnnx, rnnRule, rnnTorch } from './recurrent-family';
import type { BlockDef } from './types';

export const lstm: BlockDef = {
  id: 'lstm', className: 'LSTM', kind: 'recurrent', wrapper: false, lesson: 'lstm-gru', arity: ONE,
  name: L('حافظهٔ کوتاه‌مدتِ طولانی (LSTM)', 'LSTM'),
  help: L('بازگشتی با سلول حافظه و سه دروازه: (None, T, d) ← (None, واحدها)، یا (None, T, واحدها) با برگرداندن دنباله.', 'Recurrent layer with a memory cell and three gates: (None, T, d) -> (None, units), or (None, T, units) with return_sequences.'),
  params: [units(32), activation('tanh'), recurrentActivation, dropout, recurrentDropout, returnSequences, goBackwards],
  // four weight blocks, columns [i, f, c, o] as Keras stores them
  output: rnnRule(4),
  keras: { fixed: RNN_FIXED },
  initializers: RECURRENT_INIT,
  kernels: { rnn: 'LSTM' },
  h5Path: cellPath('lstm_cell'),
  keras3Vars: cellVars('lstm_cell'),
  keras3Objects: cellObjects('lstm_cell'),
  // Keras 3.16 keras/src/layers/rnn/lstm.py: columns [i, f, c, o], i, f, o through
  // recurrent_activation (224-227); activation acts on the candidate and on the cell state,
  // h = o * activation(c) (286), which no weight scales: refused
  keras3HardSigmoid: hardSigmoidGates(['recurrent_activation', 'recurrent_activation', 'activation', 'recurrent_activation'], ['activation']),
  // tf.profile, tfjs 4.22, T=120, batch 64, 14 features, 64 units: about 107 values per unit and step
  memory: { bpttFactor: 112 },
  torch: rnnTorch({
    name: 'KerasLSTM',
    source: `class KerasLSTM(KerasRNN):
    """Keras's LSTM: gate columns [i, f, c, o] (unit_forget_bias only sets the initial bias)."""

    gates = 4

    def __init__(self, input_size, units, act, recurrent_act, return_sequences=False, go_backwards=False):
        super().__init__(input_size, units, return_sequences, go_backwards)
        self.act, self.recurrent_act = activation(act), activation(recurrent_act)

    def initial_state(self, x):
        h = x.new_zeros(x.shape[0], self.units)
        return h, h

    def step(self, x, state):
        h, c = state
        i, f, g, o = (x @ self.kernel + h @ self.recurrent_kernel + self.bias).split(self.units, -1)
        c = self.recurrent_act(f) * c + self.recurrent_act(i) * self.act(g)
        h = self.recurrent_act(o) * self.act(c)
        return h, (h, c)`,
  }, 4, ['activation', 'recurrent_activation']),
  // ONNX gates i, o, f, c from Keras's i, f, c, o; activations f (gates), g (candidate), h (output)
  onnx: rnnOnnx({ op: 'LSTM', gates: 4, order: [0, 3, 1, 2], acts: ['recurrent_activation', 'activation', 'activation'] }),
};
