/**
 * Fused image convolutions for the CPU backends: the `call` of each built Conv2D and
 * MaxPooling2D instance (inside TimeDistributed too: the video CNN, folded or not) is
 * replaced by the whole-batch ops of op.ts. A call the kernels do not cover (channels
 * first, dilation above 1, an input that is not [B, H, W, C] float32, a batch too big for
 * the module's memory) goes to the stock implementation. Switch: SEQLAB_FUSED_OFF=conv2d.
 */
import '../setup';
import { BLOCKS } from '../../../../shared/model';
import { tf } from '../../platform/backend';
import { eachLayer, fuseLayerCall, fusedLayersWanted, isFused, type CallableLayer, type ConvLayerLike } from '../fuse-layer';
import { ACTIVATION_CODES } from '../rnn/op';
import { rnnWasm } from '../rnn/wasm';
import { FUSED_SWITCHES } from '../switches';
import { fusedConv2d, fusedMaxPool2d, type Conv2dSpec, type Pool2dSpec } from './op';

export { conv2dGeometry, fusedConv2d, fusedMaxPool2d, pool2dGeometry, type Conv2dSpec, type Pool2dSpec } from './op';

const SWITCH = 'conv2d';
FUSED_SWITCHES[SWITCH] = "Conv2D (+ bias + activation) and MaxPooling2D as fused WebAssembly ops (kernels/conv2d); off: tfjs's layers";

export type Conv2DLayerLike = ConvLayerLike;

export interface Pool2DLayerLike extends CallableLayer {
  poolSize: number[];
  strides: number[];
  padding: string;
  dataFormat: string;
}

/** The layer classes these kernels serve (each block's `kernels.conv2d` / `kernels.pool2d`). */
const layers = BLOCKS.filter((b) => b.kind !== 'input');
const CONV_CLASSES = new Set(layers.filter((b) => b.kernels?.conv2d).map((b) => b.className));
const POOL_CLASSES = new Set(layers.filter((b) => b.kernels?.pool2d).map((b) => b.className));

const pair = (v: number | number[]): [number, number] => (Array.isArray(v) ? [v[0]!, v[1] ?? v[0]!] : [v, v]);

/** What the kernels need of a Conv2D layer, or null when they cannot run it. */
export function conv2dSpec(layer: Conv2DLayerLike): (Conv2dSpec & { activationAfter: boolean }) | null {
  if (!CONV_CLASSES.has(layer.getClassName()) || layer.dataFormat !== 'channelsLast') return null;
  const [dh, dw] = pair(layer.dilationRate ?? 1);
  if (dh !== 1 || dw !== 1) return null;
  if (layer.padding !== 'valid' && layer.padding !== 'same') return null;
  const name = layer.activation ? layer.activation.getClassName() : 'linear';
  const code = ACTIVATION_CODES[name];
  return {
    kernelSize: pair(layer.kernelSize),
    strides: pair(layer.strides),
    padding: layer.padding,
    filters: layer.filters,
    activation: code ?? 0,
    // activations the kernels lack (elu, selu, softplus, ...) run as tfjs ops afterwards
    activationAfter: code === undefined,
  };
}

/** Replaces one Conv2D layer's call; returns whether it did. */
export function fuseConv2dLayer(layer: Conv2DLayerLike): boolean {
  if (isFused(layer)) return true;
  const spec = conv2dSpec(layer);
  if (!spec) return false;
  fuseLayerCall(layer, 4, (x) => {
    const bias = layer.useBias && layer.bias ? layer.bias.read() : tf.zeros([spec.filters]);
    const y = fusedConv2d(rnnWasm()!, spec, x, layer.kernel.read(), bias, tf.engine().isTapeOn());
    return spec.activationAfter && layer.activation ? layer.activation.apply(y) : y;
  }, SWITCH);
  return true;
}

/** Replaces one MaxPooling2D layer's call; returns whether it did. */
export function fusePool2dLayer(layer: Pool2DLayerLike): boolean {
  if (isFused(layer)) return true;
  if (!POOL_CLASSES.has(layer.getClassName()) || layer.dataFormat !== 'channelsLast') return false;
  if (layer.padding !== 'valid' && layer.padding !== 'same') return false;
  const spec: Pool2dSpec = { poolSize: pair(layer.poolSize), strides: pair(layer.strides), padding: layer.padding };
  fuseLayerCall(layer, 4, (x) => fusedMaxPool2d(rnnWasm()!, spec, x, tf.engine().isTapeOn()), SWITCH);
  return true;
}

/**
 * Fuses every supported Conv2D / MaxPooling2D layer of a built model, wrapped ones included
 * (the kernel module must be loaded: ../rnn installFusedRnn does it). Returns the count.
 */
export function installFusedConv2d(model: tf.LayersModel): number {
  lastCount = 0;
  if (!fusedLayersWanted(SWITCH) || !rnnWasm()) return 0;
  let n = 0;
  eachLayer(model, (layer) => {
    const cls = layer.getClassName();
    if (CONV_CLASSES.has(cls)) {
      if (fuseConv2dLayer(layer as unknown as Conv2DLayerLike)) n++;
    } else if (POOL_CLASSES.has(cls)) {
      if (fusePool2dLayer(layer as unknown as Pool2DLayerLike)) n++;
    } else return false;
    return true;
  });
  lastCount = n;
  return n;
}

let lastCount = 0;

/** Conv2D / MaxPooling2D layers fused in the most recently built model (the benchmark's mode column). */
export function fusedConv2dLayers(): number {
  return lastCount;
}
