/**
 * Fused recurrent layers for the CPU backends ('wasm' and 'cpu'; never the native
 * TensorFlow ones, whose own kernels are already fused).
 *
 * installFusedRnn(model) replaces the `call` method of each built SimpleRNN, GRU and
 * LSTM instance (including the two halves of a Bidirectional) with the single fused op
 * of op.ts. Nothing else changes: the layers keep their classes, configs, weight names
 * and variables, so model.toJSON(), the exporters and saved weights are exactly those
 * of the stock layers. A call the kernels do not cover (a mask, an initial state, a
 * stateful layer, an activation other than linear/relu/tanh/sigmoid/hard_sigmoid)
 * goes to the stock implementation.
 *
 * Dropout follows Keras: in training, one input mask and one recurrent mask per batch
 * shared by all timesteps, drawn from a PRNG seeded by the run's seed; the recurrent mask
 * reaches only the recurrent products (GRU blends with the un-dropped state). GRU layers
 * that stay stock get the same semantics from gru-keras.ts (tfjs's own GRUCell differs).
 * SEQLAB_FUSED=0 in the environment turns the whole thing off. A GRU with reset_after=true
 * (which tfjs cannot build) is the engine's own layer of gru-reset-after.ts; fused, it runs
 * the kernels' reset_after form, otherwise Keras's step in tf ops.
 */
import '../setup';
import { BLOCKS } from '../../../../shared/model';
import { mulberry32 } from '../../../../shared/random';
import { dropoutMask, drops } from '../dropout-mask';
import { tf } from '../../platform/backend';
import { patchGruCells } from './gru-keras';
import './gru-reset-after';
import { ACTIVATION_CODES, GATES, fusedRnn, type CellKind, type DropoutMasks, type RnnSpec } from './op';
import { loadRnnWasm, rnnWasm } from './wasm';
import { installFusedConv } from '../conv1d';

export { loadRnnWasm, rnnWasm } from './wasm';
export { fusedRnn, type DropoutMasks, type RnnSpec } from './op';
export { kerasGruStep, patchGruCell, patchGruCells } from './gru-keras';
export { ResetAfterGruCell, resetAfterLayers } from './gru-reset-after';

interface CellLike {
  units: number;
  activation?: { getClassName(): string } | null;
  recurrentActivation?: { getClassName(): string } | null;
  useBias?: boolean;
  dropout: number;
  recurrentDropout: number;
  /** GRU: Keras's reset_after=True form (the cell of gru-reset-after.ts). */
  resetAfter?: boolean;
  kernel: { read(): tf.Variable };
  recurrentKernel: { read(): tf.Variable };
  bias?: { read(): tf.Variable } | null;
}

export interface RnnLayerLike {
  name: string;
  cell: CellLike;
  returnSequences: boolean;
  goBackwards: boolean;
  stateful: boolean;
  returnState: boolean;
  getClassName(): string;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

/** The layer classes the fused op serves, with their cell equations (each block's `kernels.rnn`). */
const CELLS = new Map<string, CellKind>(BLOCKS.flatMap((b) => (b.kind !== 'input' && b.kernels?.rnn ? [[b.className, b.kernels.rnn] as const] : [])));

/** A wrapper that holds two recurrent layers (Bidirectional): both are visited. */
function halves(layer: tf.layers.Layer): tf.layers.Layer[] {
  const bi = layer as unknown as { forwardLayer?: tf.layers.Layer; backwardLayer?: tf.layers.Layer };
  return bi.forwardLayer && bi.backwardLayer ? [bi.forwardLayer, bi.backwardLayer] : [];
}

export interface FusedStatus {
  /** Whether the fused kernels are switched on and loaded for the current backend. */
  active: boolean;
  /** Why not, when they are not. */
  reason?: 'disabled-by-env' | 'backend' | 'load-failed';
  /** Layers fused in the most recently built model. */
  layers: number;
}

let status: FusedStatus = { active: false, layers: 0 };

export function fusedRnnStatus(): FusedStatus {
  return status;
}

/** True when fused kernels should be used with the active backend. */
export function fusedRnnWanted(): boolean {
  if (process.env.SEQLAB_FUSED === '0') return false;
  const b = tf.getBackend();
  return b === 'wasm' || b === 'cpu';
}

function activationCode(a: { getClassName(): string } | null | undefined): number | undefined {
  if (a == null) return 0;
  return ACTIVATION_CODES[a.getClassName()];
}

/** What the kernels need to know of a layer, or null when they cannot run it. */
export function fusedSpec(layer: RnnLayerLike): RnnSpec | null {
  const kind = CELLS.get(layer.getClassName());
  if (!kind || layer.stateful || layer.returnState) return null;
  const cell = layer.cell;
  const activation = activationCode(cell.activation);
  // a cell without gates (SimpleRNN) has no recurrent activation: code 0
  const recurrentActivation = GATES[kind] > 1 ? activationCode(cell.recurrentActivation) : 0;
  if (activation === undefined || recurrentActivation === undefined) return null;
  const resetAfter = kind === 'GRU' && cell.resetAfter === true;
  return { cell: kind, units: cell.units, activation, recurrentActivation, returnSequences: layer.returnSequences, goBackwards: layer.goBackwards, ...(resetAfter ? { resetAfter } : {}) };
}

function tapeOn(): boolean {
  return tf.engine().isTapeOn();
}

/** Replaces one layer's call with the fused op; returns whether it did. */
const FUSED = Symbol('seqlab.fusedRnn');

export function fuseLayer(layer: RnnLayerLike, seed: number): boolean {
  const marked = layer as RnnLayerLike & { [FUSED]?: true };
  if (marked[FUSED]) return true;
  const spec = fusedSpec(layer);
  if (!spec) return false;
  marked[FUSED] = true;
  const original = layer.call.bind(layer);
  const rand = mulberry32(seed >>> 0);
  const cell = layer.cell;
  const G = GATES[spec.cell];
  layer.call = (inputs, kwargs) => {
    const w = rnnWasm();
    const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0]! : null) : inputs;
    if (!w || !x || x.rank !== 3 || kwargs?.mask != null || kwargs?.initialState != null || !fusedRnnWanted()) return original(inputs, kwargs);
    try {
      return fusedCall(x, kwargs);
    } catch (e) {
      // e.g. a sequence too big for the module's 32-bit memory: tfjs's own layer still works
      if (!(e instanceof RangeError)) throw e;
      return original(inputs, kwargs);
    }
  };
  const fusedCall = (x: tf.Tensor, kwargs: Record<string, unknown>): tf.Tensor =>
    tf.tidy(() => {
      const training = kwargs?.training === true;
      const [B, , I] = x.shape as [number, number, number];
      const masks: DropoutMasks = { x: null, h: null };
      if (training && drops(cell.dropout)) masks.x = dropoutMask(rand, B * I, cell.dropout);
      if (training && drops(cell.recurrentDropout)) masks.h = dropoutMask(rand, B * spec.units, cell.recurrentDropout);
      // reset_after: two bias rows (input, recurrent)
      const bias = cell.useBias !== false && cell.bias ? cell.bias.read() : tf.zeros(spec.resetAfter ? [2, G * spec.units] : [G * spec.units]);
      return fusedRnn(rnnWasm()!, spec, x.dtype === 'float32' ? x : x.toFloat(), cell.kernel.read(), cell.recurrentKernel.read(), bias, masks, tapeOn());
    });
  return true;
}

/**
 * Fuses every supported recurrent layer of a built model when the backend is a CPU one
 * (and SEQLAB_FUSED is not 0). Never throws: on any problem the stock layers stay.
 * Returns the number of recurrent layers fused; Conv1D and 1-D max-pooling layers are fused
 * too (../conv1d, counted by fusedConvStatus()).
 */
export async function installFusedRnn(model: tf.LayersModel, seed = 0): Promise<number> {
  // First, on every backend: GRU cells with recurrent dropout get Keras's step instead of
  // tfjs's (whose blend uses the dropped-out state and diverges; see gru-keras.ts). It is
  // what runs wherever a GRU is not fused: native backends, SEQLAB_FUSED=0, fallbacks.
  patchGruCells(model);
  if (process.env.SEQLAB_FUSED === '0') {
    status = { active: false, reason: 'disabled-by-env', layers: 0 };
    installFusedConv(model);
    return 0;
  }
  if (!fusedRnnWanted()) {
    status = { active: false, reason: 'backend', layers: 0 };
    installFusedConv(model);
    return 0;
  }
  try {
    await loadRnnWasm();
  } catch {
    status = { active: false, reason: 'load-failed', layers: 0 };
    installFusedConv(model);
    return 0;
  }
  // the sequence convolutions and poolings share the module (../conv1d)
  installFusedConv(model);
  let n = 0;
  let k = 0;
  const visit = (layer: tf.layers.Layer): void => {
    if (CELLS.has(layer.getClassName())) {
      if (fuseLayer(layer as unknown as RnnLayerLike, seed + 9973 * ++k)) n++;
    } else halves(layer).forEach(visit);
  };
  for (const layer of model.layers) visit(layer);
  status = { active: true, layers: n };
  return n;
}
