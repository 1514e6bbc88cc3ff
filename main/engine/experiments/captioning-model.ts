/**
 * The captioning model (issue #6): built from the same builder graph as the 'captioning'
 * preset (shared/captioning.ts captionerGraph -> Keras topology -> tf.models.modelFromJSON),
 * trained with teacher forcing (the decoder reads `<start-xx>` and the caption shifted by one
 * and predicts the next word) on a masked sparse cross-entropy (padding after `<end>` does not
 * count), then decoded greedily or by beam search with an encoder model and a decoder model
 * that share the trained layers.
 */
import {
  CAPTIONER_LAYERS, CAPTION_STEPS, END_ID, MODEL_TOKENS, PAD_ID, START_ID, decodeIds, encodeCaption,
  captionerGraph, type CaptionLanguage, type CaptionerSize,
} from '../../../shared/captioning';
import { AppError } from '../../../shared/errors';
import { toKerasSpec } from '../../../shared/model/graph';
import { mulberry32 } from '../../../shared/random';
import { tf } from '../platform/backend';
import { buildTopology } from '../model/build';
import { mostFrequentCaption, scoreCaptions, type CaptionScores } from './captioning-bleu';
import type { CaptionSet } from './captioning-data';

const EPS = 1e-7;
const VOCAB = MODEL_TOKENS.length;
const T = CAPTION_STEPS;

export interface Captioner {
  model: tf.LayersModel;
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
  size: CaptionerSize;
  dispose(): void;
}

/** Builds the captioner from its builder graph (seeded initializers), with the decoding models. */
export async function buildCaptioner(size: CaptionerSize, seed: number): Promise<Captioner> {
  // on the CPU backends the GRU runs as one fused op (the decoder below shares the instance)
  const model = await buildTopology(toKerasSpec(captionerGraph(size)), seed);
  const L = CAPTIONER_LAYERS;
  const encoder = tf.model({ inputs: model.getLayer(L.image).output as tf.SymbolicTensor, outputs: model.getLayer(L.feature).output as tf.SymbolicTensor });
  const featureIn = tf.input({ shape: [size.feature], name: 'feature_in' });
  const tokensIn = tf.input({ shape: [T], dtype: 'int32', name: 'tokens_in' });
  const repeated = model.getLayer(L.repeat).apply(featureIn) as tf.SymbolicTensor;
  const embedded = model.getLayer(L.embed).apply(tokensIn) as tf.SymbolicTensor;
  const joined = model.getLayer(L.join).apply([embedded, repeated]) as tf.SymbolicTensor;
  const hidden = model.getLayer(L.gru).apply(joined) as tf.SymbolicTensor;
  const words = model.getLayer(L.words).apply(hidden) as tf.SymbolicTensor;
  const decoder = tf.model({ inputs: [featureIn, tokensIn], outputs: words });
  // The decoder re-applied the caption layers (each holds one more reference): dispose both
  // models so every weight is freed (the encoder re-applies nothing).
  return { model, encoder, decoder, size, dispose: () => { decoder.dispose(); model.dispose(); } };
}

/** Masked sparse categorical cross-entropy: mean over the non-padding targets. */
export function maskedLoss(target: tf.Tensor2D, probs: tf.Tensor3D): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(target, VOCAB);
    const picked = tf.sum(tf.mul(oneHot, probs), -1);
    const logp = tf.log(tf.clipByValue(picked, EPS, 1));
    const mask = tf.cast(tf.notEqual(target, PAD_ID), 'float32');
    return tf.div(tf.neg(tf.sum(tf.mul(logp, mask))), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}

export interface TrainSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export interface CaptionProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  elapsedSeconds: number;
  etaSeconds: number;
}

export interface TrainHooks {
  shouldStop?(): boolean;
  onProgress?(p: CaptionProgress): void;
  onEpoch?(epoch: number, loss: number): void;
  /** Minimum milliseconds between progress calls (default 150). */
  progressIntervalMs?: number;
}

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Fills the image, decoder-input and target arrays for one batch of (sample, language) pairs. */
function fillBatch(set: CaptionSet, picks: readonly { index: number; lang: CaptionLanguage }[], x: Float32Array, tokIn: Int32Array, tokOut: Int32Array): void {
  const px = set.size * set.size * 3;
  picks.forEach(({ index, lang }, b) => {
    x.set(set.images.subarray(index * px, (index + 1) * px), b * px);
    const { input, target } = encodeCaption(set.samples[index]!.captions[lang], lang);
    tokIn.set(input, b * T);
    tokOut.set(target, b * T);
  });
}

/**
 * Trains on both languages at once (each batch mixes English and Persian captions of random
 * training images). Returns the per-epoch mean loss, and whether Stop was pressed.
 */
export async function trainCaptioner(cap: Captioner, train: CaptionSet, s: TrainSettings, hooks: TrainHooks = {}): Promise<{ history: number[]; stopped: boolean }> {
  const optimizer = tf.train.adam(s.learningRate);
  const rand = mulberry32(s.seed + 1);
  const n = train.samples.length;
  const B = Math.min(s.batchSize, n);
  const batches = Math.ceil(n / B);
  const S = train.size;
  const x = new Float32Array(B * S * S * 3);
  const tokIn = new Int32Array(B * T);
  const tokOut = new Int32Array(B * T);
  const history: number[] = [];
  const started = performance.now();
  const interval = hooks.progressIntervalMs ?? 150;
  let lastEmit = 0;
  let done = 0;
  try {
    for (let epoch = 1; epoch <= s.epochs; epoch++) {
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let sum = 0;
      for (let b = 0; b < batches; b++) {
        if (hooks.shouldStop?.()) return { history, stopped: true };
        const picks = Array.from({ length: B }, (_, k) => ({ index: order[(b * B + k) % n]!, lang: (rand() < 0.5 ? 'en' : 'fa') as CaptionLanguage }));
        fillBatch(train, picks, x, tokIn, tokOut);
        const loss = tf.tidy(() => {
          const xt = tf.tensor4d(x, [B, S, S, 3]);
          const it = tf.tensor2d(tokIn, [B, T], 'int32');
          const ot = tf.tensor2d(tokOut, [B, T], 'int32');
          const value = optimizer.minimize(() => maskedLoss(ot, cap.model.apply([xt, it], { training: true }) as tf.Tensor3D), true);
          return value!.dataSync()[0]!;
        });
        if (!Number.isFinite(loss)) throw new AppError('E_TRAIN_DIVERGED', { epoch, batch: b + 1, loss: String(loss) });
        sum += loss;
        done++;
        const now = performance.now();
        if (now - lastEmit >= interval || b === batches - 1) {
          lastEmit = now;
          const elapsed = (now - started) / 1000;
          hooks.onProgress?.({ epoch, epochs: s.epochs, batch: b + 1, batches, loss, elapsedSeconds: elapsed, etaSeconds: (elapsed / done) * (s.epochs * batches - done) });
        }
        await yieldToEvents();
      }
      history.push(sum / batches);
      hooks.onEpoch?.(epoch, sum / batches);
    }
    return { history, stopped: false };
  } finally {
    optimizer.dispose();
  }
}

/** Image feature vectors of images [count, S, S, 3]. */
function features(cap: Captioner, images: Float32Array, count: number, S: number): tf.Tensor2D {
  return tf.tidy(() => cap.encoder.predict(tf.tensor4d(images, [count, S, S, 3])) as tf.Tensor2D);
}

/** Next-word probabilities at position `t` for each row of `tokens` (row i uses feature row rows[i]). */
function nextWordProbs(cap: Captioner, feats: tf.Tensor2D, rows: readonly number[], tokens: Int32Array, t: number): Float32Array {
  return tf.tidy(() => {
    const f = tf.gather(feats, tf.tensor1d(rows as number[], 'int32'));
    const out = cap.decoder.predict([f, tf.tensor2d(tokens, [rows.length, T], 'int32')]) as tf.Tensor3D;
    return out.slice([0, t, 0], [rows.length, 1, VOCAB]).reshape([rows.length, VOCAB]).dataSync() as Float32Array;
  });
}

export interface Beam {
  ids: number[];
  /** Sum of log-probabilities of the chosen words (and `<end>`). */
  logProb: number;
  done: boolean;
}

/** Only tokens of the caption's language (and `<end>`) may be chosen. */
function allowed(lang: CaptionLanguage): Uint8Array {
  const ok = new Uint8Array(VOCAB);
  ok[END_ID] = 1;
  MODEL_TOKENS.forEach((tok, i) => {
    if (i >= 4 && /[\u0600-\u06FF]/.test(tok) === (lang === 'fa')) ok[i] = 1;
  });
  return ok;
}

/**
 * Beam search of the given width for every image (width 1 is greedy decoding). Returns the
 * beams of each image, best first. The decoder re-reads the prefix at every step (it is causal,
 * so the output at step t depends only on the tokens up to t).
 */
export function beamSearch(cap: Captioner, images: Float32Array, count: number, S: number, lang: CaptionLanguage, width: number): Beam[][] {
  const ok = allowed(lang);
  const feats = features(cap, images, count, S);
  try {
    let beams: Beam[][] = Array.from({ length: count }, () => [{ ids: [], logProb: 0, done: false }]);
    for (let t = 0; t < T; t++) {
      const rows: number[] = [];
      const live: { image: number; beam: Beam }[] = [];
      beams.forEach((list, image) => list.forEach((beam) => {
        if (!beam.done) {
          rows.push(image);
          live.push({ image, beam });
        }
      }));
      if (live.length === 0) break;
      const tokens = new Int32Array(live.length * T);
      live.forEach(({ beam }, r) => {
        tokens[r * T] = START_ID[lang];
        beam.ids.forEach((id, k) => {
          if (k + 1 < T) tokens[r * T + k + 1] = id;
        });
      });
      const probs = nextWordProbs(cap, feats, rows, tokens, t);
      const candidates: Beam[][] = beams.map((list) => list.filter((b) => b.done));
      live.forEach(({ image, beam }, r) => {
        const scored: [number, number][] = [];
        for (let v = 0; v < VOCAB; v++) if (ok[v]) scored.push([v, probs[r * VOCAB + v]!]);
        scored.sort((a, b) => b[1] - a[1]);
        for (const [v, p] of scored.slice(0, width)) {
          const last = t === T - 1;
          candidates[image]!.push({ ids: [...beam.ids, v], logProb: beam.logProb + Math.log(Math.max(p, EPS)), done: v === END_ID || last });
        }
      });
      beams = candidates.map((list) => list.sort((a, b) => b.logProb - a.logProb).slice(0, width));
    }
    return beams;
  } finally {
    feats.dispose();
  }
}

export interface GreedyStep {
  word: string;
  prob: number;
  /** The three most likely next words at this step (the chosen one first). */
  top: { word: string; prob: number }[];
}

/** Greedy decoding of one image, keeping every step's choice and its runners-up (for the word-by-word view). */
export function greedySteps(cap: Captioner, image: Float32Array, S: number, lang: CaptionLanguage): GreedyStep[] {
  const ok = allowed(lang);
  const feats = features(cap, image, 1, S);
  try {
    const tokens = new Int32Array(T);
    tokens[0] = START_ID[lang];
    const steps: GreedyStep[] = [];
    for (let t = 0; t < T; t++) {
      const probs = nextWordProbs(cap, feats, [0], tokens, t);
      const scored: [number, number][] = [];
      for (let v = 0; v < VOCAB; v++) if (ok[v]) scored.push([v, probs[v]!]);
      scored.sort((a, b) => b[1] - a[1]);
      const [best, p] = scored[0]!;
      steps.push({ word: MODEL_TOKENS[best]!, prob: p, top: scored.slice(0, 3).map(([v, q]) => ({ word: MODEL_TOKENS[v]!, prob: q })) });
      if (best === END_ID) break;
      if (t + 1 < T) tokens[t + 1] = best;
    }
    return steps;
  } finally {
    feats.dispose();
  }
}

export interface LanguageScores {
  greedy: CaptionScores;
  beam: CaptionScores;
  baseline: CaptionScores;
  /** The most frequent training caption, the baseline's answer for every image. */
  baselineCaption: string[];
}

/** Greedy and beam-3 captions of the held-out set against its references, and the most-frequent-caption baseline. */
export async function evaluateCaptioner(cap: Captioner, train: CaptionSet, test: CaptionSet, lang: CaptionLanguage, opts: { beam?: boolean; chunk?: number } = {}): Promise<LanguageScores> {
  const refs = test.samples.map((s) => s.captions[lang]);
  const greedy: string[][] = [];
  const beam: string[][] = [];
  const chunk = opts.chunk ?? 64;
  const px = test.size * test.size * 3;
  for (let start = 0; start < test.samples.length; start += chunk) {
    const count = Math.min(chunk, test.samples.length - start);
    const imgs = test.images.subarray(start * px, (start + count) * px);
    for (const b of beamSearch(cap, imgs, count, test.size, lang, 1)) greedy.push(decodeIds(b[0]!.ids));
    if (opts.beam !== false) for (const b of beamSearch(cap, imgs, count, test.size, lang, 3)) beam.push(decodeIds(b[0]!.ids));
    await yieldToEvents();
  }
  const baselineCaption = mostFrequentCaption(train.samples.map((s) => s.captions[lang]));
  return {
    greedy: scoreCaptions(greedy, refs),
    beam: opts.beam !== false ? scoreCaptions(beam, refs) : scoreCaptions(greedy, refs),
    baseline: scoreCaptions(refs.map(() => baselineCaption), refs),
    baselineCaption,
  };
}
