/**
 * Fused Dense layers for the CPU backends: the `call` of each built Dense instance (inside
 * TimeDistributed too: the captioning decoder's word layer) is replaced by the op of op.ts.
 * Activations the kernels lack (softmax, elu, ...) run as tfjs ops after the fused product;
 * inputs that are not float32 go to the stock layer. Switch: SEQLAB_FUSED_OFF=dense.
 */
import '../setup';
import { BLOCKS } from '../../../../shared/model';
import { tf } from '../../platform/backend';
import { eachLayer, fuseLayerCall, fusedLayersWanted, isFused, type CallableLayer } from '../fuse-layer';
import { ACTIVATION_CODES } from '../rnn/op';
import { rnnWasm } from '../rnn/wasm';
import { FUSED_SWITCHES } from '../switches';
import { fusedDense } from './op';

export { fusedDense, type DenseSpec } from './op';

const SWITCH = 'dense';
FUSED_SWITCHES[SWITCH] = "Dense (+ bias + activation) as one fused WebAssembly op over the rows (kernels/dense); off: tfjs's layer";

export interface DenseLayerLike extends CallableLayer {
  units: number;
  activation?: { getClassName(): string; apply(t: tf.Tensor): tf.Tensor } | null;
  useBias: boolean;
  kernel: { read(): tf.Variable };
  bias?: { read(): tf.Variable } | null;
}

const DENSE_CLASSES = new Set(BLOCKS.filter((b) => b.kind !== 'input' && b.kernels?.dense).map((b) => b.className));

/** Replaces one Dense layer's call; returns whether it did. */
export function fuseDenseLayer(layer: DenseLayerLike): boolean {
  if (isFused(layer)) return true;
  if (!DENSE_CLASSES.has(layer.getClassName())) return false;
  const name = layer.activation ? layer.activation.getClassName() : 'linear';
  const code = ACTIVATION_CODES[name];
  const spec = { units: layer.units, activation: code ?? 0 };
  fuseLayerCall(layer, (r) => r >= 2, (x) => {
    const bias = layer.useBias && layer.bias ? layer.bias.read() : tf.zeros([spec.units]);
    const y = fusedDense(rnnWasm()!, spec, x, layer.kernel.read(), bias, tf.engine().isTapeOn());
    return code === undefined && layer.activation ? layer.activation.apply(y) : y;
  }, SWITCH);
  return true;
}

let lastCount = 0;

/** Dense layers fused in the most recently built model (the benchmark's mode column). */
export function fusedDenseLayers(): number {
  return lastCount;
}

/** Fuses every Dense layer of a built model, wrapped ones included (the kernel module must be loaded). */
export function installFusedDense(model: tf.LayersModel): number {
  lastCount = 0;
  if (!fusedLayersWanted(SWITCH) || !rnnWasm()) return 0;
  let n = 0;
  eachLayer(model, (layer) => {
    if (!DENSE_CLASSES.has(layer.getClassName())) return false;
    if (fuseDenseLayer(layer as unknown as DenseLayerLike)) n++;
    return true;
  });
  lastCount = n;
  return n;
}
