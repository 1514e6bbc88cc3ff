// RMSprop's update for main/engine/kernels/optim.ts (FusedRMSProp), four lanes at a time.
// Every operation is one float32 operation, in the order of tfjs's kernels, so the result
// is tfjs's to the bit (IEEE float32 rounds each +, *, / and sqrt the same way everywhere).
import { at } from './activations';

/**
 * ms = ms*decay + g*g*(1-decay); mom = mom*momentum + g*lr / sqrt(ms + eps); v -= mom,
 * over n floats in place.
 */
export function rmspropUpdate(v: usize, g: usize, ms: usize, mom: usize, n: i32, decay: f32, oneMinusDecay: f32, momentum: f32, lr: f32, eps: f32): void {
  const vd = f32x4.splat(decay), vo = f32x4.splat(oneMinusDecay), vm = f32x4.splat(momentum), vl = f32x4.splat(lr), ve = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const gk = v128.load(at(g, i));
    const m2 = f32x4.add(f32x4.mul(v128.load(at(ms, i)), vd), f32x4.mul(f32x4.mul(gk, gk), vo));
    const step = f32x4.add(f32x4.mul(v128.load(at(mom, i)), vm), f32x4.div(f32x4.mul(gk, vl), f32x4.sqrt(f32x4.add(m2, ve))));
    v128.store(at(ms, i), m2);
    v128.store(at(mom, i), step);
    v128.store(at(v, i), f32x4.sub(v128.load(at(v, i)), step));
  }
  for (; i < n; i++) {
    const gk = load<f32>(at(g, i));
    const m2 = load<f32>(at(ms, i)) * decay + gk * gk * oneMinusDecay;
    const step = load<f32>(at(mom, i)) * momentum + (gk * lr) / sqrt<f32>(m2 + eps);
    store<f32>(at(ms, i), m2);
    store<f32>(at(mom, i), step);
    store<f32>(at(v, i), load<f32>(at(v, i)) - step);
  }
}
