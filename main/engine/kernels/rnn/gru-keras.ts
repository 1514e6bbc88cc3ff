/**
 * Keras's GRU step for tfjs's stock GRUCell, where it has recurrent dropout.
 *
 * The tfjs bug (tfjs-layers 4.22, GRUCell.call in recurrent.js): with recurrent_dropout
 * the cell multiplies h_{t-1} by the recurrent-dropout mask (kept units scaled by
 * 1/(1-rate)) and then ALSO blends with that dropped-out state,
 *   h = z * (h_{t-1} * mask) + (1 - z) * hh,
 * so with rate 0.5 a kept unit whose update gate is near 1 doubles at every step: over
 * the 74 steps of listing 6.49 the state (and the loss, ~1e20) blows up at the first
 * batch. Keras (whose semantics the model spec and exports carry) drops out only the
 * copies of h_{t-1} that multiply the recurrent kernel and blends with h_{t-1} itself:
 *   z  = ract(x.Wz + bz + (h'*m).Rz)      r = ract(x.Wr + br + (h'*m).Rr)
 *   hh = act(x.Wh + bh + (r*(h'*m)).Rh)   h = z*h' + (1-z)*hh
 * (tfjs's gate order z, r, h; h' = h_{t-1}, m the mask). With reset_after=True (the cell of
 * gru-reset-after.ts, which always takes this step) the candidate is
 *   hh = act(x.Wh + bh + r*((h'*m).Rh + bh'))   and z, r add their recurrent biases bz', br'.
 *
 * patchGruCell replaces the `call` of one GRU layer's cell instance with that step, in tf
 * ops (so tfjs differentiates it). Masks are made as tfjs makes them (one per layer call,
 * kept on the cell, the layer's own call clears them) and, as in tfjs and the fused
 * kernels, the first recurrent mask serves all three copies. Only cells with
 * 0 < recurrent_dropout < 1 are touched; without recurrent dropout tfjs is already right.
 * The fused kernels (assembly/rnn) follow the same semantics.
 */
import { BLOCKS } from '../../../../shared/model';
import { tf } from '../../platform/backend';

type Masks = tf.Tensor | tf.Tensor[] | null;

interface GruCellLike {
  units: number;
  dropout: number;
  recurrentDropout: number;
  /** Keras's reset_after=True form: bias [2, 3u] (input row, recurrent row), reset after the product. */
  resetAfter?: boolean;
  useBias: boolean;
  activation: { apply(x: tf.Tensor): tf.Tensor };
  recurrentActivation: { apply(x: tf.Tensor): tf.Tensor };
  kernel: { read(): tf.Tensor };
  recurrentKernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  dropoutMask: Masks;
  recurrentDropoutMask: Masks;
  dropoutFunc?: ((x: tf.Tensor, rate: number) => tf.Tensor) | null;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

const PATCHED = Symbol('seqlab.gruKeras');

const active = (rate: number): boolean => rate > 0 && rate < 1;

/** tfjs's generateDropoutMask (count 3): three kept masks, ones outside training. */
function makeMasks(cell: GruCellLike, like: tf.Tensor, rate: number, training: boolean): tf.Tensor[] {
  return [0, 1, 2].map(() => {
    const ones = tf.onesLike(like);
    const m = training ? (cell.dropoutFunc ? cell.dropoutFunc(ones, rate) : tf.dropout(ones, rate)) : ones;
    return tf.keep(m.clone());
  });
}

const first = (m: Masks): tf.Tensor => (Array.isArray(m) ? m[0]! : m!);

/** One Keras GRU step: inputs [x_t, h_{t-1}], returns [h_t, h_t] like tfjs's cell. */
export function kerasGruStep(cell: GruCellLike, inputs: tf.Tensor[], training: boolean): tf.Tensor[] {
  return tf.tidy(() => {
    let x = inputs[0]!;
    const hPrev = inputs[1]!;
    if (active(cell.dropout)) {
      if (cell.dropoutMask == null) cell.dropoutMask = makeMasks(cell, x, cell.dropout, training);
      x = tf.mul(x, first(cell.dropoutMask));
    }
    let hd = hPrev;
    if (active(cell.recurrentDropout)) {
      if (cell.recurrentDropoutMask == null) cell.recurrentDropoutMask = makeMasks(cell, hPrev, cell.recurrentDropout, training);
      hd = tf.mul(hPrev, first(cell.recurrentDropoutMask));
    }
    const u = cell.units;
    let mx = tf.matMul(x, cell.kernel.read());
    let z: tf.Tensor;
    let hh: tf.Tensor;
    if (cell.resetAfter) {
      // reset_after=True: the reset gate scales the recurrent product, which has its own bias
      let inner = tf.matMul(hd, cell.recurrentKernel.read());
      if (cell.useBias && cell.bias) {
        const [bIn, bRec] = tf.unstack(cell.bias.read());
        mx = tf.add(mx, bIn!);
        inner = tf.add(inner, bRec!);
      }
      const [xz, xr, xh] = tf.split(mx, 3, 1);
      const [iz, ir, ih] = tf.split(inner, 3, 1);
      z = cell.recurrentActivation.apply(tf.add(xz!, iz!));
      const r = cell.recurrentActivation.apply(tf.add(xr!, ir!));
      hh = cell.activation.apply(tf.add(xh!, tf.mul(r, ih!)));
    } else {
      if (cell.useBias && cell.bias) mx = tf.add(mx, cell.bias.read());
      const [xz, xr, xh] = tf.split(mx, 3, 1);
      const [rk1, rk2] = tf.split(cell.recurrentKernel.read(), [2 * u, u], 1);
      const [iz, ir] = tf.split(tf.matMul(hd, rk1!), 2, 1);
      z = cell.recurrentActivation.apply(tf.add(xz!, iz!));
      const r = cell.recurrentActivation.apply(tf.add(xr!, ir!));
      hh = cell.activation.apply(tf.add(xh!, tf.matMul(tf.mul(r, hd), rk2!)));
    }
    // the blend: the un-dropped state (this is where tfjs uses hd)
    const h = tf.add(tf.mul(z, hPrev), tf.mul(tf.sub(1, z), hh));
    return [h, h];
  });
}

/** Gives one GRU cell Keras's recurrent-dropout semantics; returns whether it did. */
export function patchGruCell(cell: GruCellLike): boolean {
  const marked = cell as GruCellLike & { [PATCHED]?: true };
  if (marked[PATCHED]) return true;
  if (!active(cell.recurrentDropout)) return false;
  marked[PATCHED] = true;
  cell.call = (inputs, kwargs) => {
    const list = inputs as tf.Tensor[];
    if (!Array.isArray(inputs) || list.length !== 2) throw new Error(`GRUCell expects 2 input tensors, got ${Array.isArray(inputs) ? list.length : 1}`);
    return kerasGruStep(cell, list, kwargs?.training === true);
  };
  return true;
}

/** The layer classes whose cells get Keras's GRU step (each block's `kernels.kerasGruStep`). */
const PATCHED_CLASSES = new Set(BLOCKS.filter((b) => b.kind !== 'input' && b.kernels?.kerasGruStep).map((b) => b.className));

/** Patches the GRU cells (Bidirectional halves included) of a model; returns how many. */
export function patchGruCells(model: tf.LayersModel): number {
  let n = 0;
  const visit = (layer: tf.layers.Layer): void => {
    const bi = layer as unknown as { forwardLayer?: tf.layers.Layer; backwardLayer?: tf.layers.Layer };
    if (PATCHED_CLASSES.has(layer.getClassName())) {
      if (patchGruCell((layer as unknown as { cell: GruCellLike }).cell)) n++;
    } else if (bi.forwardLayer && bi.backwardLayer) {
      visit(bi.forwardLayer);
      visit(bi.backwardLayer);
    }
  };
  for (const layer of model.layers) visit(layer);
  return n;
}
