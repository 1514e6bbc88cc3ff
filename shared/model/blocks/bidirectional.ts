import { ONE, L, wrappedHardSigmoid } from './params';
import { cannot, int, isOnnxRefusal, out, reverseTime } from './onnx-kit';
import { isRefusal, prefixed, refuse } from './torch-kit';
import type { BlockDef, TorchCode } from './types';

const MERGE_MODES = ['concat', 'sum', 'mul', 'ave'];
const BIDIRECTIONAL_CODE: TorchCode = {
  name: 'KerasBidirectional',
  source: `class KerasBidirectional(nn.Module):
    """Keras's Bidirectional: the wrapped layer reading forwards and a copy reading backwards (its
    go_backwards flipped); with return_sequences the backward outputs are put back in time order."""

    def __init__(self, forward_layer, backward_layer, merge_mode):
        super().__init__()
        self.forward_layer, self.backward_layer, self.merge_mode = forward_layer, backward_layer, merge_mode

    def forward(self, x):
        y, y_rev = self.forward_layer(x), self.backward_layer(x)
        if self.backward_layer.return_sequences:
            y_rev = y_rev.flip(1)
        if self.merge_mode == "concat":
            return torch.cat([y, y_rev], -1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return 0.5 * (y + y_rev)
        return y * y_rev`,
};

export const bidirectional: BlockDef = {
  id: 'bidirectional', className: 'Bidirectional', kind: 'wrapper', wrapper: true, lesson: 'bidirectional', arity: ONE,
  wraps: ['simple_rnn', 'lstm', 'gru'], wrapsDefault: 'gru',
  name: L('دوسویه', 'Bidirectional'),
  help: L('لایهٔ بازگشتی درونش را یک بار رو به جلو و یک بار رو به عقب اجرا می‌کند؛ با ادغام «الحاق» بُعد آخر دو برابر می‌شود.', 'Runs the wrapped RNN forwards and backwards; with merge mode concat the last axis doubles.'),
  params: [{ name: 'merge_mode', type: 'enum', default: 'concat', options: ['concat', 'sum', 'mul', 'ave'], label: L('روش ادغام دو جهت', 'Merge mode') }],
  // two copies of the wrapped layer; concat doubles the last axis
  wrap: (p, s, t, inner) => {
    const r = inner(s, t);
    if (!r.shape) return r;
    const shape = [...r.shape];
    if (p.merge_mode === 'concat') shape[shape.length - 1] = (shape[shape.length - 1] as number) * 2;
    return { ...r, shape, trainable: 2 * r.trainable, nonTrainable: 2 * r.nonTrainable };
  },
  // the first half of the variables is the forward layer's: forward_gru/gru_cell/..., then backward_gru/...
  // tfjs keeps the forward layer's variables first, then the backward copy's (wrappers.js)
  torch: (layer) => {
    const mode = layer.config.merge_mode;
    // merge_mode None returns both directions as separate outputs
    if (typeof mode !== 'string' || !MERGE_MODES.includes(mode)) return refuse(`Bidirectional with merge_mode ${String(mode)}`);
    const inner = (layer.config.layer as { config?: Record<string, unknown> } | undefined)?.config ?? {};
    const half = layer.weights.length / 2;
    const fwd = layer.wrapped!(inner, layer.weights.slice(0, half));
    const bwd = layer.wrapped!({ ...inner, go_backwards: inner.go_backwards !== true }, layer.weights.slice(half));
    if (isRefusal(fwd)) return fwd;
    if (isRefusal(bwd)) return bwd;
    return {
      module: `KerasBidirectional(${fwd.module}, ${bwd.module}, ${JSON.stringify(mode)})`,
      code: [...fwd.code, BIDIRECTIONAL_CODE],
      weights: [...prefixed('forward_layer.', fwd.weights), ...prefixed('backward_layer.', bwd.weights)],
    };
  },
  // the two directions as two recurrent ops (the backward one with go_backwards flipped), the
  // backward steps put back in time order with return_sequences, then merged
  onnx: (layer) => {
    const { g } = layer;
    const mode = layer.config.merge_mode;
    if (typeof mode !== 'string' || !MERGE_MODES.includes(mode)) return cannot(`Bidirectional with merge_mode ${String(mode)}`);
    const inner = (layer.config.layer as { config?: Record<string, unknown> } | undefined)?.config ?? {};
    const half = layer.weights.length / 2;
    const fwd = layer.wrapped!('forward', inner, layer.weights.slice(0, half), layer.inputs);
    if (isOnnxRefusal(fwd)) return fwd;
    const bwd = layer.wrapped!('backward', { ...inner, go_backwards: inner.go_backwards !== true }, layer.weights.slice(half), layer.inputs);
    if (isOnnxRefusal(bwd)) return bwd;
    const back = inner.return_sequences === true ? reverseTime(g, bwd.output) : bwd.output;
    if (mode === 'concat') return out(g.op('Concat', [fwd.output, back], { axis: int(-1) }));
    if (mode === 'mul') return out(g.op('Mul', [fwd.output, back]));
    const sum = g.op('Add', [fwd.output, back]);
    return out(mode === 'sum' ? sum : g.op('Mul', [sum, g.floats('half', [], Float32Array.of(0.5))], {}, 'ave'));
    },
  keras: {
    // Keras 3 writes the backward copy beside the forward one (names forward_<inner>, backward_<inner>)
    toKeras3: (cfg) => {
      const layer = cfg.layer as { config?: Record<string, unknown> } | undefined;
      const inner = String(layer?.config?.name ?? 'rnn').replace(/^(forward|backward)_/, '');
      const forward = { ...layer, config: { ...layer?.config, name: `forward_${inner}` } };
      const backward = { ...layer, config: { ...layer?.config, name: `backward_${inner}`, go_backwards: layer?.config?.go_backwards !== true } };
      return { ...cfg, layer: forward, backward_layer: backward };
    },
    // tfjs builds the backward copy itself from `layer`; a backward layer that is not that copy cannot be read
    fromKeras3: (cfg) => {
      const { backward_layer: backward, ...rest } = cfg;
      const b = (backward as { class_name?: unknown; config?: Record<string, unknown> } | undefined);
      const f = cfg.layer as { class_name?: unknown; config?: Record<string, unknown> } | undefined;
      if (b && (b.class_name !== f?.class_name || (b.config?.go_backwards === true) === (f?.config?.go_backwards === true))) {
        return { ...rest, backward_layer_differs: true };
      }
      return rest;
    },
    refuse: (cfg) => (cfg.backward_layer_differs === true ? { issue: 'bidirectional_backward_layer', detail: 'a Bidirectional whose backward_layer is not the forward layer read backwards' } : null),
  },
  keras3Vars: (index, count, inner) => {
    const half = count / 2;
    const forward = index < half;
    const own = inner?.block?.keras3Vars?.(forward ? index : index - half, half) ?? { path: [], index: forward ? index : index - half };
    return { path: [{ attr: forward ? 'forward_layer' : 'backward_layer', name: `${forward ? 'forward' : 'backward'}_${(inner?.name ?? 'rnn').replace(/^(forward|backward)_/, '')}` }, ...own.path], index: own.index };
  },
  keras3Objects: (inner) => {
    const base = (inner?.name ?? 'rnn').replace(/^(forward|backward)_/, '');
    const own = inner?.block?.keras3Objects?.() ?? [[]];
    return (['forward', 'backward'] as const).flatMap((side) => own.map((chain) => [{ attr: `${side}_layer`, name: `${side}_${base}` }, ...chain]));
  },
  // both copies hold the wrapped layer's variables
  keras3HardSigmoid: wrappedHardSigmoid,
  h5Path: (index, count, inner) => `${index < count / 2 ? 'forward' : 'backward'}_${inner?.name ?? 'rnn'}/${inner?.block?.h5Path?.(index, count) ?? ''}`,
};
