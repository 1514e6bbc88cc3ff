// The benchmark's FLOP count of a whole model (main/bench/flops.ts modelFlops) and the bounds
// it sets (bounds.ts). The count runs on the lesson models as the engine builds them: each
// figure below is worked out by hand from the layer sizes, so a wrong shape walk, a missed
// wrapper or a wrong backward rule fails.
import { beforeAll, describe, expect, it } from 'vitest';
import { bound, lessonFlops, secondsAt } from '../../main/bench/bounds';
import { gruForwardFlops, modelFlops, type LayerLike, type ModelFlops, type Shape } from '../../main/bench/flops';
import { countFlops } from '../../main/bench/model-flops';
import { BENCH_MODELS } from '../../main/bench/models';
import { initBackend } from '../../main/engine/platform/backend';
import type { Experiment } from '../../shared/experiment';

async function flopsOf(id: string, T = 240, B = 128): Promise<ModelFlops> {
  const spec = BENCH_MODELS.find((x) => x.id === id)!.spec() as Experiment['model'];
  return (await countFlops([{ key: id, spec, timesteps: T, batchSize: B }]))[id]!;
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

describe('FLOPs of the lesson models (modelFlops)', () => {
  it('listing 6.47: three Conv1D(32, 5) between poolings; the first one computes no input gradient', async () => {
    // per sample, 240 steps of 14: conv 236 x 32 x (5*14) x 2, pool to 78, conv 74 x 32 x 160 x 2,
    // pool to 24, conv 20 x 32 x 160 x 2, Dense 32 -> 1
    const c1 = 236 * 32 * 70 * 2;
    const c2 = 74 * 32 * 160 * 2;
    const c3 = 20 * 32 * 160 * 2;
    const d = 32 * 2;
    const f = await flopsOf('conv1d-6.47');
    expect(f.forward).toBe(128 * (c1 + c2 + c3 + d));
    expect(f.training).toBe(128 * (2 * c1 + 3 * (c2 + c3 + d)));
    expect(f.layers.filter((l) => l.forward === 0).map((l) => l.className)).toEqual(['MaxPooling1D', 'MaxPooling1D', 'GlobalMaxPooling1D']);
  });

  it('listing 6.49 at the lesson\'s 480 steps: the GRU(32) runs over the 154 steps the convolutions leave', async () => {
    const c1 = 476 * 32 * 70 * 2;
    const c2 = 154 * 32 * 160 * 2;
    const gru = gruForwardFlops({ B: 1, T: 154, I: 32, U: 32 });
    const f = await flopsOf('conv1d-gru-6.49', 480);
    expect(f.forward).toBe(128 * (c1 + c2 + gru + 64));
    expect(f.training).toBe(128 * (2 * c1 + 3 * (c2 + gru + 64)));
  });

  it('GRU(32) -> Dense(1) on the lesson windows: 3x the forward less the input gradient nothing needs, 0.77 GFLOP', async () => {
    const gru = gruForwardFlops({ B: 128, T: 240, I: 14, U: 32 });
    const f = await flopsOf('gru');
    expect(f.training).toBe(3 * gru - 128 * 240 * 2 * 14 * 96 + 3 * 128 * 32 * 2);
    expect(f.training / 1e9).toBeCloseTo(0.770, 3);
  });

  it('Bidirectional counts its two GRUs, both reading the input', async () => {
    const gru = gruForwardFlops({ B: 128, T: 240, I: 14, U: 32 });
    const inputProducts = 128 * 240 * 2 * 14 * 96;
    const f = await flopsOf('bidirectional-gru');
    expect(f.layers[0]).toMatchObject({ className: 'Bidirectional', forward: 2 * gru, training: 2 * (3 * gru - inputProducts) });
  });

  it('TimeDistributed(Conv2D) counts the convolution on every frame; ConvLSTM2D its two convolutions into four gates', async () => {
    const cnn = await flopsOf('video-cnn-lstm');
    // 10 frames of 32 x 32 x 1: 30 x 30 x 8 outputs of a 3 x 3 x 1 filter
    expect(cnn.layers[0]).toMatchObject({ className: 'TimeDistributed', forward: 128 * 10 * 900 * 8 * 9 * 2 });
    const lstm = await flopsOf('video-convlstm');
    const cl = lstm.layers.find((l) => l.className === 'ConvLSTM2D')!;
    // 15 x 15 x 16 outputs (3 x 3, stride 2 on 32 x 32 x 1): input conv 9 x 1 -> 64, recurrent 9 x 16 -> 64
    const perStepPos = 2 * 9 * 1 * 64 + 2 * 9 * 16 * 64 + 13 * 16;
    expect(cl.forward).toBe(128 * 10 * 225 * perStepPos);
  });

  it('the captioner: an image CNN, an Embedding (no arithmetic) and a GRU(96) over the caption whose input needs its gradient', async () => {
    const f = await flopsOf('captioning');
    const by = (name: string): { forward: number; training: number } => f.layers.find((l) => l.name === name)!;
    expect(by('word_embedding').forward).toBe(0);
    const gru = gruForwardFlops({ B: 128, T: 11, I: 96, U: 96 });
    // its input comes from trainable layers: the full backward
    expect(by('decoder_gru')).toEqual(expect.objectContaining({ forward: gru, training: 3 * gru }));
    expect(by('next_word').forward).toBe(128 * 11 * 96 * 33 * 2);
    expect(f.layers.find((l) => l.className === 'Conv2D')!.training).toBe(2 * 128 * 900 * 16 * 27 * 2);
  });

  it('asks for the shape of every input', () => {
    const input = { name: 'x', getClassName: () => 'InputLayer', getConfig: () => ({}), computeOutputShape: (s: Shape | Shape[]) => s, trainableWeights: [], inboundNodes: [] };
    expect(() => modelFlops([input as unknown as LayerLike], new Map())).toThrow(/no shape given for input x/);
  });
});

describe('what the arithmetic allows (bounds.ts)', () => {
  it('a batch of 0.64 GFLOP at a best rate of 64 GFLOP/s takes at least 10 ms: against 12 ms of PyTorch, 0.5x needs 107 GFLOP/s, beyond the rate', () => {
    const b = bound({ flops: 0.64e9, ms: 14, peerMs: 12, ratioTarget: 0.5 }, 64);
    expect(b.floorMs).toBeCloseTo(10, 9);
    expect(b.gflops).toBeCloseTo(0.64e9 / 0.014 / 1e9, 9);
    expect(b.share).toBeCloseTo(b.gflops / 64, 12);
    expect(b.floorRatio).toBeCloseTo(10 / 12, 9);
    expect(b.targetGflops).toBeCloseTo(0.64e9 / 0.006 / 1e9, 6);
    expect(b.reachable).toBe(false);
    // a target the rate allows
    expect(bound({ flops: 0.64e9, ms: 14, peerMs: 50, ratioTarget: 0.5 }, 64).reachable).toBe(true);
    // no peer: no ratio, no verdict
    expect(bound({ flops: 1e9, ms: 20 }, 50)).toEqual({ gflops: 50, share: 1, floorMs: 20 });
  });

  it('a lesson run is every training step plus the whole validation split every epoch', () => {
    const w = lessonFlops({ epochs: 20, stepsPerEpoch: 500, trainingFlopsPerBatch: 2e9, validationWindows: 1000, forwardFlopsPerWindow: 5e6 });
    expect(w).toEqual({ training: 20 * 500 * 2e9, validation: 20 * 1000 * 5e6, total: 2e13 + 1e11 });
    expect(secondsAt(w.total, 67)).toBeCloseTo(2.01e13 / 67e9, 6);
  });
});
