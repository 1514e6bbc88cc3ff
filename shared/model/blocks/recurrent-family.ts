/** Shared parts of the recurrent blocks (SimpleRNN, LSTM, GRU; ConvLSTM2D uses the config and rule shape). */
import { needFeatures, needRank, ok } from './shape-kit';
import { cannot, int, onnxWeight, out, reverseTime, rnnActivations, swapBatchTime } from './onnx-kit';
import { ACTIVATION_CODE, kerasWeight, permute, pyLit, refuse, torchActivation, weightOr } from './torch-kit';
import type { Keras3VarPath, LayerRule, OnnxAttr, OnnxResult, OnnxSource, Params, RuleIssue, Shape, TorchCode, TorchResult, TorchSource } from './types';

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
 * <activations named by acts>, return_sequences=..., go_backwards=...)`, Keras's arrays unchanged
 * (biasRows: GRU reset_after=True keeps its bias as (2, gates * units)).
 */
export function rnnTorch(cell: TorchCode, gates: number, acts: readonly string[], biasRows = 1): (layer: TorchSource) => TorchResult {
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
      weights: [{ ...kernel, name: 'kernel' }, { ...recurrent, name: 'recurrent_kernel' }, weightOr(layer, 'bias', biasRows > 1 ? [biasRows, width] : [width], 0)],
    };
  };
}

/** Row blocks of a (gates * units, cols) array moved from Keras's gate order to ONNX's: block j <- block order[j]. */
function gateRows(a: Float32Array, gates: number, order: readonly number[]): Float32Array {
  const block = a.length / gates;
  const o = new Float32Array(a.length);
  order.forEach((src, dst) => o.set(a.subarray(src * block, (src + 1) * block), dst * block));
  return o;
}

export interface RnnOnnxForm {
  op: 'RNN' | 'GRU' | 'LSTM';
  gates: number;
  /** For each ONNX gate, the Keras gate block it takes (LSTM: ONNX i, o, f, c from Keras i, f, c, o). */
  order: readonly number[];
  /** Config keys of the activations in ONNX's order (GRU: f for z and r, g for the candidate). */
  acts: readonly string[];
  /** Further attributes (GRU: linear_before_reset). */
  attrs?: (cfg: Record<string, unknown>) => Record<string, OnnxAttr>;
}

/**
 * The ONNX form of a recurrent layer: ONNX's own RNN / GRU / LSTM op, which runs time-major
 * (time, batch, features), so the input is transposed there and the output back. Weights go
 * to ONNX's layout: W (1, gates * units, features) and R (1, gates * units, units), Keras's
 * kernels transposed with the gate blocks reordered, and B (1, 2 * gates * units) = [input
 * bias, recurrent bias] (zero where Keras has one bias only). go_backwards reverses the input
 * and runs forwards: the steps come out in reading order, as Keras returns them.
 */
export function rnnOnnx(form: RnnOnnxForm): (layer: OnnxSource) => OnnxResult {
  return (layer) => {
    const { g, config: cfg } = layer;
    if (cfg.return_state === true || cfg.stateful === true) return cannot(`${form.op} with return_state or stateful`);
    const acts = rnnActivations(form.acts.map((k) => cfg[k]));
    if (!acts) return cannot(`${form.op} with activation ${form.acts.map((k) => String(cfg[k])).join(', ')}`);
    const kernel = onnxWeight(layer, 'kernel');
    const recurrent = onnxWeight(layer, 'recurrent_kernel');
    if (!kernel || !recurrent) return cannot(`${form.op} without its kernels`);
    const [features, width] = kernel.shape as [number, number];
    const units = width / form.gates;
    const rows = (a: Float32Array): Float32Array => gateRows(a, form.gates, form.order);
    const bias = onnxWeight(layer, 'bias');
    // GRU reset_after keeps (2, 3u): input and recurrent bias
    const [wb, rb] = !bias ? [new Float32Array(width), new Float32Array(width)] : bias.shape.length === 2 ? [bias.data.subarray(0, width), bias.data.subarray(width)] : [bias.data, new Float32Array(width)];
    const b = new Float32Array(2 * width);
    b.set(rows(wb));
    b.set(rows(rb), width);
    const W = g.floats('W', [1, width, features], rows(permute(kernel, [1, 0], 'W').data));
    const R = g.floats('R', [1, width, units], rows(permute(recurrent, [1, 0], 'R').data));
    const x = cfg.go_backwards === true ? reverseTime(g, layer.inputs[0]!) : layer.inputs[0]!;
    const attrs = { hidden_size: int(units), direction: { s: 'forward' }, ...acts, ...(form.attrs?.(cfg) ?? {}) };
    const [y, last] = g.ops(form.op, [swapBatchTime(g, x, 'time_major'), W, R, g.floats('B', [1, 2 * width], b)], 2, attrs, form.op.toLowerCase()) as [string, string];
    // Y is (time, directions, batch, units); Y_h (directions, batch, units)
    if (cfg.return_sequences === true) return out(swapBatchTime(g, g.op('Squeeze', [y, g.int64s('direction_axis', [1])], {}, 'steps'), 'batch_major'));
    return out(g.op('Squeeze', [last, g.int64s('direction_axis', [0])], {}, 'last'));
  };
}
