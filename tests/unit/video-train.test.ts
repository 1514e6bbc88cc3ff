/**
 * Training of the video experiment at its small size, on the engine's backend (wasm):
 * each of the three models (per-frame CNN + LSTM, Conv3D, ConvLSTM2D) learns the clips
 * well above chance on held-out test clips, reports its real parameter count and time per
 * epoch; Stop ends the job; a missing backend kernel becomes E_BACKEND_KERNEL_MISSING for
 * that model while the others still train. The faster wasm Unpack/Transpose give the same
 * values as plain index arithmetic.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { VIDEO_MODELS, VIDEO_PREDICTED_CLIPS, VIDEO_SIZES, type VideoProgress } from '../../shared/ipc/video';
import { initBackend, tf } from '../../main/engine/platform/backend';
import { fastWasmOpsInstalled, installFastWasmOps } from '../../main/engine/kernels/wasm-ops';
import { kernelMissing, runVideoJob, videoModelSpec } from '../../main/engine/experiments/video-train';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

describe('wasm kernels of the video experiment', () => {
  it('Unpack along any axis and the leading-axes Transpose give the values index arithmetic gives', () => {
    expect(tf.getBackend()).toBe('wasm');
    // installed at wasm init (registerWasmGradKernels); a second install changes nothing
    expect(fastWasmOpsInstalled()).toBe(true);
    expect(installFastWasmOps()).toBe(true);
    expect(fastWasmOpsInstalled()).toBe(true);
    const shape = [3, 4, 2, 5, 2];
    const size = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: size }, (_, i) => i * 0.5 - 7);
    const x = tf.tensor(values, shape);
    const strides = [80, 20, 10, 2, 1];
    const at = (idx: number[]) => values[idx.reduce((s, v, k) => s + v * strides[k]!, 0)]!;
    for (const axis of [0, 1, 2, 4]) {
      const parts = tf.unstack(x, axis);
      expect(parts.length).toBe(shape[axis]);
      parts.forEach((p, i) => {
        const got = p.dataSync();
        const outShape = shape.filter((_, k) => k !== axis);
        let n = 0;
        const walk = (prefix: number[]): void => {
          if (prefix.length === outShape.length) {
            const full = [...prefix];
            full.splice(axis, 0, i);
            expect(got[n++]).toBe(at(full));
            return;
          }
          for (let v = 0; v < outShape[prefix.length]!; v++) walk([...prefix, v]);
        };
        walk([]);
        p.dispose();
      });
    }
    const big = tf.tensor(Float32Array.from({ length: 3 * 4 * 64 }, (_, i) => i), [3, 4, 8, 8]);
    const tr = tf.transpose(big, [1, 0, 2, 3]).dataSync();
    for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 64; k++) expect(tr[(j * 3 + i) * 64 + k]).toBe((i * 4 + j) * 64 + k);
    x.dispose();
    big.dispose();
  });
});

describe('video experiment training (small size)', () => {
  it('each model beats chance clearly on the test clips, with its real parameter count', async () => {
    const progress: VideoProgress[] = [];
    const done = await runVideoJob({ size: 'small', seed: 1, runId: 'video-test', onProgress: (p) => progress.push(p), progressIntervalMs: 0 });
    const s = VIDEO_SIZES.small;
    expect(done.status).toBe('completed');
    expect(done.chance).toBeCloseTo(1 / 6);
    expect(done.testClips).toBe(s.testClips);
    expect(done.results.map((r) => r.model)).toEqual([...VIDEO_MODELS]);
    for (const r of done.results) {
      expect(r.status, `${r.model} ${JSON.stringify(r.error)}`).toBe('completed');
      expect(r.backend).toBe('wasm');
      // At least twice chance on clips the model never saw.
      expect(r.testAccuracy!, r.model).toBeGreaterThanOrEqual(2 * done.chance);
      // The training loss fell.
      expect(r.epochs).toHaveLength(s.epochs);
      expect(r.epochs.at(-1)!.loss, r.model).toBeLessThan(r.epochs[0]!.loss * 0.8);
      expect(r.secondsPerEpoch!).toBeGreaterThan(0);
      // The parameter count is the model's own.
      const model = await tf.models.modelFromJSON(videoModelSpec(r.model, s.frames, s.side) as never);
      expect(r.params).toBe(model.countParams());
      model.dispose();
      expect(r.predictions).toHaveLength(Math.min(VIDEO_PREDICTED_CLIPS, s.testClips));
      expect(r.probabilities[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
    }
    // Progress reached every model with training batches.
    for (const m of VIDEO_MODELS) expect(progress.some((p) => p.model === m && p.phase === 'training')).toBe(true);
    // Conv3D and ConvLSTM see motion directly: far above chance at this size.
    expect(Math.max(...done.results.map((r) => r.testAccuracy!))).toBeGreaterThan(0.8);
  }, 900_000); // about a minute of CPU; generous for a loaded CI machine

  it('Stop ends the job between two batches', async () => {
    let batches = 0;
    const done = await runVideoJob({
      size: 'small', seed: 2, runId: 'video-stop', progressIntervalMs: 0,
      onProgress: (p) => { if (p.phase === 'training') batches++; },
      shouldStop: () => batches >= 3,
    });
    expect(done.status).toBe('stopped');
    expect(done.results).toHaveLength(1);
    expect(done.results[0]!.status).toBe('stopped');
    expect(done.results[0]!.testAccuracy).toBeNull();
    expect(batches).toBe(3);
  });

  it('a missing kernel fails that model with E_BACKEND_KERNEL_MISSING and the other one still trains', async () => {
    const conv3d = tf.getKernel('Conv3D', 'wasm')!;
    tf.unregisterKernel('Conv3D', 'wasm');
    try {
      const done = await runVideoJob({ size: 'small', settings: { epochs: 1, trainClips: 64, testClips: 12 }, seed: 3, runId: 'video-missing', models: ['video-conv3d', 'video-cnn-lstm'] });
      const [c3, lstm] = [done.results.find((r) => r.model === 'video-conv3d')!, done.results.find((r) => r.model === 'video-cnn-lstm')!];
      expect(c3.status).toBe('failed');
      expect(c3.error).toEqual({ code: 'E_BACKEND_KERNEL_MISSING', params: { kernel: 'Conv3D', backend: 'wasm' } });
      expect(lstm.status).toBe('completed');
      expect(done.status).toBe('completed');
    } finally {
      tf.registerKernel(conv3d);
    }
    expect(kernelMissing(new Error('something else'))).toBeNull();
  });
});
