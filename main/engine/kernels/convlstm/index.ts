/**
 * Fused ConvLSTM2D for the CPU backends ('wasm' and 'cpu'), installed like the fused
 * recurrent layers (../rnn): the `call` of each built layer whose block declares
 * `kernels.convLstm2d` is replaced by the whole-sequence op of op.ts. Class, config,
 * weights and exports stay those of the stock layer. A call the kernels do not cover goes
 * to the stock implementation: a mask or initial state, a stateful layer, go_backwards,
 * channels first, dilation above 1, an activation the kernels lack, a sequence too big for
 * the module's memory. Dropout and recurrent dropout in training follow Keras 3 (one mask
 * each for all four gates and every timestep, drawn from the layer's PRNG seeded by the
 * run's seed; tfjs 4.22 draws a mask per gate), as the fused GRU and LSTM do.
 * SEQLAB_FUSED=0 or SEQLAB_FUSED_OFF=convlstm turns it off.
 */
import '../setup';
import { BLOCKS } from '../../../../shared/model';
import { mulberry32 } from '../../../../shared/random';
import { dropoutMask, drops } from '../dropout-mask';
import { tf } from '../../platform/backend';
import { ACTIVATION_CODES } from '../rnn/op';
import { rnnWasm } from '../rnn/wasm';
import { fusedOn } from '../switches';
import { convLstmDims, fusedConvLstm, type ConvLstmMasks, type ConvLstmSpec } from './op';

export { convLstmDims, convLstmOpTimes, fusedConvLstm, type ConvLstmMasks, type ConvLstmSpec } from './op';

/** The switch of SEQLAB_FUSED_OFF (switches.ts). */
export const CONVLSTM_SWITCH = 'convlstm';

interface Act {
  getClassName(): string;
}

export interface ConvLstmLayerLike {
  name: string;
  returnSequences: boolean;
  goBackwards: boolean;
  stateful: boolean;
  returnState: boolean;
  getClassName(): string;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
  cell: {
    filters: number;
    kernelSize: number[];
    strides: number[];
    padding: string;
    dataFormat: string;
    dilationRate: number[] | number;
    activation?: Act | null;
    recurrentActivation?: Act | null;
    useBias: boolean;
    dropout: number;
    recurrentDropout: number;
    kernel: { read(): tf.Variable };
    recurrentKernel: { read(): tf.Variable };
    bias?: { read(): tf.Variable } | null;
  };
}

const CLASSES = new Set(BLOCKS.filter((b) => b.kind !== 'input' && b.kernels?.convLstm2d).map((b) => b.className));

const code = (a: Act | null | undefined): number | undefined => (a == null ? 0 : ACTIVATION_CODES[a.getClassName()]);

/** What the kernels need of a layer, or null when they cannot run it (any call). */
export function convLstmSpec(layer: ConvLstmLayerLike): ConvLstmSpec | null {
  if (!CLASSES.has(layer.getClassName()) || layer.stateful || layer.returnState || layer.goBackwards) return null;
  const c = layer.cell;
  if (c.dataFormat !== 'channelsLast' || (c.padding !== 'valid' && c.padding !== 'same')) return null;
  const dil = Array.isArray(c.dilationRate) ? c.dilationRate : [c.dilationRate, c.dilationRate];
  if (dil.some((v) => v !== 1)) return null;
  const activation = code(c.activation);
  const recurrentActivation = code(c.recurrentActivation);
  if (activation === undefined || recurrentActivation === undefined) return null;
  const pair = (v: number[]): [number, number] => [v[0]!, v[1] ?? v[0]!];
  return { filters: c.filters, kernel: pair(c.kernelSize), strides: pair(c.strides), padding: c.padding, activation, recurrentActivation, returnSequences: layer.returnSequences };
}

const FUSED = Symbol('seqlab.fusedConvLstm');

function wanted(): boolean {
  const b = tf.getBackend();
  return fusedOn(CONVLSTM_SWITCH) && (b === 'wasm' || b === 'cpu');
}

/** Replaces one layer's call with the fused op; returns whether it did. seed: its dropout masks' PRNG. */
export function fuseConvLstmLayer(layer: ConvLstmLayerLike, seed = 0): boolean {
  const marked = layer as ConvLstmLayerLike & { [FUSED]?: true };
  if (marked[FUSED]) return true;
  const spec = convLstmSpec(layer);
  if (!spec) return false;
  marked[FUSED] = true;
  const original = layer.call.bind(layer);
  const cell = layer.cell;
  const rand = mulberry32(seed >>> 0);
  const masksFor = (x: tf.Tensor, training: boolean): ConvLstmMasks => {
    if (!training) return { x: null, h: null };
    const d = convLstmDims(spec, x.shape);
    return {
      x: drops(cell.dropout) ? dropoutMask(rand, d.B * d.IH * d.IW * d.C, cell.dropout) : null,
      h: drops(cell.recurrentDropout) ? dropoutMask(rand, d.B * d.OH * d.OW * d.F, cell.recurrentDropout) : null,
    };
  };
  layer.call = (inputs, kwargs) => {
    const w = rnnWasm();
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0]! : null) : inputs;
    if (!w || !x || x.rank !== 5 || x.dtype !== 'float32' || kwargs?.mask != null || kwargs?.initialState != null || !wanted()) return original(inputs, kwargs);
    try {
      const masks = masksFor(x, kwargs?.training === true);
      return tf.tidy(() => fusedConvLstm(w, spec, x, cell.kernel.read(), cell.recurrentKernel.read(), cell.useBias && cell.bias ? cell.bias.read() : null, tf.engine().isTapeOn(), masks));
    } catch (e) {
      // e.g. a batch too big for the module's 32-bit memory: tfjs's own layer still works
      if (!(e instanceof RangeError)) throw e;
      return original(inputs, kwargs);
    }
  };
  return true;
}

/**
 * Fuses every ConvLSTM2D layer of a built model (after installFusedRnn has loaded the
 * kernels' module). Never throws; returns the number of layers fused. seed: the run's,
 * for the dropout masks (each layer its own stream).
 */
export function installFusedConvLstm(model: tf.LayersModel, seed = 0): number {
  if (!wanted() || !rnnWasm()) return 0;
  let n = 0;
  for (const layer of model.layers) if (CLASSES.has(layer.getClassName()) && fuseConvLstmLayer(layer as unknown as ConvLstmLayerLike, seed + 7919 * (n + 1))) n++;
  return n;
}
