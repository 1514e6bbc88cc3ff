/**
 * Conv2D (+ bias + activation) and 2-D max pooling over a whole batch as single tfjs ops
 * with their own backward passes, in the kernel module of ../rnn/wasm.ts
 * (assembly/rnn/conv2d.ts: the forward pass as strided row products over the image itself,
 * no im2col; the gradients by im2col/col2im and the module's gemm; images split over the
 * kernel threads).
 *
 * Why: on tfjs-backend-wasm 4.22 a Conv2D layer's training step is a chain of separate
 * kernels (Conv2D, the bias Add, Relu, then Step, Multiply, Cast, Sum and two Identity
 * copies of the full output in the backward pass); in the captioning encoder they took
 * about 40 of 90 ms. Here the bias and activation run while each image's output is in
 * cache, the activation's derivative once, and the output of one op is read where it lies
 * by the next (markResident), so a Conv2D -> MaxPooling2D -> Conv2D chain copies nothing
 * back in.
 */
import { tf } from '../../platform/backend';
import { activeTape, heapValues, runLazyOp } from '../lazy-op';
import { regionOutput } from '../lazy-outputs';
import { tensorFrom } from '../rnn/op';
import { copyOf, REDUCE_PARTS, RnnWasm, type Region } from '../rnn/wasm';

/** A convolution the kernels run: channels last, dilation 1. */
export interface Conv2dSpec {
  kernelSize: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
  filters: number;
  /** Activation code (../rnn/op.ts ACTIVATION_CODES); 0 = linear. */
  activation: number;
}

export interface Pool2dSpec {
  poolSize: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
}

interface Geometry {
  B: number; IH: number; IW: number; CI: number; OH: number; OW: number; CO: number;
  FH: number; FW: number; SH: number; SW: number; top: number; left: number;
}

/** Output size and padding by tfjs's own rules (so 'same' pads exactly as its Conv2D does). */
export function conv2dGeometry(shape: number[], spec: Conv2dSpec): Geometry {
  const [B, IH, IW, CI] = shape as [number, number, number, number];
  const filter: [number, number, number, number] = [spec.kernelSize[0], spec.kernelSize[1], CI, spec.filters];
  const i = tf.backend_util.computeConv2DInfo([B, IH, IW, CI], filter, spec.strides, 1, spec.padding, undefined, false, 'channelsLast');
  return { B, IH, IW, CI, OH: i.outHeight, OW: i.outWidth, CO: spec.filters, FH: i.filterHeight, FW: i.filterWidth, SH: i.strideHeight, SW: i.strideWidth, top: i.padInfo.top, left: i.padInfo.left };
}

export function pool2dGeometry(shape: number[], spec: Pool2dSpec): Geometry {
  const [B, IH, IW, C] = shape as [number, number, number, number];
  const i = tf.backend_util.computePool2DInfo([B, IH, IW, C], spec.poolSize, spec.strides, 1, spec.padding);
  return { B, IH, IW, CI: C, OH: i.outHeight, OW: i.outWidth, CO: C, FH: i.effectiveFilterHeight, FW: i.effectiveFilterWidth, SH: i.strideHeight, SW: i.strideWidth, top: i.padInfo.top, left: i.padInfo.left };
}

const sizes = (g: Geometry): number[] => [g.B, g.IH, g.IW, g.CI, g.OH, g.OW, g.CO, g.FH, g.FW, g.SH, g.SW, g.top, g.left];
/** perItem/perThread entries for the 13 size arguments. */
const NONE = Array<number>(13).fill(0);

/**
 * The input's values in the module: where the op before left them (when training: its
 * region lives until after this op's backward pass), or copied to `into` (null: scratch).
 */
function placeInput(w: RnnWasm, x: tf.Tensor, floats: number, training: boolean, into: number | null): number {
  const resident = training ? w.residentOffset(x, floats) : null;
  if (resident !== null) return resident;
  const p = into ?? w.alloc(floats);
  w.view(p, floats).set(heapValues(x));
  return p;
}

/** dy where the fused op after this one left it (its input gradient), or copied in. */
function placeGradient(w: RnnWasm, dy: tf.Tensor, floats: number, region: Region): number {
  const resident = w.residentOffset(dy, floats);
  w.release(region);
  if (resident !== null) {
    w.protect(resident + floats * 4);
    return resident;
  }
  return w.put(heapValues(dy));
}

/**
 * y = act(conv2d(x, kernel) + bias) for x [B, H, W, C], kernel [FH, FW, C, N], bias [N]
 * (zeros when the layer has none). With `grad` the op carries its backward pass.
 */
export function fusedConv2d(w: RnnWasm, spec: Conv2dSpec, x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, grad: boolean): tf.Tensor {
  const g = conv2dGeometry(x.shape, spec);
  if (g.OH < 1 || g.OW < 1) throw new RangeError('fused Conv2D: image smaller than the kernel');
  const { B, CO } = g;
  const img = g.IH * g.IW * g.CI;
  const P = g.OH * g.OW;
  const out = P * CO;
  const K = g.FH * g.FW * g.CI;
  const outShape = [B, g.OH, g.OW, CO];

  // images padded for 'same' (padImages), so that the forward pass needs no im2col
  const IHp = Math.max(g.IH + g.top, (g.OH - 1) * g.SH + g.FH);
  const IWp = Math.max(g.IW + g.left, (g.OW - 1) * g.SW + g.FW);
  const padded = IHp !== g.IH || IWp !== g.IW;
  const imgP = IHp * IWp * g.CI;
  const rows = [B, IHp, IWp, g.CI, g.OH, g.OW, CO, g.FH, g.FW, g.SH, g.SW];

  const forward = (ks: Float32Array, bs: Float32Array, tape: unknown): { y: Float32Array; region: Region | null; px: number; py: number } => {
    w.begin();
    const T = w.threads;
    const region = tape !== null ? w.keep(B * imgP + B * out + 8, tape) : null;
    // the backward pass's scratch must fit as well: fail now (the stock layer takes over), not in backprop
    // (the weight and bias gradients: one partial per chunk, reduceByChunks)
    if (region) w.reserve(B * out + (K * CO + CO + 8) * (REDUCE_PARTS + 1) + T * P * K + B * img + 64);
    const py = region ? region.start + ((B * imgP * 4 + 15) & ~15) : w.alloc(B * out);
    let px: number;
    if (padded) {
      const raw = placeInput(w, x, B * img, false, null);
      px = region ? region.start : w.alloc(B * imgP);
      w.split('padImages', B, { args: [raw, px, B, g.IH, g.IW, g.CI, g.top, g.left, IHp, IWp], count: 2, perItem: [img * 4, imgP * 4, 0, 0, 0, 0, 0, 0, 0, 0] });
    } else {
      px = placeInput(w, x, B * img, region !== null, region ? region.start : null);
    }
    const pw = w.put(ks);
    const pb = w.put(bs);
    w.split('conv2dForward', B, {
      args: [...rows, px, pw, pb, py, spec.activation],
      count: 0,
      perItem: [...NONE.slice(0, 11), imgP * 4, 0, 0, out * 4, 0],
    });
    // a view: made a tensor (tensorFrom) before the module runs again
    return { y: w.view(py, B * out), region, px, py };
  };

  if (!grad) return tensorFrom(forward(heapValues(kernel), heapValues(bias), null).y, outShape);
  const tape = activeTape();
  let saved: { region: Region | null; px: number; py: number } | null = null;
  let kCopy: Float32Array | null = null;
  return runLazyOp({
    inputs: { x, kernel, bias },
    forwardFunc: () => {
      kCopy = copyOf(heapValues(kernel));
      const r = forward(kCopy, heapValues(bias), tape);
      saved = r;
      // y stays in this op's region until its backward pass: the next fused op may read it there
      return r.region ? regionOutput(w, r.py, B * out, outShape, r.region, tensorFrom) : tensorFrom(r.y, outShape);
    },
    backwardsFunc: (dy) => {
      // dz = dy * act'(y), computed once, on the first gradient tfjs asks for (in place:
      // tfjs holds its own copy of dy)
      let pdz = -1;
      const dz = (): number => {
        if (pdz >= 0) return pdz;
        const sv = saved!;
        pdz = placeGradient(w, dy, B * out, sv.region!);
        if (spec.activation !== 0) w.split('dactMul', B, { args: [spec.activation, sv.py, pdz, B], count: 3, scale: out, perItem: [0, out * 4, out * 4, 0] });
        return pdz;
      };
      return {
        x: () => {
          const p = dz();
          const pw = w.put(kCopy!);
          const pwT = w.alloc(CO * K);
          w.k.transpose(pw, pwT, K, CO);
          const cols = w.alloc(w.threads * P * K);
          const pdx = w.alloc(B * img);
          w.split('conv2dInputGrad', B, {
            args: [...sizes(g), p, pwT, cols, pdx],
            count: 0,
            perItem: [...NONE, out * 4, 0, 0, img * 4],
            perThread: [...NONE, 0, 0, P * K * 4, 0],
          });
          const dx = tensorFrom(w.view(pdx, B * img), x.shape);
          // the gradient of the op before this one: it may read it here (until the next op begins)
          w.markResident(dx, pdx, B * img, null);
          return dx;
        },
        kernel: () => {
          const p = dz();
          // one partial per fixed chunk of images, summed in order: the same bits on any thread count
          const cols = w.alloc(w.threads * P * K);
          const pdw = w.reduceByChunks(B, K * CO, (chunk, first) =>
            // on the padded images kept by the forward pass: no padding left to apply
            w.split('conv2dFilterGrad', B, {
              args: [...rows, 0, 0, saved!.px, p, cols, first, 1],
              count: 0,
              chunk,
              perItem: [...NONE, imgP * 4, out * 4, 0, 0, 0],
              perThread: [...NONE, 0, 0, P * K * 4, 0, 0],
              perChunk: [...NONE, 0, 0, 0, RnnWasm.partStride(K * CO), 0],
            }),
          );
          return tensorFrom(w.view(pdw, K * CO), kernel.shape);
        },
        bias: () => {
          const p = dz();
          // column sums of dz, one partial per fixed chunk of images
          const pdb = w.reduceByChunks(B, CO, (chunk, first) =>
            w.split('colSum', B, { args: [p, first, B, CO, 1], count: 2, scale: P, chunk, perItem: [out * 4, 0, 0, 0, 0], perChunk: [0, RnnWasm.partStride(CO), 0, 0, 0] }),
          );
          return tensorFrom(w.view(pdb, CO), bias.shape);
        },
      };
    },
  });
}

/** MaxPooling2D of x [B, H, W, C] (channels last). */
export function fusedMaxPool2d(w: RnnWasm, spec: Pool2dSpec, x: tf.Tensor, grad: boolean): tf.Tensor {
  const g = pool2dGeometry(x.shape, spec);
  if (g.OH < 1 || g.OW < 1) throw new RangeError('fused MaxPooling2D: image smaller than the pool');
  const { B, CI: C } = g;
  const img = g.IH * g.IW * C;
  const out = g.OH * g.OW * C;
  const n = B * out;
  const outShape = [B, g.OH, g.OW, C];
  const args = (px: number, py: number, pidx: number): number[] => [g.B, g.IH, g.IW, C, g.OH, g.OW, g.FH, g.FW, g.SH, g.SW, g.top, g.left, px, py, pidx];

  const forward = (tape: unknown): { y: Float32Array; region: Region | null; py: number; pidx: number } => {
    w.begin();
    // kept: the argmax positions for the backward pass, and y for the next fused op
    const region = tape !== null ? w.keep(2 * n + 4, tape) : null;
    if (region) w.reserve(n + B * img + 16);
    const pidx = region ? region.start : w.alloc(n);
    const py = region ? region.start + ((n * 4 + 15) & ~15) : w.alloc(n);
    const px = placeInput(w, x, B * img, region !== null, null);
    w.split('maxPool2dForward', B, { args: args(px, py, pidx), count: 0, perItem: [...NONE.slice(0, 12), img * 4, out * 4, out * 4] });
    return { y: w.view(py, n), region, py, pidx };
  };

  if (!grad) return tensorFrom(forward(null).y, outShape);
  const tape = activeTape();
  let saved: { region: Region | null; pidx: number } | null = null;
  return runLazyOp({
    inputs: { x },
    forwardFunc: () => {
      const r = forward(tape);
      saved = r;
      return r.region ? regionOutput(w, r.py, n, outShape, r.region, tensorFrom) : tensorFrom(r.y, outShape);
    },
    backwardsFunc: (dy) => ({
      x: () => {
        const sv = saved!;
        const pdy = placeGradient(w, dy, n, sv.region!);
        const pdx = w.alloc(B * img);
        w.split('maxPool2dBackward', B, { args: [B, g.IH, g.IW, C, g.OH, g.OW, pdy, sv.pidx, pdx], count: 0, perItem: [0, 0, 0, 0, 0, 0, out * 4, out * 4, img * 4] });
        const dx = tensorFrom(w.view(pdx, B * img), x.shape);
        w.markResident(dx, pdx, B * img, null);
        return dx;
      },
    }),
  });
}
