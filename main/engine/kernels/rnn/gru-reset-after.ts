/**
 * GRU with reset_after=True (TF2 Keras's default, torch.nn.GRU's form), which tfjs-layers 4.x
 * refuses to build ("GRUCell does not support reset_after"):
 *   z = ract(x.Wz + bz + h.Rz + bz'),  r = ract(x.Wr + br + h.Rr + br'),
 *   hh = act(x.Wh + bh + r*(h.Rh + bh')),  h = z*h_{t-1} + (1-z)*hh
 * with the bias stored as Keras stores it, [2, 3u]: the input row, then the recurrent row.
 *
 * The layer class registered here under the name of each block with `kernels.gruResetAfter`
 * ('GRU') is tfjs's own GRU; only when its config says resetAfter it takes the cell below,
 * whose step is Keras's in tf ops (gru-keras.ts, so tfjs differentiates it on every
 * backend, masks, go_backwards and Bidirectional included, all handled by tfjs's RNN loop).
 * Its config keeps `reset_after: true`, so model.toJSON(), our tfjs import and the
 * Bidirectional's backward copy rebuild the same layer. On the CPU backends the fused
 * op (op.ts) runs it instead. A reset_after=False GRU is the stock layer, unchanged.
 */
import { BLOCKS } from '../../../../shared/model';
import { tf } from '../../platform/backend';
import { kerasGruStep } from './gru-keras';

type Args = Record<string, unknown>;
type Ctor<T> = new (args: Args) => T;

interface CellInternals {
  units: number;
  useBias: boolean;
  kernel: unknown;
  recurrentKernel: unknown;
  bias: unknown;
  built: boolean;
  kernelInitializer: unknown;
  recurrentInitializer: unknown;
  biasInitializer: unknown;
  kernelRegularizer: unknown;
  recurrentRegularizer: unknown;
  biasRegularizer: unknown;
  kernelConstraint: unknown;
  recurrentConstraint: unknown;
  biasConstraint: unknown;
  addWeight(name: string, shape: number[], dtype: null, init: unknown, reg: unknown, trainable: boolean, constraint: unknown): unknown;
}

// tfjs exports factories, not these classes: take them from an instance
const StockGruCell = tf.layers.gruCell({ units: 1 }).constructor as Ctor<tf.layers.Layer>;
const StockGru = tf.layers.gru({ units: 1 }).constructor as Ctor<tf.layers.Layer> & { className: string; fromConfig: unknown };

/** tfjs's GRUCell with Keras's reset_after=True weights and step. */
export class ResetAfterGruCell extends StockGruCell {
  static className = 'GRUCell';
  readonly resetAfter = true;

  constructor(args: Args) {
    // the stock constructor throws on resetAfter; everything else it reads is the same
    super({ ...args, resetAfter: false });
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const self = this as unknown as CellInternals;
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inputDim = shape[shape.length - 1] as number;
    const u = self.units;
    self.kernel = self.addWeight('kernel', [inputDim, 3 * u], null, self.kernelInitializer, self.kernelRegularizer, true, self.kernelConstraint);
    self.recurrentKernel = self.addWeight('recurrent_kernel', [u, 3 * u], null, self.recurrentInitializer, self.recurrentRegularizer, true, self.recurrentConstraint);
    // Keras's layout: row 0 the input bias, row 1 the recurrent bias
    self.bias = self.useBias ? self.addWeight('bias', [2, 3 * u], null, self.biasInitializer, self.biasRegularizer, true, self.biasConstraint) : null;
    self.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Args): tf.Tensor | tf.Tensor[] {
    const list = inputs as tf.Tensor[];
    if (!Array.isArray(inputs) || list.length !== 2) throw new Error(`GRUCell expects 2 input tensors, got ${Array.isArray(inputs) ? list.length : 1}`);
    return kerasGruStep(this as unknown as Parameters<typeof kerasGruStep>[0], list, kwargs?.training === true);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), resetAfter: true };
  }
}

/** tfjs's GRU layer, which also builds the reset_after=True form. */
function gruClass(className: string): Ctor<tf.layers.Layer> & { className: string } {
  const cls = class extends StockGru {
    static override className = className;
    constructor(args: Args) {
      const resetAfter = args.resetAfter === true;
      super({ ...args, resetAfter: false });
      if (resetAfter) (this as unknown as { cell: tf.layers.Layer }).cell = new ResetAfterGruCell(args);
    }
  };
  return cls;
}

/** The layer classes that take reset_after=True (each block's `kernels.gruResetAfter`). */
export const resetAfterLayers = BLOCKS.filter((b) => b.kind !== 'input' && b.kernels?.gruResetAfter).map((b) => {
  const cls = gruClass(b.className);
  // replaces tfjs's own entry under the same name: every deserialization (modelFromJSON,
  // loadLayersModel, Bidirectional's copy) builds this class
  tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
  return cls;
});
