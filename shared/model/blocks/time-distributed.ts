import { ONE, L } from './params';
import { fail, formatShape } from './shape-kit';
import type { BlockDef } from './types';

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
};
