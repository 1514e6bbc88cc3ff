import { ONE, L, RECURRENT_INIT, activation, dropout, goBackwards, hardSigmoidGates, recurrentActivation, recurrentDropout, returnSequences, units } from './params';
import { RNN_FIXED, cellObjects, cellPath, cellVars, rnnOnnx, rnnRule, rnnTorch } from './recurrent-family';
import { kerasWeight, prefixed, pyLit, weightOr } from './torch-kit';
import type { BlockDef, TorchArray, TorchResult, TorchSource } from './types';

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

/** reset_after=True with activations torch.nn.GRU does not have (tfjs's default hard_sigmoid gates). */
const torchGruResetAfterCell = rnnTorch({
  name: 'KerasGRUResetAfter',
  source: `class KerasGRUResetAfter(KerasRNN):
    """Keras's GRU with reset_after=True (torch.nn.GRU's form) and activations torch.nn.GRU does not
    offer: gate columns [z, r, h]; bias (2, 3 * units), the input row and the recurrent row; the
    reset gate scales the recurrent product."""

    gates = 3

    def __init__(self, input_size, units, act, recurrent_act, return_sequences=False, go_backwards=False):
        super().__init__(input_size, units, return_sequences, go_backwards)
        self.act, self.recurrent_act = activation(act), activation(recurrent_act)
        self.bias = nn.Parameter(torch.zeros(2, 3 * units))

    def step(self, x, h):
        u = self.units
        xz, xr, xh = (x @ self.kernel + self.bias[0]).split(u, -1)
        hz, hr, hn = (h @ self.recurrent_kernel + self.bias[1]).split(u, -1)
        z = self.recurrent_act(xz + hz)
        r = self.recurrent_act(xr + hr)
        hh = self.act(xh + r * hn)
        h = z * h + (1 - z) * hh
        return h, h`,
}, 3, ['activation', 'recurrent_activation'], 2);

const TORCH_GRU = {
  name: 'TorchGRU',
  source: `class TorchGRU(nn.Module):
    """Keras's GRU with reset_after=True, tanh and sigmoid gates: torch.nn.GRU itself. Its weights
    are Keras's with the gate blocks reordered from Keras's [z, r, h] columns to torch's [r, z, n]
    rows. go_backwards reads from the last step and returns the steps in that order, as Keras does."""

    def __init__(self, input_size, units, return_sequences=False, go_backwards=False):
        super().__init__()
        self.gru = nn.GRU(input_size, units, batch_first=True)
        self.return_sequences, self.go_backwards = return_sequences, go_backwards

    def forward(self, x):
        y, _ = self.gru(torch.flip(x, [1]) if self.go_backwards else x)
        return y if self.return_sequences else y[:, -1]`,
};

/**
 * A Keras array whose last axis holds the gate blocks [z, r, h] of `u` units, as torch's
 * (3u, rows) with its gate rows [r, z, n]: transposed, blocks reordered.
 */
function torchGates(a: TorchArray, u: number, name: string): TorchArray {
  const rows = a.data.length / (3 * u);
  const out = new Float32Array(a.data.length);
  [1, 0, 2].forEach((g, slot) => {
    for (let j = 0; j < u; j++) for (let i = 0; i < rows; i++) out[(slot * u + j) * rows + i] = a.data[i * 3 * u + g * u + j]!;
  });
  return { name, shape: rows === 1 ? [3 * u] : [3 * u, rows], data: out };
}

/** reset_after=True: torch.nn.GRU where its fixed activations are the layer's, else the Keras cell. */
function torchGruResetAfter(layer: TorchSource): TorchResult {
  const cfg = layer.config;
  if (cfg.activation !== 'tanh' || cfg.recurrent_activation !== 'sigmoid' || cfg.return_state === true || cfg.stateful === true) return torchGruResetAfterCell(layer);
  const kernel = kerasWeight(layer, 'kernel');
  const recurrent = kerasWeight(layer, 'recurrent_kernel');
  if (!kernel || !recurrent) return torchGruResetAfterCell(layer);
  const [features, width] = kernel.shape as [number, number];
  const u = width / 3;
  // no bias (use_bias=False): zeros, which torch adds exactly
  const bias = weightOr(layer, 'bias', [2, width], 0);
  const row = (k: number): TorchArray => ({ name: 'b', shape: [width], data: bias.data.subarray(k * width, (k + 1) * width) });
  return {
    module: `TorchGRU(${features}, ${u}, return_sequences=${pyLit(cfg.return_sequences === true)}, go_backwards=${pyLit(cfg.go_backwards === true)})`,
    code: [TORCH_GRU],
    weights: prefixed('gru.', [torchGates(kernel, u, 'weight_ih_l0'), torchGates(recurrent, u, 'weight_hh_l0'), torchGates(row(0), u, 'bias_ih_l0'), torchGates(row(1), u, 'bias_hh_l0')]),
  };
}

export const gru: BlockDef = {
  id: 'gru', className: 'GRU', kind: 'recurrent', wrapper: false, lesson: 'lstm-gru', arity: ONE,
  name: L('واحد بازگشتی دروازه‌دار (GRU)', 'GRU'),
  help: L('بازگشتی با دو دروازه، سبک‌تر از LSTM: (None, T, d) ← (None, واحدها)، یا (None, T, واحدها) با برگرداندن دنباله.', 'Recurrent layer with two gates, lighter than LSTM: (None, T, d) -> (None, units), or (None, T, units) with return_sequences.'),
  params: [
    units(32), activation('tanh'), recurrentActivation, dropout, recurrentDropout, returnSequences, goBackwards,
    { name: 'reset_after', type: 'bool', default: false, label: L('اعمال دروازهٔ بازنشانی پس از ضرب ماتریسی', 'Apply reset gate after the matrix product') },
  ],
  // three weight blocks [z, r, h]; reset_after keeps a second (recurrent) bias, shape (2, 3u)
  output: rnnRule(3, (p) => (p.reset_after === true ? 2 : 1)),
  keras: {
    fixed: RNN_FIXED,
    // TF2 Keras defaults to reset_after=True; tfjs writes nothing, so an exported file says it
    explicit: { reset_after: false },
    // tfjs's GRUCell throws on reset_after; the engine's layer (kernels/rnn/gru-reset-after.ts) builds it
    engineOnly: (cfg) => cfg.reset_after === true,
  },
  initializers: RECURRENT_INIT,
  // reset_after=True: tfjs 4.x cannot build it, the engine's own layer does (fused: the kernels' reset_after form)
  kernels: { rnn: 'GRU', kerasGruStep: true, gruResetAfter: true },
  h5Path: cellPath('gru_cell'),
  keras3Vars: cellVars('gru_cell'),
  keras3Objects: cellObjects('gru_cell'),
  // Keras 3.16 keras/src/layers/rnn/gru.py: columns [z, r, h] (266 split), z and r through
  // recurrent_activation (283-284), the candidate through activation (293). reset_after=True's
  // (2, 3u) bias (171): both rows' columns scale, and r * (h.Rh + b_rh) stays linear in them;
  // reset_after=False: (r * h).Rh is linear in Rh's columns too
  keras3HardSigmoid: hardSigmoidGates(['recurrent_activation', 'recurrent_activation', 'activation']),
  // tf.profile, tfjs 4.22, T=120, batch 64, 14 features, 64 units: about 90 values per unit and step
  memory: { bpttFactor: 96 },
  torch: (layer) => (layer.config.reset_after === true ? torchGruResetAfter(layer) : torchGru(layer)),
  // gate order z, r, h in both; linear_before_reset=0 is Keras's reset_after=False (the reset
  // gate scales the state before its product), 1 is reset_after=True (after, bias inside)
  onnx: rnnOnnx({ op: 'GRU', gates: 3, order: [0, 1, 2], acts: ['recurrent_activation', 'activation'], attrs: (cfg) => ({ linear_before_reset: { i: cfg.reset_after === true ? 1 : 0 } }) }),
};
