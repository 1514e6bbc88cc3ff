/**
 * Floating-point operations of a training batch, to set a measured speed against the
 * machine's peak (GFLOP/s achieved and its share of the peak).
 */
export interface GruShape {
  /** Batch size. */
  B: number;
  /** Timesteps. */
  T: number;
  /** Input features. */
  I: number;
  /** Units. */
  U: number;
}

/**
 * Forward FLOPs of a GRU layer (Keras reset_after=False, as the lesson's GRU), per batch:
 *   input projection   x_t · [W_z W_r W_h]          2·I·3U
 *   recurrent products h · [U_z U_r], (r∘h) · U_h    2·U·3U
 *   input bias                                       3U
 *   gates, elementwise: adding the recurrent parts (3U), the three activations (3U),
 *   r∘h (U), h' = z∘h + (1−z)∘ĥ (3U)                 10U
 * per sample and step, times B·T. A multiply-add counts as two operations.
 */
export function gruForwardFlops({ B, T, I, U }: GruShape): number {
  return B * T * (2 * I * 3 * U + 2 * U * 3 * U + 3 * U + 10 * U);
}

/** A tensor shape with the batch first; null where the model leaves an axis free. */
export type Shape = (number | null)[];

/** What the counter reads of a built tfjs layer (structural, so this file needs no tfjs). */
export interface LayerLike {
  name: string;
  getClassName(): string;
  getConfig(): object;
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[];
  trainableWeights: unknown[];
  inboundNodes: { inboundLayers: LayerLike[] }[];
  /** The wrapped layer of TimeDistributed and Bidirectional. */
  layer?: LayerLike;
}

export interface LayerFlops {
  name: string;
  className: string;
  /** Forward FLOPs of the whole batch. */
  forward: number;
  /** Forward and backward. */
  training: number;
}

export interface ModelFlops {
  forward: number;
  training: number;
  layers: LayerFlops[];
}

interface Cost {
  forward: number;
  /** FLOPs of the products with the layer's input, whose transposes give the input's gradient. */
  inputProducts: number;
}

const prod = (s: Shape): number => s.reduce<number>((a, d) => a * (d ?? 1), 1);
const last = (s: Shape): number => s[s.length - 1] ?? 1;
const kernelVolume = (k: unknown): number => (Array.isArray(k) ? k.reduce((a: number, d: number) => a * d, 1) : Number(k));
const NONE: Cost = { forward: 0, inputProducts: 0 };

/**
 * Forward FLOPs of one layer on the whole batch (a multiply-add is two). Products and the
 * recurrent cells' elementwise gate math count; pooling, copies, reshapes and lookups
 * (Embedding) do no arithmetic worth counting and are 0.
 */
function layerCost(l: LayerLike, inShape: Shape, outShape: Shape): Cost {
  const cfg = l.getConfig() as Record<string, unknown>;
  const units = Number(cfg.units);
  switch (l.getClassName()) {
    case 'Dense': {
      const f = prod(inShape.slice(0, -1)) * 2 * last(inShape) * last(outShape);
      return { forward: f, inputProducts: f };
    }
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D': {
      // every output position: a product of the filter volume x input channels with each filter
      const f = prod(outShape) * 2 * kernelVolume(cfg.kernelSize) * last(inShape);
      return { forward: f, inputProducts: f };
    }
    case 'GRU': {
      const [B, T, I] = [inShape[0] ?? 1, inShape[1] ?? 1, last(inShape)];
      return { forward: gruForwardFlops({ B, T, I, U: units }), inputProducts: B * T * 2 * I * 3 * units };
    }
    case 'LSTM': {
      const [BT, I] = [(inShape[0] ?? 1) * (inShape[1] ?? 1), last(inShape)];
      // four gate products each way, the bias, four activations and c' = f*c + i*g, h = o*tanh(c') (9U)
      return { forward: BT * (2 * I * 4 * units + 2 * units * 4 * units + 4 * units + 13 * units), inputProducts: BT * 2 * I * 4 * units };
    }
    case 'SimpleRNN': {
      const [BT, I] = [(inShape[0] ?? 1) * (inShape[1] ?? 1), last(inShape)];
      return { forward: BT * (2 * I * units + 2 * units * units + 2 * units), inputProducts: BT * 2 * I * units };
    }
    case 'ConvLSTM2D': {
      // per step and output position: the input and the recurrent convolutions into four gates
      const F = Number(cfg.filters);
      const k = kernelVolume(cfg.kernelSize);
      const BT = (inShape[0] ?? 1) * (inShape[1] ?? 1);
      const P = (outShape[outShape.length - 3] ?? 1) * (outShape[outShape.length - 2] ?? 1);
      const x = BT * P * 2 * k * last(inShape) * 4 * F;
      return { forward: x + BT * P * (2 * k * F * 4 * F + 13 * F), inputProducts: x };
    }
    case 'Bidirectional': {
      const c = layerCost(l.layer!, inShape, l.layer!.computeOutputShape(inShape) as Shape);
      return { forward: 2 * c.forward, inputProducts: 2 * c.inputProducts };
    }
    case 'TimeDistributed': {
      // the wrapped layer on every step: batch and time merged
      const inner: Shape = [(inShape[0] ?? 1) * (inShape[1] ?? 1), ...inShape.slice(2)];
      return layerCost(l.layer!, inner, l.layer!.computeOutputShape(inner) as Shape);
    }
    default:
      return NONE;
  }
}

/**
 * FLOPs of a built model on inputs of the given shapes (by input layer name, batch first).
 * Training = 3x forward (each product has two in the backward pass: the gradients of its
 * input and of its weights), less the input-gradient products of layers whose input needs
 * no gradient (nothing trainable before them, as a model's first convolution).
 */
export function modelFlops(layers: readonly LayerLike[], inputShapes: ReadonlyMap<string, Shape>): ModelFlops {
  const shapes = new Map<string, Shape>();
  const needsGrad = new Map<string, boolean>();
  const out: LayerFlops[] = [];
  for (const l of layers) {
    const inbound = l.inboundNodes[0]?.inboundLayers ?? [];
    if (!inbound.length) {
      const s = inputShapes.get(l.name);
      if (!s) throw new Error(`no shape given for input ${l.name}`);
      shapes.set(l.name, s);
      needsGrad.set(l.name, false);
      continue;
    }
    const ins = inbound.map((p) => shapes.get(p.name)!);
    const inShape = ins.length === 1 ? ins[0]! : ins;
    const outShape = l.computeOutputShape(inShape) as Shape;
    shapes.set(l.name, outShape);
    const gradIn = inbound.some((p) => needsGrad.get(p.name));
    needsGrad.set(l.name, gradIn || l.trainableWeights.length > 0);
    const c = ins.length === 1 ? layerCost(l, ins[0]!, outShape) : NONE;
    out.push({ name: l.name, className: l.getClassName(), forward: c.forward, training: 3 * c.forward - (gradIn ? 0 : c.inputProducts) });
  }
  return { forward: out.reduce((a, x) => a + x.forward, 0), training: out.reduce((a, x) => a + x.training, 0), layers: out };
}
