/**
 * Conv1D (+ bias + activation) and 1-D max pooling over a whole batch as single tfjs ops
 * with their own backward passes, run in the WebAssembly module of ../rnn/wasm.ts (the
 * same module and memory as the fused recurrent layers, so a Conv1D -> GRU model keeps
 * one stack of saved regions).
 *
 * Why: on tfjs-backend-wasm 4.22 a Conv1D is a Conv2D on [B, 1, T, C] whose input
 * gradient (Conv2DBackpropInput) and the pooling gradient (MaxPoolGrad) are slow generic
 * kernels; in listing 6.47 they took about 60 of the 110 ms of a training batch. Here a
 * window of a sequence is a contiguous run of memory, so the products need no im2col.
 *
 * The ops are registered through the engine's runKernelFunc (what tf.customGrad uses),
 * but with a lazy gradient per input: tfjs asks only for the gradients on a path to the
 * trained variables, so the first layer's input gradient (the data) is never computed.
 */
import { tf } from '../../platform/backend';
import { activeTape, heapValues as read, runLazyOp as runOp, type LazyGrads } from '../lazy-op';
import { regionOutput } from '../lazy-outputs';
import { tensorFrom } from '../rnn/op';
import { copyOf, REDUCE_PARTS, RnnWasm, type Region } from '../rnn/wasm';
import { FUSED_SWITCHES, fusedOn } from '../switches';

export const CONV1D_GRAD_SWITCH = 'conv1d-grad';
export const CONV1D_DX_SWITCH = 'conv1d-dx';
FUSED_SWITCHES[CONV1D_DX_SWITCH] =
  "With conv1d-grad and stride 1: Conv1D's input gradient as one product over the padded output gradient and the kernel flipped in time (off: each window's gradient scattered back onto the input)";
export const POOL1D_GRAD_SWITCH = 'pool1d-grad';
FUSED_SWITCHES[POOL1D_GRAD_SWITCH] =
  'MaxPooling1D gradient for windows that tile the sequence (stride = pool size): each input gradient written once (off: cleared, then added to)';
export const CONV_POOL_SWITCH = 'conv1d-pool';
FUSED_SWITCHES[CONV_POOL_SWITCH] =
  "Training: a Conv1D whose one consumer is a max pooling also pools each image while its output is in cache, and the pooling op takes that result (off: the pooling reads the whole output again)";
FUSED_SWITCHES[CONV1D_GRAD_SWITCH] =
  "Conv1D's backward pass as one kernel per image (activation derivative, bias and filter gradients, input gradient) in one split (off: dactMul, colSum, filter and input gradients as four passes over the batch)";

/** A convolution the kernels run: channels last, dilation 1. */
export interface Conv1dSpec {
  kernelSize: number;
  stride: number;
  /** 'valid' or 'same' ('causal' stays with tfjs, which refuses it, as on every backend). */
  padding: 'valid' | 'same';
  filters: number;
  /** Activation code (../rnn/op.ts ACTIVATION_CODES); 0 = linear. */
  activation: number;
}

export interface Pool1dSpec {
  poolSize: number;
  stride: number;
  padding: 'valid' | 'same';
}

/** CPU milliseconds spent in these ops while `enabled` (benchmarks only: the clock is a system call). */
export const convOpTimes = { enabled: false, forward: 0, backward: 0 };

function cpuMs<T>(key: 'forward' | 'backward', f: () => T): T {
  if (!convOpTimes.enabled) return f();
  const t0 = process.cpuUsage();
  try {
    return f();
  } finally {
    const t = process.cpuUsage(t0);
    convOpTimes[key] += (t.user + t.system) / 1000;
  }
}

/** Padding before and after a sequence of length T, and the output length (tfjs's rules). */
export function convGeometry(T: number, k: number, s: number, padding: 'valid' | 'same'): { padL: number; Tp: number; To: number } {
  if (padding === 'same') {
    const To = Math.ceil(T / s);
    const total = Math.max(0, (To - 1) * s + k - T);
    return { padL: Math.floor(total / 2), Tp: T + total, To };
  }
  return { padL: 0, Tp: T, To: Math.floor((T - k) / s) + 1 };
}


/** A pooling of a Conv1D output done by the convolution (see poolAfter), by the output's dataId. */
interface Pooled {
  p: number;
  s: number;
  padL: number;
  To: number;
  py: number;
  pidx: number;
  region: Region;
}
const pooledOutputs = new WeakMap<object, Pooled>();

/**
 * y = act(conv1d(x, kernel) + bias) for x [B, T, C], kernel [k, C, N], bias [N] (zeros
 * when the layer has none). With `grad` the op carries its backward pass. poolAfter: the
 * max pooling that will read y (a hint, ./index.ts): with `grad` it is computed here, image
 * by image, into this op's kept region, and fusedMaxPool1d takes it if its spec matches.
 */
export function fusedConv1d(w: RnnWasm, spec: Conv1dSpec, x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, grad: boolean, poolAfter: Pool1dSpec | 'global' | null = null): tf.Tensor {
  const [B, T, C] = x.shape as [number, number, number];
  const k = spec.kernelSize;
  const s = spec.stride;
  const N = spec.filters;
  const kC = k * C;
  const { padL, Tp, To } = convGeometry(T, k, s, spec.padding);
  if (To < 1) throw new RangeError('fused Conv1D: sequence shorter than the kernel');
  const outShape = [B, To, N];
  const pool = grad && poolAfter && fusedOn(CONV_POOL_SWITCH) ? poolOf(poolAfter, To) : null;
  const pooledFloats = pool ? B * pool.To * N : 0;

  const forward = (xt: tf.Tensor, ks: Float32Array, bs: Float32Array, tape: unknown): { y: Float32Array; region: Region | null; px: number; py: number; pooled: Pooled | null } =>
    cpuMs('forward', () => {
      w.begin();
      const region = tape !== null ? w.keep(B * Tp * C + B * To * N + (pool ? 2 * pooledFloats + 8 : 0) + 8, tape) : null;
      // the backward pass's scratch must fit as well: fail now (stock layer takes over), not in backprop
      const P = w.threads;
      // (the weight and bias gradients: one partial per chunk, reduceByChunks)
      if (region) w.reserve(B * To * N + (kC * N + N + 8) * (REDUCE_PARTS + 1) + P * Math.max(To * kC, (To + 2 * k - 2) * N) + 2 * B * Tp * C + 64);
      let px: number;
      let py: number;
      if (region) {
        px = region.start;
        py = px + ((B * Tp * C * 4 + 15) & ~15);
      } else {
        px = w.alloc(B * Tp * C);
        py = w.alloc(B * To * N);
      }
      // the input may still lie in this memory, kept by the op that made it (a pooling or
      // convolution before this one): then it is read there, and no copy comes in
      const resident = region && padL === 0 && Tp === T ? w.residentOffset(xt, B * T * C) : null;
      if (resident !== null) {
        px = resident;
      } else if (padL === 0 && Tp === T) {
        w.view(px, B * T * C).set(read(xt));
      } else {
        const raw = w.put(read(xt));
        w.split('padSeq', B, { args: [raw, px, B, T, C, padL, Tp], count: 2, perItem: [T * C * 4, Tp * C * 4, 0, 0, 0, 0, 0] });
      }
      const pw = w.put(ks);
      const pb = w.put(bs);
      // images split among the kernel threads (rnn/team.ts)
      if (pool && region) {
        const ppy = py + ((B * To * N * 4 + 15) & ~15);
        const pidx = ppy + ((pooledFloats * 4 + 15) & ~15);
        const q = pool.To * N * 4;
        w.split('conv1dForwardPool', B, {
          args: [B, Tp, C, To, s, kC, N, px, pw, pb, py, spec.activation, pool.p, pool.s, pool.padL, pool.To, ppy, pidx],
          count: 0,
          perItem: [0, 0, 0, 0, 0, 0, 0, Tp * C * 4, 0, 0, To * N * 4, 0, 0, 0, 0, 0, q, q],
        });
        return { y: w.view(py, B * To * N), region, px, py, pooled: { ...pool, py: ppy, pidx, region } };
      }
      w.split('conv1dForward', B, { args: [B, Tp, C, To, s, kC, N, px, pw, pb, py, spec.activation], count: 0, perItem: [0, 0, 0, 0, 0, 0, 0, Tp * C * 4, 0, 0, To * N * 4, 0] });
      // a view: made a tensor (tensorFrom) before the module runs again
      return { y: w.view(py, B * To * N), region, px, py, pooled: null };
    });

  if (!grad) {
    return tensorFrom(forward(x, read(kernel), read(bias), null).y, outShape);
  }
  const tape = activeTape();
  let saved: { region: Region | null; px: number; py: number } | null = null;
  let kCopy: Float32Array | null = null;

  /**
   * The backward pass as one split (conv1dBackward), run on the first gradient tfjs asks
   * for. tfjs asks for the inputs on a path to the trained variables in the op's input
   * order (x, kernel, bias), so x first means dx is wanted; otherwise it never is. dW and
   * db are copied out at once: each gradient call is a tidy of its own.
   */
  const fusedGrads = (dy: tf.Tensor): LazyGrads => {
    let out: { dx: Float32Array | null; dw: Float32Array; db: Float32Array } | null = null;
    const run = (wantX: boolean): NonNullable<typeof out> => {
      if (out) return out;
      const sv = saved!;
      out = cpuMs('backward', () => {
        const resident = w.residentOffset(dy, B * To * N);
        w.release(sv.region!);
        let pdz: number;
        if (resident !== null) {
          w.protect(resident + B * To * N * 4);
          pdz = resident;
        } else {
          pdz = w.put(read(dy));
        }
        const parts = w.threads;
        // dw and db of one chunk of images side by side: one partial per fixed chunk, summed in order
        const dwFloats = (kC * N + 3) & ~3;
        const partFloats = dwFloats + N;
        let pwT = 0;
        let cols = 0;
        let pdx = 0;
        // the product runs over Tp rows instead of To: worth it while that adds little (listing 6.47: 78 vs 74, not 24 vs 20)
        const direct = wantX && s === 1 && Tp * 10 <= To * 11 && fusedOn(CONV1D_DX_SWITCH);
        // per thread: the padded output gradient of one image (direct) or its windows' gradients
        const colFloats = direct ? (To + 2 * k - 2) * N : To * kC;
        if (wantX) {
          const pw = w.put(kCopy!);
          pwT = w.alloc(N * kC);
          if (direct) w.k.conv1dFlipKernel(pw, pwT, k, C, N);
          else w.k.transpose(pw, pwT, kC, N);
          cols = w.alloc(parts * colFloats);
          pdx = w.alloc(B * Tp * C);
        }
        const n = To * N * 4;
        const stride = RnnWasm.partStride(partFloats);
        const pdw = w.reduceByChunks(B, partFloats, (chunk, first) =>
          w.split('conv1dBackward', B, {
            args: [B, Tp, C, To, s, kC, N, spec.activation, sv.py, pdz, sv.px, first, first + dwFloats * 4, pwT, cols, pdx, direct ? 1 : 0],
            count: 0,
            chunk,
            perItem: [0, 0, 0, 0, 0, 0, 0, 0, n, n, Tp * C * 4, 0, 0, 0, 0, wantX ? Tp * C * 4 : 0, 0],
            // each thread its own scratch; each chunk its own partial sums
            perThread: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, wantX ? colFloats * 4 : 0, 0, 0],
            perChunk: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, stride, stride, 0, 0, 0, 0],
          }),
        );
        const pdb = pdw + dwFloats * 4;
        let dx: Float32Array | null = null;
        if (wantX) {
          if (padL === 0 && Tp === T) dx = w.view(pdx, B * T * C);
          else {
            const pc = w.alloc(B * T * C);
            w.split('cropSeq', B, { args: [pdx, pc, B, Tp, C, padL, T], count: 2, perItem: [Tp * C * 4, T * C * 4, 0, 0, 0, 0, 0] });
            dx = w.view(pc, B * T * C);
          }
        }
        return { dx, dw: copyOf(w.view(pdw, kC * N)), db: copyOf(w.view(pdb, N)) };
      });
      return out;
    };
    return {
      x: () => {
        const r = run(true);
        if (!r.dx) throw new Error('fused Conv1D: the input gradient was asked for after the weights');
        const dx = tensorFrom(r.dx, [B, T, C]);
        // the gradient of the op before this one: it may read it here (until the next op begins)
        w.markResident(dx, r.dx.byteOffset, B * T * C, null);
        return dx;
      },
      kernel: () => tf.tensor(run(false).dw, kernel.shape, 'float32'),
      bias: () => tf.tensor(run(false).db, bias.shape, 'float32'),
    };
  };

  return runOp({
    inputs: { x, kernel, bias },
    forwardFunc: () => {
      kCopy = copyOf(read(kernel));
      const r = forward(x, kCopy, read(bias), tape);
      saved = r;
      // y stays in this op's region until its backward pass: the next fused op may read it there
      const y = r.region ? regionOutput(w, r.py, B * To * N, outShape, r.region, tensorFrom) : tensorFrom(r.y, outShape);
      if (r.pooled) pooledOutputs.set(y.dataId, r.pooled);
      return y;
    },
    backwardsFunc: (dy) => {
      if (fusedOn(CONV1D_GRAD_SWITCH)) return fusedGrads(dy);
      // dz = dy * act'(y), computed once, on the first gradient tfjs asks for
      let pdz = -1;
      const dz = (): number => {
        if (pdz >= 0) return pdz;
        const sv = saved!;
        cpuMs('backward', () => {
          // dy as the fused op after this one left it (its input gradient), or copied in;
          // it is then overwritten with dz: tfjs holds its own copy
          const resident = w.residentOffset(dy, B * To * N);
          w.release(sv.region!);
          if (resident !== null) {
            w.protect(resident + B * To * N * 4);
            pdz = resident;
          } else {
            pdz = w.put(read(dy));
          }
          const n = To * N * 4;
          if (spec.activation !== 0) w.split('dactMul', B, { args: [spec.activation, sv.py, pdz, B], count: 3, scale: To * N, perItem: [0, n, n, 0] });
        });
        return pdz;
      };
      return {
        x: () => {
          const p = dz();
          const out = cpuMs('backward', () => {
            const m = w.k;
            const pw = w.put(kCopy!);
            const pwT = w.alloc(N * kC);
            m.transpose(pw, pwT, kC, N);
            const cols = w.alloc(w.threads * To * kC);
            const pdx = w.alloc(B * Tp * C);
            w.split('conv1dInputGrad', B, {
              args: [B, Tp, C, To, s, kC, N, p, pwT, cols, pdx],
              count: 0,
              perItem: [0, 0, 0, 0, 0, 0, 0, To * N * 4, 0, 0, Tp * C * 4],
              // each thread its own window scratch
              perThread: [0, 0, 0, 0, 0, 0, 0, 0, 0, To * kC * 4, 0],
            });
            if (padL === 0 && Tp === T) return w.view(pdx, B * T * C);
            const pc = w.alloc(B * T * C);
            w.split('cropSeq', B, { args: [pdx, pc, B, Tp, C, padL, T], count: 2, perItem: [Tp * C * 4, T * C * 4, 0, 0, 0, 0, 0] });
            return w.view(pc, B * T * C);
          });
          const dx = tensorFrom(out, [B, T, C]);
          // the gradient of the op before this one: it may read it here (until the next op begins)
          w.markResident(dx, out.byteOffset, B * T * C, null);
          return dx;
        },
        kernel: () => {
          const p = dz();
          const out = cpuMs('backward', () => {
            // one partial per fixed chunk of images, summed in order: the same bits on any thread count
            const pdw = w.reduceByChunks(B, kC * N, (chunk, first) =>
              w.split('conv1dFilterGrad', B, {
                args: [B, Tp, C, To, s, kC, N, saved!.px, p, first, 1],
                count: 0,
                chunk,
                perItem: [0, 0, 0, 0, 0, 0, 0, Tp * C * 4, To * N * 4, 0, 0],
                perChunk: [0, 0, 0, 0, 0, 0, 0, 0, 0, RnnWasm.partStride(kC * N), 0],
              }),
            );
            return w.view(pdw, kC * N);
          });
          return tensorFrom(out, kernel.shape);
        },
        bias: () => {
          const p = dz();
          const out = cpuMs('backward', () => {
            // column sums of dz, one partial per fixed chunk of images
            const pdb = w.reduceByChunks(B, N, (chunk, first) =>
              w.split('colSum', B, { args: [p, first, B, N, 1], count: 2, scale: To, chunk, perItem: [To * N * 4, 0, 0, 0, 0], perChunk: [0, RnnWasm.partStride(N), 0, 0, 0] }),
            );
            return w.view(pdb, N);
          });
          return tensorFrom(out, bias.shape);
        },
      };
    },
  });
}

/** Output length and left padding of a 1-D pooling (tfjs's rules). */
export function poolGeometry(T: number, p: number, s: number, padding: 'valid' | 'same'): { padL: number; To: number } {
  if (padding === 'same') {
    const To = Math.ceil(T / s);
    return { padL: Math.floor(Math.max(0, (To - 1) * s + p - T) / 2), To };
  }
  return { padL: 0, To: Math.floor((T - p) / s) + 1 };
}

/** Window, stride, left padding and output length of a pooling over T steps. */
function poolOf(spec: Pool1dSpec | 'global', T: number): { p: number; s: number; padL: number; To: number } | null {
  if (spec === 'global') return { p: T, s: 1, padL: 0, To: 1 };
  const g = poolGeometry(T, spec.poolSize, spec.stride, spec.padding);
  return g.To >= 1 ? { p: spec.poolSize, s: spec.stride, ...g } : null;
}

/**
 * Max pooling over time of x [B, T, C]: MaxPooling1D (-> [B, To, C]) or, with
 * `global`, GlobalMaxPooling1D (-> [B, C]).
 */
export function fusedMaxPool1d(w: RnnWasm, spec: Pool1dSpec | 'global', x: tf.Tensor, grad: boolean): tf.Tensor {
  const [B, T, C] = x.shape as [number, number, number];
  const p = spec === 'global' ? T : spec.poolSize;
  const s = spec === 'global' ? 1 : spec.stride;
  const { padL, To } = spec === 'global' ? { padL: 0, To: 1 } : poolGeometry(T, p, s, spec.padding);
  if (To < 1) throw new RangeError('fused MaxPooling1D: sequence shorter than the pool');
  const outShape = spec === 'global' ? [B, C] : [B, To, C];

  const n = B * To * C;
  const forward = (xt: tf.Tensor, tape: unknown): { y: Float32Array; region: Region | null; py: number; pidx: number } =>
    cpuMs('forward', () => {
      w.begin();
      // pooled already by the convolution that made x, into its region (kept below ours)
      const pre = tape !== null ? pooledOutputs.get(xt.dataId) : undefined;
      if (pre && pre.region.tape === tape && pre.p === p && pre.s === s && pre.padL === padL && pre.To === To && w.residentOffset(xt, B * T * C) !== null) {
        // a region of our own all the same: the stack of forward and backward passes stays one op per region
        const token = w.keep(4, tape);
        w.reserve(n + B * T * C + 16);
        return { y: w.view(pre.py, n), region: token, py: pre.py, pidx: pre.pidx };
      }
      // kept: the argmax indices for the backward pass, and y for the next fused op
      const region = tape !== null ? w.keep(2 * n + 4, tape) : null;
      if (region) w.reserve(n + B * T * C + 16);
      const pidx = region ? region.start : w.alloc(n);
      const py = region ? region.start + ((n * 4 + 15) & ~15) : w.alloc(n);
      // the input read where the op before left it, if it is still there (see markResident)
      const px = (region ? w.residentOffset(xt, B * T * C) : null) ?? w.put(read(xt));
      w.split('maxPool1dForward', B, { args: [B, T, C, To, p, s, padL, px, py, pidx], count: 0, perItem: [0, 0, 0, 0, 0, 0, 0, T * C * 4, To * C * 4, To * C * 4] });
      return { y: w.view(py, n), region, py, pidx };
    });

  if (!grad) return tensorFrom(forward(x, null).y, outShape);
  const tape = activeTape();
  let saved: { region: Region | null; pidx: number } | null = null;
  return runOp({
    inputs: { x },
    forwardFunc: () => {
      const r = forward(x, tape);
      saved = r;
      return r.region ? regionOutput(w, r.py, n, outShape, r.region, tensorFrom) : tensorFrom(r.y, outShape);
    },
    backwardsFunc: (dy) => ({
      x: () => {
        const out = cpuMs('backward', () => {
          const sv = saved!;
          const resident = w.residentOffset(dy, n);
          w.release(sv.region!);
          let pdy: number;
          if (resident !== null) {
            w.protect(resident + n * 4);
            pdy = resident;
          } else {
            pdy = w.put(read(dy));
          }
          const pdx = w.alloc(B * T * C);
          // (not the global pooling: one scatter per channel beats writing every row)
          if (padL === 0 && s === p && fusedOn(POOL1D_GRAD_SWITCH)) {
            w.split('maxPool1dBackwardTiled', B, { args: [B, T, C, To, p, pdy, sv.pidx, pdx], count: 0, perItem: [0, 0, 0, 0, 0, To * C * 4, To * C * 4, T * C * 4] });
          } else {
            w.split('maxPool1dBackward', B, { args: [B, T, C, To, pdy, sv.pidx, pdx], count: 0, perItem: [0, 0, 0, 0, To * C * 4, To * C * 4, T * C * 4] });
          }
          return w.view(pdx, B * T * C);
        });
        const dx = tensorFrom(out, [B, T, C]);
        w.markResident(dx, out.byteOffset, B * T * C, null);
        return dx;
      },
    }),
  });
}
