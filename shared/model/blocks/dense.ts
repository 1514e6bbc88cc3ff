import { ONE, KERNEL_INIT, L, activation, units } from './params';
import { needFeatures, num, ok } from './shape-kit';
import type { BlockDef } from './types';

export const dense: BlockDef = {
  id: 'dense', className: 'Dense', kind: 'core', wrapper: false, lesson: 'core', arity: ONE,
  name: L('لایهٔ چگال (تمام‌متصل)', 'Dense'),
  help: L('فقط محور آخر را به «واحدها» نگاشت می‌کند: (None, ..., d) ← (None, ..., واحدها)؛ محور زمان اگر باشد می‌ماند.', 'Maps only the last axis to units: (None, ..., d) -> (None, ..., units); a time axis, if any, stays.'),
  params: [units(1), activation('linear')],
  output: (p, s, t) => {
    const bad = needFeatures(s);
    if (bad) return bad;
    const u = num(p, 'units');
    return ok([...s.slice(0, -1), u], t, (s[s.length - 1] as number) * u + u);
  },
  keras: { fixed: { use_bias: true } },
  initializers: KERNEL_INIT,
};
