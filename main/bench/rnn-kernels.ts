/**
 * Timing of stock vs fused recurrent layers (not a test): ms per training batch with
 * RMSprop + MAE on [batch, timesteps, features] like the lesson's Jena models.
 * Run with `node scripts/bench-rnn.mjs [--backend wasm|cpu] [--batches N] [--only gru,lstm,bigru,stacked]`.
 */
import { initBackend, tf } from '../engine/platform/backend';
import { fuseLayer, loadRnnWasm, patchGruCells } from '../engine/kernels/rnn/index';
import { opTimes } from '../engine/kernels/rnn/op';

type Case = 'gru' | 'lstm' | 'bigru' | 'stacked';

function model(c: Case, T: number, F: number): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.inputLayer({ inputShape: [T, F] }));
  if (c === 'gru') m.add(tf.layers.gru({ units: 32 }));
  if (c === 'lstm') m.add(tf.layers.lstm({ units: 32 }));
  if (c === 'bigru') m.add(tf.layers.bidirectional({ layer: tf.layers.gru({ units: 32 }) as tf.RNN }));
  if (c === 'stacked') {
    m.add(tf.layers.gru({ units: 32, dropout: 0.1, recurrentDropout: 0.5, returnSequences: true }));
    m.add(tf.layers.gru({ units: 64, activation: 'relu', dropout: 0.1, recurrentDropout: 0.5 }));
  }
  m.add(tf.layers.dense({ units: 1 }));
  return m;
}

function fuseAll(m: tf.LayersModel): void {
  let k = 0;
  for (const l of m.layers) {
    const bi = l as unknown as { forwardLayer?: tf.layers.Layer; backwardLayer?: tf.layers.Layer };
    for (const x of bi.forwardLayer ? [bi.forwardLayer, bi.backwardLayer!] : [l]) fuseLayer(x as never, ++k);
  }
}

/** Wall-clock and CPU milliseconds per batch (CPU time is the fairer figure on a busy machine). */
function timeBatches(m: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, n: number): { wall: number[]; cpu: number[]; fwd: number[]; bwd: number[] } {
  const opt = tf.train.rmsprop(1e-3);
  const times: number[] = [];
  const cpu: number[] = [];
  const fwd: number[] = [];
  const bwd: number[] = [];
  opTimes.enabled = true;
  for (let i = 0; i < n + 1; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const f0 = opTimes.forward;
    const b0 = opTimes.backward;
    const loss = opt.minimize(() => tf.losses.absoluteDifference(y, m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true);
    loss!.dataSync();
    loss!.dispose();
    const c = process.cpuUsage(c0);
    if (i > 0) {
      // the first batch warms up
      times.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
      fwd.push(opTimes.forward - f0);
      bwd.push(opTimes.backward - b0);
    }
  }
  return { wall: times, cpu, fwd, bwd };
}

const median = (a: number[]): number => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;

export async function benchRnn(opts: { backend: 'wasm' | 'cpu'; batches: number; only: Case[]; stock: boolean }): Promise<void> {
  await initBackend({ prefer: opts.backend });
  await loadRnnWasm();
  const B = 128;
  const T = 240;
  const F = 14;
  const x = tf.randomNormal([B, T, F]);
  const y = tf.randomNormal([B, 1]);
  console.log(`backend ${tf.getBackend()}, batch ${B}, ${T} timesteps, ${F} features, RMSprop + MAE, median ms per training batch`);
  for (const c of opts.only) {
    const fused = model(c, T, F);
    fuseAll(fused);
    const f = timeBatches(fused, x, y, opts.batches);
    const tf_ = median(f.wall);
    let line = `${c.padEnd(8)} fused ${tf_.toFixed(1)} ms (cpu ${median(f.cpu).toFixed(1)} ms, of which fused ops: forward ${median(f.fwd).toFixed(1)}, backward ${median(f.bwd).toFixed(1)})`;
    if (opts.stock) {
      const stock = model(c, T, F);
      // what the app runs when not fused: GRU cells with recurrent dropout get Keras's step
      patchGruCells(stock);
      const st = timeBatches(stock, x, y, Math.max(2, Math.min(3, opts.batches)));
      const ts = median(st.wall);
      line += `   stock ${ts.toFixed(0)} ms (cpu ${median(st.cpu).toFixed(0)} ms)   speed-up ${(ts / tf_).toFixed(1)}x`;
      stock.dispose();
    }
    console.log(line);
    fused.dispose();
  }
}
