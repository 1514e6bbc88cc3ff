/**
 * Fused sequence convolutions for the CPU backends ('wasm' and 'cpu'), installed like the
 * fused recurrent layers (../rnn): the `call` of each built Conv1D, MaxPooling1D and
 * GlobalMaxPooling1D instance is replaced by the whole-batch ops of op.ts. Classes,
 * configs, weights and exports stay those of the stock layers. A call the kernels do not
 * cover (channels first, dilation above 1, an input that is not [B, T, C] float32, a
 * sequence too big for the module's memory) goes to the stock implementation.
 * SEQLAB_FUSED=0 turns this off together with the recurrent kernels.
 */
import '../setup';
import { BLOCKS } from '../../../../shared/model';
import { tf } from '../../platform/backend';
import { eachLayer, fuseLayerCall, fusedLayersWanted, isFused, type CallableLayer, type ConvLayerLike } from '../fuse-layer';
import { ACTIVATION_CODES } from '../rnn/op';
import { rnnWasm } from '../rnn/wasm';
import { fusedConv1d, fusedMaxPool1d, type Conv1dSpec, type Pool1dSpec } from './op';

export { convGeometry, convOpTimes, fusedConv1d, fusedMaxPool1d, poolGeometry, type Conv1dSpec, type Pool1dSpec } from './op';

type LayerLike = CallableLayer;

export type Conv1DLayerLike = ConvLayerLike;

interface NodeLike {
  outboundLayer?: unknown;
}

/** The pooling (its spec) a layer's output goes to when that is its only use, else null. */
const POOL_AFTER = Symbol('seqlab.poolAfter');

export interface Pool1DLayerLike extends LayerLike {
  poolSize: number[];
  strides: number[];
  padding: string;
}

/** The layer classes these kernels serve (each block's `kernels.conv1d` / `kernels.pool1d`). */
const layers = BLOCKS.filter((b) => b.kind !== 'input');
const CONV_CLASSES = new Set(layers.filter((b) => b.kernels?.conv1d).map((b) => b.className));
const POOL_CLASSES = new Map(layers.flatMap((b) => (b.kernels?.pool1d ? [[b.className, b.kernels.pool1d] as const] : [])));

/** What the kernels need of a Conv1D layer, or null when they cannot run it. */
export function conv1dSpec(layer: Conv1DLayerLike): (Conv1dSpec & { activationAfter: boolean }) | null {
  if (!CONV_CLASSES.has(layer.getClassName()) || layer.dataFormat !== 'channelsLast') return null;
  const d = Array.isArray(layer.dilationRate) ? layer.dilationRate[0] : layer.dilationRate;
  if ((d ?? 1) !== 1) return null;
  const padding = layer.padding;
  // 'causal': tfjs's conv1d refuses it, and so must the fused layer (same model, same result on every backend)
  if (padding !== 'valid' && padding !== 'same') return null;
  const name = layer.activation ? layer.activation.getClassName() : 'linear';
  const code = ACTIVATION_CODES[name];
  return {
    kernelSize: layer.kernelSize[0]!,
    stride: layer.strides[0]!,
    padding,
    filters: layer.filters,
    activation: code ?? 0,
    // activations the kernels lack (elu, selu, softplus, ...) run as tfjs ops afterwards
    activationAfter: code === undefined,
  };
}

/** The layer's call replaced by `run` for [B, T, C] float32 inputs (fuse-layer.ts). */
function fuse(layer: LayerLike, run: (x: tf.Tensor, kwargs: Record<string, unknown>) => tf.Tensor): void {
  fuseLayerCall(layer, 3, run);
}

/** Replaces one Conv1D layer's call; returns whether it did. */
export function fuseConv1dLayer(layer: Conv1DLayerLike): boolean {
  if (isFused(layer)) return true;
  const spec = conv1dSpec(layer);
  if (!spec) return false;
  fuse(layer, (x) => {
    const bias = layer.useBias && layer.bias ? layer.bias.read() : tf.zeros([spec.filters]);
    // (an activation the kernels lack runs after the op: the pooling then reads that, not y)
    const poolAfter = spec.activationAfter ? null : ((layer as LayerLike & { [POOL_AFTER]?: Pool1dSpec | 'global' })[POOL_AFTER] ?? null);
    const y = fusedConv1d(rnnWasm()!, spec, x, layer.kernel.read(), bias, tf.engine().isTapeOn(), poolAfter);
    return spec.activationAfter && layer.activation ? layer.activation.apply(y) : y;
  });
  return true;
}

/** The spec of a pooling layer the kernels run, or null. */
function pool1dSpec(layer: Pool1DLayerLike | LayerLike): Pool1dSpec | 'global' | null {
  const kind = POOL_CLASSES.get(layer.getClassName());
  if (kind === 'global') return 'global';
  if (kind !== 'window') return null;
  const l = layer as Pool1DLayerLike;
  if (l.padding !== 'valid' && l.padding !== 'same') return null;
  return { poolSize: l.poolSize[0]!, stride: l.strides[0]!, padding: l.padding };
}

/** Replaces one MaxPooling1D or GlobalMaxPooling1D layer's call; returns whether it did. */
export function fusePool1dLayer(layer: Pool1DLayerLike | LayerLike): boolean {
  if (isFused(layer)) return true;
  const spec = pool1dSpec(layer);
  if (!spec) return false;
  fuse(layer, (x) => fusedMaxPool1d(rnnWasm()!, spec, x, tf.engine().isTapeOn()));
  return true;
}

/**
 * Tells a Conv1D that its output goes to one pooling layer and nowhere else (one call,
 * one consumer), so that it pools while its output is in cache. Only a hint: the pooling
 * op checks that what it is given is that output, pooled as it would pool it.
 */
function hintPoolAfter(layer: tf.layers.Layer): void {
  const l = layer as unknown as { inboundNodes: unknown[]; outboundNodes: NodeLike[]; [POOL_AFTER]?: Pool1dSpec | 'global' | null };
  const next = l.inboundNodes.length === 1 && l.outboundNodes.length === 1 ? l.outboundNodes[0]!.outboundLayer : null;
  const spec = next && isFused(next as LayerLike) ? pool1dSpec(next as LayerLike) : null;
  l[POOL_AFTER] = spec;
}

export interface FusedConvStatus {
  /** Layers fused in the most recently built model. */
  layers: number;
}

let status: FusedConvStatus = { layers: 0 };

export function fusedConvStatus(): FusedConvStatus {
  return status;
}

/**
 * Fuses every supported Conv1D / MaxPooling1D / GlobalMaxPooling1D layer of a built model
 * (the kernel module must be loaded: ../rnn installFusedRnn does it). Returns the count.
 */
export function installFusedConv(model: tf.LayersModel): number {
  let n = 0;
  if (fusedLayersWanted() && rnnWasm()) {
    // (a wrapper's layer too: TimeDistributed, folded, gives it [B*T, L, C])
    eachLayer(model, (layer) => {
      const cls = layer.getClassName();
      if (CONV_CLASSES.has(cls)) {
        if (fuseConv1dLayer(layer as unknown as Conv1DLayerLike)) n++;
      } else if (POOL_CLASSES.has(cls)) {
        if (fusePool1dLayer(layer as unknown as LayerLike)) n++;
      } else return false;
      return true;
    });
    // once every layer is fused: which convolutions feed a fused pooling
    eachLayer(model, (layer) => {
      if (!CONV_CLASSES.has(layer.getClassName())) return false;
      hintPoolAfter(layer);
      return true;
    });
  }
  status = { layers: n };
  return n;
}
