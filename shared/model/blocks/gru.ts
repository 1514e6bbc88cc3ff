import { ONE, L, RECURRENT_INIT, activation, dropout, goBackwards, recurrentActivation, recurrentDropout, returnSequences, units } from './params';
import { RNN_FIXED, cellObjects, cellPath, cellVars, rnnRule, rnnTorch } from './recurrent-family';
import { refuse } from './torch-kit';
import type { BlockDef } from './types';

const torchGru = rnnTorch({
  name: 'KerasGRU',
  source: `class KerasGRU(KerasRNN):
    """Keras 2 / tfjs GRU, reset_after=False (torch.nn.GRU is the reset_after=True form, hence this
    cell): gate columns [z, r, h]; the reset gate scales the state before its recurrent product."""

    gates = 3

    def __init__(self, input_size, units, act, recurrent_act, return_sequences=False, go_backwards=False):
        super().__init__(input_size, units, return_sequences, go_backwards)
        self.act, self.recurrent_act = activation(act), activation(recurrent_act)

    def step(self, x, h):
        u, k = self.units, self.recurrent_kernel
        xz, xr, xh = (x @ self.kernel + self.bias).split(u, -1)
        z = self.recurrent_act(xz + h @ k[:, :u])
        r = self.recurrent_act(xr + h @ k[:, u:2 * u])
        hh = self.act(xh + (r * h) @ k[:, 2 * u:])
        h = z * h + (1 - z) * hh
        return h, h`,
}, 3, ['activation', 'recurrent_activation']);

export const gru: BlockDef = {
  id: 'gru', className: 'GRU', kind: 'recurrent', wrapper: false, lesson: 'lstm-gru', arity: ONE,
  name: L('واحد بازگشتی دروازه‌دار (GRU)', 'GRU'),
  help: L('بازگشتی با دو دروازه، سبک‌تر از LSTM: (None, T, d) ← (None, واحدها)، یا (None, T, واحدها) با برگرداندن دنباله.', 'Recurrent layer with two gates, lighter than LSTM: (None, T, d) -> (None, units), or (None, T, units) with return_sequences.'),
  params: [
    units(32), activation('tanh'), recurrentActivation, dropout, recurrentDropout, returnSequences, goBackwards,
    { name: 'reset_after', type: 'bool', default: false, label: L('اعمال دروازهٔ بازنشانی پس از ضرب ماتریسی', 'Apply reset gate after the matrix product') },
  ],
  // three weight blocks [z, r, h]; reset_after keeps a second (recurrent) bias, and tfjs 4.22 cannot run it
  output: rnnRule(3, (p) => (p.reset_after === true ? 2 : 1), (p) => (p.reset_after === true ? [{ code: 'reset_after_unsupported' }] : [])),
  keras: {
    fixed: RNN_FIXED,
    // TF2 Keras defaults to reset_after=True; tfjs writes nothing, so an exported file says it
    explicit: { reset_after: false },
    refuse: (cfg) => (cfg.reset_after === true ? { issue: 'gru_reset_after', detail: 'GRU with reset_after=True (the TF2 default) is not supported; save it with reset_after=False' } : null),
  },
  initializers: RECURRENT_INIT,
  kernels: { rnn: 'GRU', kerasGruStep: true },
  h5Path: cellPath('gru_cell'),
  keras3Vars: cellVars('gru_cell'),
  keras3Objects: cellObjects('gru_cell'),
  // tf.profile, tfjs 4.22, T=120, batch 64, 14 features, 64 units: about 90 values per unit and step
  memory: { bpttFactor: 96 },
  torch: (layer) => (layer.config.reset_after === true ? refuse('GRU with reset_after=True') : torchGru(layer)),
};
