import { ONE, L } from './params';
import { needRank, num, ok } from './shape-kit';
import type { BlockDef } from './types';

export const repeatVector: BlockDef = {
  id: 'repeat_vector', className: 'RepeatVector', kind: 'core', wrapper: false, lesson: 'captioning', arity: ONE,
  name: L('تکرار بردار', 'RepeatVector'),
  help: L('یک بردار را n بار تکرار می‌کند و محور زمان می‌سازد: (None, d) ← (None, n, d).', 'Repeats one vector n times, creating a time axis: (None, d) -> (None, n, d).'),
  params: [{ name: 'n', type: 'int', default: 12, min: 1, max: 100_000, label: L('تعداد تکرار', 'Repetitions') }],
  output: (p, s) => needRank(s, 2) ?? ok([null, num(p, 'n'), s[1] ?? null], 1),
};
