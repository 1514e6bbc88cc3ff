import { ONE, L, epsilon } from './params';
import { needFeatures, ok } from './shape-kit';
import type { BlockDef } from './types';

export const batchNormalization: BlockDef = {
  id: 'batch_normalization', className: 'BatchNormalization', kind: 'core', wrapper: false, lesson: 'core', arity: ONE,
  name: L('نرمال‌سازی دسته‌ای', 'BatchNormalization'),
  help: L('محور آخر را با میانگین و واریانس دسته نرمال می‌کند؛ شکل تغییر نمی‌کند (۴c پارامتر، ۲c آن غیرقابل‌آموزش).', 'Normalises the last axis with batch statistics; the shape stays (4c parameters, 2c of them non-trainable).'),
  params: [{ name: 'momentum', type: 'float', default: 0.99, min: 0, max: 1, label: L('تکانه', 'Momentum') }, epsilon],
  // gamma, beta (trainable); moving_mean, moving_variance (not)
  output: (_p, s, t) => {
    const bad = needFeatures(s);
    if (bad) return bad;
    const c = s[s.length - 1] as number;
    // tfjs 4.22's batchNormalization op stops at rank 4 (a video tensor fails when it runs)
    return ok([...s], t, 2 * c, 2 * c, s.length > 4 ? [{ code: 'rank_unsupported', params: { rank: s.length, max: 4 } }] : []);
  },
  keras: { fixed: { axis: -1, center: true, scale: true } },
};
