/**
 * RMSprop for the CPU backends as one plain loop per variable.
 *
 * tfjs's RMSPropOptimizer updates each variable with about a dozen small kernels (it even
 * computes the new mean square twice); on the wasm backend each costs a kernel dispatch,
 * and for listing 6.47's eight variables that was about 1.8 ms of a ~15 ms training batch.
 * FusedRMSProp is the same optimizer class (same slots, names, getWeights/setWeights,
 * config and serialization: checkpoints and exports cannot tell the difference); only its
 * update runs as a JavaScript loop over the values, rounding to float32 after every
 * operation exactly where tfjs's float32 kernels round, so the results are tfjs's to the
 * last bit. Native backends, and the centered variant, use tfjs's own update. Where the
 * kernel module is loaded the loop runs there (assembly/rnn/optim.ts, float32 SIMD: the same
 * operations, so the same bits), about 20x faster than the JavaScript loop with its frounds.
 */
import { tf } from '../platform/backend';
import { heapValues } from './lazy-op';
import { tensorFrom } from './rnn/op';
import { rnnWasm, type RnnWasm } from './rnn/wasm';
import { FUSED_SWITCHES, fusedOn } from './switches';

FUSED_SWITCHES['rmsprop-module'] = "RMSprop's update on the kernel module, four lanes at a time (assembly/rnn/optim.ts); off: the JavaScript loop";

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

interface RmsInternals {
  learningRate: number;
  decay: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
  accumulatedMeanSquares: Slot[];
  accumulatedMoments: Slot[];
}

const f = Math.fround;

export class FusedRMSProp extends tf.RMSPropOptimizer {
  /** Whether the last applyGradients ran the fused loop (tests). */
  lastFused = false;
  /** Whether it ran on the kernel module (tests). */
  lastOnModule = false;

  constructor(learningRate: number, decay = 0.9, momentum = 0, epsilon: number | null = null, centered = false) {
    super(learningRate, decay, momentum, epsilon ?? undefined, centered);
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const me = this as unknown as RmsInternals;
    const backend = tf.getBackend();
    if ((backend !== 'wasm' && backend !== 'cpu') || me.centered || process.env.SEQLAB_FUSED === '0') {
      this.lastFused = false;
      super.applyGradients(variableGradients);
      return;
    }
    this.lastFused = true;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const registered = (tf.engine() as unknown as { registeredVariables: Record<string, tf.Variable> }).registeredVariables;
    // the scalars as tfjs's kernels see them: float32
    const decay = f(me.decay);
    const oneMinusDecay = f(1 - me.decay);
    const momentum = f(me.momentum);
    const lr = f(me.learningRate);
    const eps = f(me.epsilon);
    names.forEach((name, i) => {
      const value = registered[name]!;
      if (me.accumulatedMeanSquares[i] == null) {
        me.accumulatedMeanSquares[i] = { originalName: `${name}/rms`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      }
      if (me.accumulatedMoments[i] == null) {
        me.accumulatedMoments[i] = { originalName: `${name}/momentum`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      }
      const gradient = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[name];
      if (gradient == null) return;
      const msVar = me.accumulatedMeanSquares[i]!.variable;
      const momVar = me.accumulatedMoments[i]!.variable;
      // copies, updated and assigned back as new tensors: a variable's storage may be shared
      // with a clone (tfjs clones share it), and the cpu backend's dataSync returns the
      // storage itself, so nothing is ever written in place
      const module = fusedOn('rmsprop-module') ? rnnWasm() : null;
      const done = module ? updateOnModule(module, value, gradient, msVar, momVar, [decay, oneMinusDecay, momentum, lr, eps]) : false;
      this.lastOnModule = done;
      if (done) return;
      const g = gradient.dataSync() as Float32Array;
      const ms = new Float32Array(msVar.dataSync() as Float32Array);
      const mom = new Float32Array(momVar.dataSync() as Float32Array);
      const v = new Float32Array(value.dataSync() as Float32Array);
      for (let k = 0; k < v.length; k++) {
        const gk = g[k]!;
        // add(mul(ms, decay), mul(square(g), 1 - decay))
        const m2 = f(f(ms[k]! * decay) + f(f(gk * gk) * oneMinusDecay));
        // add(mul(mom, momentum), div(mul(g, lr), sqrt(add(m2, eps))))
        const step = f(f(mom[k]! * momentum) + f(f(gk * lr) / f(Math.sqrt(f(m2 + eps)))));
        ms[k] = m2;
        mom[k] = step;
        v[k] = f(v[k]! - step);
      }
      tf.tidy(() => {
        msVar.assign(tf.tensor(ms, msVar.shape, 'float32'));
        momVar.assign(tf.tensor(mom, momVar.shape, 'float32'));
        value.assign(tf.tensor(v, value.shape, 'float32'));
      });
    });
    this.incrementIterations();
  }
}

/** The update of one variable on the kernel module; false when its memory cannot hold it (the loop above runs instead). */
function updateOnModule(w: RnnWasm, value: tf.Variable, gradient: tf.Tensor, msVar: tf.Variable, momVar: tf.Variable, scalars: [number, number, number, number, number]): boolean {
  const n = gradient.size;
  let pv: number, pms: number, pmom: number;
  try {
    w.begin();
    // read where the backend keeps them (no copy on wasm), copied once into the module
    pv = w.put(heapValues(value));
    const pg = w.put(heapValues(gradient));
    pms = w.put(heapValues(msVar));
    pmom = w.put(heapValues(momVar));
    w.k.rmspropUpdate(pv, pg, pms, pmom, n, ...scalars);
  } catch (e) {
    if (e instanceof RangeError) return false;
    throw e;
  }
  // new tensors, never a write in place (a variable's storage may be shared with a clone)
  tf.tidy(() => {
    msVar.assign(tensorFrom(w.view(pms, n), msVar.shape));
    momVar.assign(tensorFrom(w.view(pmom, n), momVar.shape));
    value.assign(tensorFrom(w.view(pv, n), value.shape));
  });
  return true;
}
