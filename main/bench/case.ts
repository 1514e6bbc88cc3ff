/**
 * One benchmark case, run inside a worker thread (as the app's engine is): build the
 * model on the chosen backend, train warm-up batches (10 by default), then time N batches of random
 * data of the lesson's shapes (RMSprop, MAE or categorical cross-entropy).
 */
import { initBackend, tf } from '../engine/platform/backend';
import { mulberry32 } from '../engine/data/random';
import { fusedConvStatus } from '../engine/kernels/conv1d';
import { fusedConv2dLayers } from '../engine/kernels/conv2d';
import { fusedDenseLayers } from '../engine/kernels/dense';
import { fusedRnnStatus, rnnWasm } from '../engine/kernels/rnn';
import { rnnWasmForm } from '../engine/kernels/rnn/wasm';
import { FusedRMSProp } from '../engine/kernels/optim';
import { buildModel } from '../engine/model/build';
import { categoricalCrossentropy } from '../engine/training/losses';
import type { Experiment } from '../../shared/experiment';
import { BLOCKS } from '../../shared/model';
import type { BackendName } from '../../shared/ipc/contract';
import { flopsOfModel } from './model-flops';
import { BENCH_TIMESTEPS, benchModel } from './models';
import { median } from './stats';

export interface CaseRequest {
  model: string;
  backend: BackendName;
  batchSize: number;
  batches: number;
  /** Untimed batches first (the JIT, the kernels' memory and helper threads settle). */
  warmup?: number;
  /** Stop timing after this many seconds (at least one timed batch is always run). */
  capSeconds: number;
  /** SEQLAB_FUSED_OFF for every other batch (ABBA order): the switches off and on in one worker. */
  abOff?: string;
}

/** Each side of an A/B case: median ms per batch (and min, max) with the switches off and on. */
export interface AbResult {
  off: { ms: number; min: number; max: number; n: number };
  on: { ms: number; min: number; max: number; n: number };
}

export interface CaseResult {
  model: string;
  backend: string;
  ok: boolean;
  error?: string;
  /** The backend tfjs really used (the ladder may fall back). */
  activeBackend?: string;
  /** Recurrent layers running as fused kernels (kernels/rnn); 0 = stock tfjs layers. */
  fusedLayers?: number;
  /** Conv1D / MaxPooling1D / GlobalMaxPooling1D / Conv2D / MaxPooling2D layers running as fused kernels (kernels/conv1d, kernels/conv2d). */
  fusedConvLayers?: number;
  /** Threads the fused kernels split a batch over. */
  kernelThreads?: number;
  /** Dense layers running as fused kernels (kernels/dense). */
  fusedDenseLayers?: number;
  /** The kernel module's form (fma: relaxed SIMD's fused multiply-add in the convolutions). */
  kernelForm?: string;
  /** FLOPs of one training batch and of its forward pass alone (flops.ts modelFlops). */
  trainingFlops?: number;
  forwardFlops?: number;
  firstBatchMs?: number;
  msPerBatch?: number;
  /** Median process CPU time (user + system, all threads) per batch: robust to other programs competing for the cores. */
  cpuMsPerBatch?: number;
  msMin?: number;
  msMax?: number;
  timedBatches?: number;
  samplesPerSecond?: number;
  firstLoss?: number;
  lastLoss?: number;
  /** Peak of this worker's V8 heap + external memory (includes the WASM heap), MiB. */
  peakWorkerMiB?: number;
  /** Peak bytes held by tfjs tensors, MiB. */
  peakTensorMiB?: number;
  /** Peak resident set size of the whole process while this case ran, MiB. */
  peakRssMiB?: number;
  /** With abOff. */
  ab?: AbResult;
}

export type CaseMessage = { type: 'batch'; ms: number } | { type: 'result'; result: CaseResult };

const MiB = 1024 * 1024;


export async function runCase(req: CaseRequest, post: (m: CaseMessage) => void): Promise<CaseResult> {
  const base: CaseResult = { model: req.model, backend: req.backend, ok: false };
  let peakWorker = 0;
  let peakTensor = 0;
  let peakRss = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    peakWorker = Math.max(peakWorker, m.heapUsed + m.external);
    peakRss = Math.max(peakRss, m.rss);
    peakTensor = Math.max(peakTensor, tf.memory().numBytes);
  };
  try {
    const report = await initBackend({ prefer: req.backend });
    if (report.active !== req.backend) {
      return { ...base, activeBackend: report.active, error: `backend ${req.backend} unavailable (${report.attempts.map((a) => `${a.name}:${a.reason ?? 'ok'}`).join(', ')})` };
    }
    const spec = benchModel(req.model);
    // buildModel as training does: seeded initialisers, and the fused recurrent kernels
    // (main/engine/kernels/rnn) where they apply, unless SEQLAB_FUSED=0.
    const model = await buildModel({ model: spec.spec(), training: { seed: 1 } } as unknown as Experiment);
    const fused = fusedRnnStatus();
    const fusedConv = fusedConvStatus().layers + fusedConv2dLayers();
    const fusedDense = fusedDenseLayers();
    const B = req.batchSize;
    const rand = mulberry32(1234);
    const xs = model.inputs.map((inp) => {
      const shape = inp.shape.map((d, i) => (i === 0 ? B : (d ?? BENCH_TIMESTEPS)));
      const n = shape.reduce((a, b) => a * b, 1);
      if (inp.dtype === 'int32') {
        const ids = new Int32Array(n);
        // the vocabulary of the layer that reads the token ids (an Embedding)
        const reader = model.layers.find((l) => BLOCKS.some((b) => b.readsTokens && b.className === l.getClassName()));
        const vocab = Number((reader?.getConfig() as { inputDim?: number } | undefined)?.inputDim ?? 2);
        for (let i = 0; i < n; i++) ids[i] = Math.floor(rand() * vocab);
        return tf.tensor(ids, shape, 'int32');
      }
      const v = new Float32Array(n);
      for (let i = 0; i < n; i++) v[i] = rand() * 2 - 1;
      return tf.tensor(v, shape, 'float32');
    });
    const flops = flopsOfModel(model, B, BENCH_TIMESTEPS);
    const outShape = model.outputs[0]!.shape.map((d, i) => (i === 0 ? B : d!));
    const outN = outShape.reduce((a, b) => a * b, 1);
    const y = new Float32Array(outN);
    if (spec.loss === 'mae') {
      for (let i = 0; i < outN; i++) y[i] = rand() * 2 - 1;
    } else {
      const classes = outShape[outShape.length - 1]!;
      for (let r = 0; r < outN / classes; r++) y[r * classes + Math.floor(rand() * classes)] = 1;
    }
    const yt = tf.tensor(y, outShape);
    // the training code's RMSprop (a fused update on the CPU backends unless SEQLAB_FUSED=0)
    const optimizer = new FusedRMSProp(1e-3);
    const input = xs.length === 1 ? xs[0]! : xs;
    const step = (): number =>
      tf.tidy(() => {
        const l = optimizer.minimize(() => {
          const pred = model.apply(input, { training: true }) as tf.Tensor;
          return spec.loss === 'mae' ? tf.losses.absoluteDifference(yt, pred) : categoricalCrossentropy(yt, pred);
        }, true);
        return l!.dataSync()[0]!;
      });
    sample();
    let t0 = performance.now();
    const firstLoss = step();
    const firstBatchMs = performance.now() - t0;
    sample();
    post({ type: 'batch', ms: firstBatchMs });
    // --ab-off: the kernels read SEQLAB_FUSED_OFF at every call, so this worker switches them
    // off and on between batches: both sides see the same machine state (drift cancels)
    const baseOff = process.env.SEQLAB_FUSED_OFF;
    const setSwitches = (off: boolean): void => {
      if (!req.abOff) return;
      const v = off ? [baseOff, req.abOff].filter(Boolean).join(',') : baseOff;
      if (v) process.env.SEQLAB_FUSED_OFF = v;
      else delete process.env.SEQLAB_FUSED_OFF;
    };
    for (let b = 1; b < (req.warmup ?? 1) * (req.abOff ? 2 : 1); b++) {
      setSwitches(b % 2 === 1);
      step();
      sample();
      await new Promise((r) => setImmediate(r));
    }
    const times: number[] = [];
    const cpuTimes: number[] = [];
    const offTimes: number[] = [];
    let lastLoss = firstLoss;
    const started = performance.now();
    for (let b = 0; b < req.batches; b++) {
      // A/B: off then on, on then off, ... (ABBA)
      for (const off of req.abOff ? (b % 2 === 0 ? [true, false] : [false, true]) : [false]) {
        setSwitches(off);
        t0 = performance.now();
        const c0 = process.cpuUsage();
        lastLoss = step();
        const ms = performance.now() - t0;
        const c = process.cpuUsage(c0);
        if (off) offTimes.push(ms);
        else {
          times.push(ms);
          cpuTimes.push((c.user + c.system) / 1000);
        }
        sample();
        post({ type: 'batch', ms });
        // let the message go out, as the app's loop does between batches
        await new Promise((r) => setImmediate(r));
      }
      if ((performance.now() - started) / 1000 > req.capSeconds) break;
    }
    setSwitches(false);
    const ms = median(times);
    const side = (t: number[]): AbResult['on'] => ({ ms: median(t), min: Math.min(...t), max: Math.max(...t), n: t.length });
    model.dispose();
    optimizer.dispose();
    yt.dispose();
    xs.forEach((t) => t.dispose());
    return {
      ...base,
      ok: true,
      activeBackend: report.active,
      fusedLayers: fused.active ? fused.layers : 0,
      fusedConvLayers: fusedConv,
      fusedDenseLayers: fusedDense,
      kernelThreads: process.env.SEQLAB_FUSED !== '0' && rnnWasm() ? rnnWasm()!.threads : undefined,
      kernelForm: process.env.SEQLAB_FUSED !== '0' ? (rnnWasmForm() ?? undefined) : undefined,
      trainingFlops: flops.training,
      forwardFlops: flops.forward,
      firstBatchMs,
      msPerBatch: ms,
      cpuMsPerBatch: median(cpuTimes),
      msMin: Math.min(...times),
      msMax: Math.max(...times),
      timedBatches: times.length,
      samplesPerSecond: (B * 1000) / ms,
      firstLoss,
      lastLoss,
      peakWorkerMiB: peakWorker / MiB,
      peakTensorMiB: peakTensor / MiB,
      peakRssMiB: peakRss / MiB,
      ...(req.abOff ? { ab: { off: side(offTimes), on: side(times) } } : {}),
    };
  } catch (e) {
    return { ...base, error: (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200) };
  }
}
