// Shared by every kernel file of the module: byte addressing and the activations (same
// formulas everywhere, so that fused and plain layers agree to the bit). Activation codes:
// 0 linear, 1 relu, 2 tanh, 3 sigmoid, 4 hard_sigmoid (tfjs's 0.2x + 0.5); derivatives are
// taken from the activation's output, as tfjs's gradients compute them.

// @ts-ignore: decorator
@inline export function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

// ------------------------------------------------------------------ activations

// exp by Cephes' expf polynomial (relative error ~2e-7), four lanes at a time; tanh and
// sigmoid are built on it. The scalar forms use the same formulas so that every element
// of a row gets the same arithmetic whatever its lane.

// @ts-ignore: decorator
@inline export function expv(x: v128): v128 {
  // pmin/pmax: one instruction each where min/max's NaN and -0 rules cost about seven in
  // V8; for a clamp with constant bounds they give the same values, NaN included
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.3)), f32x4.splat(88.3));
  const fx = f32x4.floor(f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), f32x4.splat(0.5)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, x), x), x), f32x4.splat(1));
  // 2^fx from the bits of fx + 1.5*2^23, whose low mantissa bits are the integer fx (|fx| <= 128):
  // the same integer as trunc_sat, without its saturation sequence (about 7 instructions in V8)
  const e = i32x4.shl(i32x4.add(f32x4.add(fx, f32x4.splat(12582912.0)), i32x4.splat(127)), 23);
  return f32x4.mul(y, e);
}

// @ts-ignore: decorator
@inline export function actv(kind: i32, x: v128): v128 {
  if (kind == 2) {
    // tanh(x) = sign(x) * (1 - 2 / (exp(2|x|) + 1))
    const a = f32x4.abs(x);
    const e = expv(f32x4.add(a, a));
    const t = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
    return v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
  }
  if (kind == 4) {
    // (pmin/pmax as in expv: y is never -0, so the values are min/max's)
    const y = f32x4.add(f32x4.mul(x, f32x4.splat(0.2)), f32x4.splat(0.5));
    return f32x4.pmin(f32x4.pmax(y, f32x4.splat(0)), f32x4.splat(1));
  }
  if (kind == 3) return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expv(f32x4.neg(x))));
  // pmax keeps -0 and NaN where max gives +0 and NaN; + 0 turns -0 into +0: max's values in two instructions
  if (kind == 1) return f32x4.add(f32x4.pmax(x, f32x4.splat(0)), f32x4.splat(0));
  return x;
}

// @ts-ignore: decorator
@inline export function act(kind: i32, x: f32): f32 {
  return f32x4.extract_lane(actv(kind, f32x4.splat(x)), 0);
}

// @ts-ignore: decorator
@inline export function dact(kind: i32, y: f32): f32 {
  if (kind == 2) return <f32>1 - y * y;
  if (kind == 4) return y > 0 && y < 1 ? <f32>0.2 : 0;
  if (kind == 3) return y * (<f32>1 - y);
  if (kind == 1) return y > 0 ? <f32>1 : 0;
  return 1;
}

// @ts-ignore: decorator
@inline export function dactv(kind: i32, y: v128): v128 {
  if (kind == 2) return f32x4.sub(f32x4.splat(1), f32x4.mul(y, y));
  if (kind == 4) return v128.and(f32x4.splat(0.2), v128.and(f32x4.gt(y, f32x4.splat(0)), f32x4.lt(y, f32x4.splat(1))));
  if (kind == 3) return f32x4.mul(y, f32x4.sub(f32x4.splat(1), y));
  if (kind == 1) return v128.and(f32x4.splat(1), f32x4.gt(y, f32x4.splat(0)));
  return f32x4.splat(1);
}


/** float32's smallest normal number: below it, values are subnormal. */
export const TINY: f32 = 1.17549435e-38;
/**
 * 2^-100 (7.9e-31): the carried gradients of the recurrent backward passes are cut below
 * this, so that the products made from them (by factors that are rarely below 1e-7) stay
 * normal numbers.
 */
export const SMALL: f32 = 7.88860905e-31;

/**
 * In place: values below `below` in magnitude become 0. Gradients carried back through
 * hundreds of timesteps decay into float32's subnormal range, and on Intel cores every
 * operation that reads or makes a subnormal float takes about a hundred cycles: a GRU(32)
 * training step on 240 timesteps ran 10x slower. What is dropped is below 1e-30 a value,
 * far below float32's resolution of any gradient that matters (1e-7 of the largest).
 */
export function flushTiny(p: usize, n: i32, below: f32 = TINY): void {
  const lim = f32x4.splat(below);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(at(p, i));
    v128.store(at(p, i), v128.andnot(v, f32x4.lt(f32x4.abs(v), lim)));
  }
  for (; i < n; i++) {
    const v = load<f32>(at(p, i));
    if (Mathf.abs(v) < below) store<f32>(at(p, i), 0);
  }
}

/** In place: p[0..n) = act(p[0..n)). */
export function actRun(kind: i32, p: usize, n: i32): void {
  if (kind == 0) return;
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(p, i), actv(kind, v128.load(at(p, i))));
  for (; i < n; i++) store<f32>(at(p, i), act(kind, load<f32>(at(p, i))));
}

/**
 * c + a*b four lanes at a time: fused (one rounding) where the module is compiled with
 * relaxed SIMD (scripts/build-wasm.mjs builds both forms; main/engine/kernels/rnn/wasm.ts
 * picks the fused one where the engine's V8 runs it), else a multiply and an add.
 */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
