import { ONE, L } from './params';
import type { BlockDef } from './types';

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
  h5Path: (index, count, inner) => `${index < count / 2 ? 'forward' : 'backward'}_${inner?.name ?? 'rnn'}/${inner?.block?.h5Path?.(index, count) ?? ''}`,
};
