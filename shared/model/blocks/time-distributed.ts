import { ONE, L, wrappedHardSigmoid } from './params';
import { fail, formatShape } from './shape-kit';
import { cannot, int, isOnnxRefusal, out } from './onnx-kit';
import { isRefusal, prefixed } from './torch-kit';
import type { BlockDef, TorchCode } from './types';

const TIME_DISTRIBUTED_CODE: TorchCode = {
  name: 'KerasTimeDistributed',
  source: `class KerasTimeDistributed(nn.Module):
    """Keras's TimeDistributed: the wrapped layer on every timestep, (batch, time, ...) -> (batch, time, ...')."""

    def __init__(self, layer):
        super().__init__()
        self.layer = layer

    def forward(self, x):
        b, t = x.shape[:2]
        y = self.layer(x.reshape(b * t, *x.shape[2:]))
        return y.reshape(b, t, *y.shape[1:])`,
};

export const timeDistributed: BlockDef = {
  id: 'time_distributed', className: 'TimeDistributed', kind: 'wrapper', wrapper: true, lesson: 'video-cnn-rnn', arity: ONE,
  wraps: ['dense', 'dropout', 'flatten', 'conv1d', 'conv2d', 'max_pooling1d', 'average_pooling1d', 'max_pooling2d', 'global_max_pooling1d', 'global_average_pooling1d'],
  wrapsDefault: 'dense',
  name: L('توزیع در زمان', 'TimeDistributed'),
  help: L('یک لایه را جداگانه روی هر گام زمانی اجرا می‌کند: (None, T, ...) ← (None, T, خروجی لایه).', 'Applies one layer to every timestep separately: (None, T, ...) -> (None, T, layer output).'),
  params: [],
  // the wrapped layer sees one timestep, (None, ...); its weights keep the wrapper's name (time_distributed/kernel:0)
  wrap: (_p, s, _t, inner) => {
    if (s.length < 3) return fail('time_distributed_needs_time', { shape: formatShape(s) });
    const r = inner([null, ...s.slice(2)], null);
    if (!r.shape) return r;
    return { ...r, shape: [null, s[1] ?? null, ...r.shape.slice(1)], timeAxis: 1 };
  },
  // Keras 3 weights file: the wrapped layer is the wrapper's `layer` (layers/time_distributed/layer/vars/0)
  keras3Vars: (index, count, inner) => {
    const own = inner?.block?.keras3Vars?.(index, count) ?? { path: [], index };
    return { path: [{ attr: 'layer', name: inner?.name ?? 'layer' }, ...own.path], index: own.index };
  },
  keras3HardSigmoid: wrappedHardSigmoid,
  keras3Objects: (inner) => (inner?.block?.keras3Objects?.() ?? [[]]).map((chain) => [{ attr: 'layer', name: inner?.name ?? 'layer' }, ...chain]),
  torch: (layer) => {
    const step = layer.inputShapes.map((s) => [s[0] ?? null, ...s.slice(2)]);
    const inner = layer.wrapped!((layer.config.layer as { config?: Record<string, unknown> } | undefined)?.config ?? {}, layer.weights, step);
    if (isRefusal(inner)) return inner;
    return { module: `KerasTimeDistributed(${inner.module})`, code: [...inner.code, TIME_DISTRIBUTED_CODE], weights: prefixed('layer.', inner.weights) };
  },
  // (batch, time, ...) -> (batch * time, ...) for the wrapped layer, then back with the input's own batch and time sizes
  onnx: (layer) => {
    const { g } = layer;
    const step = layer.inputShapes[0]!.slice(2);
    const stepOut = layer.outputShape.slice(2);
    if ([...step, ...stepOut].some((d) => d === null)) return cannot('TimeDistributed over an axis of unknown size');
    const x = g.op('Reshape', [layer.inputs[0]!, g.int64s('steps_shape', [-1, ...(step as number[])])], {}, 'steps');
    const inner = layer.wrapped!('layer', (layer.config.layer as { config?: Record<string, unknown> } | undefined)?.config ?? {}, layer.weights, [x], [[null, ...step]], [null, ...stepOut]);
    if (isOnnxRefusal(inner)) return inner;
    const batchTime = g.op('Shape', [layer.inputs[0]!], { start: int(0), end: int(2) }, 'batch_time');
    const shape = g.op('Concat', [batchTime, g.int64s('step_out_shape', stepOut as number[])], { axis: int(0) }, 'out_shape');
    return out(g.op('Reshape', [inner.output, shape]));
  },
};
