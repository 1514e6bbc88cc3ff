/** Shared parts of the recurrent blocks (SimpleRNN, LSTM, GRU; ConvLSTM2D uses the config and rule shape). */
import { needFeatures, needRank, ok } from './shape-kit';
import { ACTIVATION_CODE, kerasWeight, pyLit, refuse, torchActivation, weightOr } from './torch-kit';
import type { Keras3VarPath, LayerRule, Params, RuleIssue, Shape, TorchCode, TorchResult, TorchSource } from './types';

/** What Keras 2 / tfjs write for every recurrent layer beyond its params. */
export const RNN_FIXED = { use_bias: true, return_state: false, stateful: false, unroll: false } as const;

/** The output of a recurrent layer with `size` state units: the last step, or every step with return_sequences. */
export function recurrentOut(p: Params, s: Shape, size: (number | null)[], count: number, issues: RuleIssue[] = []) {
  return p.return_sequences ? ok([null, s[1] ?? null, ...size], 1, count, 0, issues) : ok([null, ...size], null, count, 0, issues);
}

/**
 * The rule of a (None, T, d) -> (None, units) recurrent layer with `gates` weight blocks:
 * gates x (d*u + u*u + biases*u) parameters.
 */
export function rnnRule(gates: number, biases: (p: Params) => number = () => 1, issues: (p: Params) => RuleIssue[] = () => []): LayerRule {
  return (p, s) => {
    const bad = needRank(s, 3) ?? needFeatures(s);
    if (bad) return bad;
    const d = s[2] as number;
    const u = typeof p.units === 'number' ? p.units : 0;
    return recurrentOut(p, s, [u], gates * (d * u + u * u + biases(p) * u), issues(p));
  };
}

/** HDF5 weight names inside the layer's cell: `gru/gru_cell/kernel:0`. */
export const cellPath = (cell: string) => (): string => `${cell}/`;

/** Keras 3 weights file: the variables are the cell's (`layers/gru/cell/vars/0`, the cell named `gru_cell`). */
export const cellVars = (cell: string) => (index: number): Keras3VarPath => ({ path: [{ attr: 'cell', name: cell }], index });
/** The cell Keras 3 walks inside a recurrent layer. */
export const cellObjects = (cell: string) => (): Keras3VarPath['path'][] => [[{ attr: 'cell', name: cell }]];

/** The Keras recurrent loop the PyTorch forms of SimpleRNN, GRU and LSTM share (their cells add `step`). */
export const RNN_TORCH_CODE: TorchCode = {
  name: 'KerasRNN',
  source: `class KerasRNN(nn.Module):
    """Keras's recurrent layer over (batch, time, features): the last output, or every step's with
    return_sequences. go_backwards reads from the last step and, as Keras does, returns the steps
    in that reading order. Dropout and recurrent dropout act only in training, so they are absent.
    Weights keep Keras's layout, gate blocks side by side: kernel (features, gates * units),
    recurrent_kernel (units, gates * units), bias (gates * units)."""

    gates = 1

    def __init__(self, input_size, units, return_sequences, go_backwards):
        super().__init__()
        self.units, self.return_sequences, self.go_backwards = units, return_sequences, go_backwards
        self.kernel = nn.Parameter(torch.zeros(input_size, self.gates * units))
        self.recurrent_kernel = nn.Parameter(torch.zeros(units, self.gates * units))
        self.bias = nn.Parameter(torch.zeros(self.gates * units))

    def initial_state(self, x):
        return x.new_zeros(x.shape[0], self.units)

    def forward(self, x):
        steps = range(x.shape[1] - 1, -1, -1) if self.go_backwards else range(x.shape[1])
        state, outputs = self.initial_state(x), []
        for t in steps:
            h, state = self.step(x[:, t], state)
            outputs.append(h)
        return torch.stack(outputs, 1) if self.return_sequences else outputs[-1]`,
};

/**
 * The PyTorch form of a recurrent layer with `gates` weight blocks: `<cell>(features, units,
 * <activations named by acts>, return_sequences=..., go_backwards=...)`, Keras's arrays unchanged.
 */
export function rnnTorch(cell: TorchCode, gates: number, acts: readonly string[]): (layer: TorchSource) => TorchResult {
  return (layer) => {
    const cfg = layer.config;
    const cls = cell.name.replace(/^Keras/, '');
    // return_state gives several outputs and stateful carries state across calls: the builder makes neither
    if (cfg.return_state === true || cfg.stateful === true) return refuse(`${cls} with return_state or stateful`);
    const names = acts.map((a) => torchActivation(cfg, a));
    if (names.some((n) => n === null)) return refuse(`${cls} with activation ${acts.map((a) => String(cfg[a])).join(', ')}`);
    const kernel = kerasWeight(layer, 'kernel');
    const recurrent = kerasWeight(layer, 'recurrent_kernel');
    if (!kernel || !recurrent) return refuse(`${cls} without its kernels`);
    const [features, width] = kernel.shape as [number, number];
    const units = width / gates;
    const loop = `return_sequences=${pyLit(cfg.return_sequences === true)}, go_backwards=${pyLit(cfg.go_backwards === true)}`;
    return {
      module: `${cell.name}(${[features, units, ...names, loop].join(', ')})`,
      code: [ACTIVATION_CODE, RNN_TORCH_CODE, cell],
      weights: [{ ...kernel, name: 'kernel' }, { ...recurrent, name: 'recurrent_kernel' }, weightOr(layer, 'bias', [width], 0)],
    };
  };
}
