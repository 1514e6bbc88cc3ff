/**
 * Engine handlers of the captioning experiment (issue #6): generate the dataset, train the
 * captioner as a job of the job service (progress events, Stop between batches), score
 * it on held-out images against the most-frequent-caption baseline, and caption one image
 * word by word (greedy) and by beam search of width 3.
 */
import { DEFAULT_CAPTIONER, captionWords, decodeIds, type CaptionerSize } from '../../../shared/captioning';
import { AppError, toErrorData } from '../../../shared/errors';
import { CAPTION_SIZE_FACTS, type CaptionModel, type CaptionSize, type captioningChannels } from '../../../shared/ipc/captioning';
import { backendReport, initBackend, tf } from '../platform/backend';
import { describe as describeScene, generateCaptionData, renderScene, type CaptionSet, type PlacedShape } from '../experiments/captioning-data';
import { beamSearch, buildCaptioner, evaluateCaptioner, greedySteps, trainCaptioner, type Captioner } from '../experiments/captioning-model';
import type { DoneOf } from '../../../shared/ipc/jobs';
import type { Job, HandlersFor } from './service';
import type { ExperimentContext } from './context';

export interface CaptionPlan {
  trainImages: number;
  testImages: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  model: CaptionerSize;
}

/** The two sizes offered in the app. `small` is what CI trains; `default` takes a few minutes on two CPU cores. */
export const CAPTION_PLANS: Record<CaptionSize, CaptionPlan> = {
  small: { ...CAPTION_SIZE_FACTS.small, batchSize: 32, learningRate: 0.004, model: DEFAULT_CAPTIONER },
  default: { ...CAPTION_SIZE_FACTS.default, batchSize: 32, learningRate: 0.004, model: DEFAULT_CAPTIONER },
};

type Done = DoneOf<'captioning'>;

interface Trained {
  cap: Captioner;
  train: CaptionSet;
  test: CaptionSet;
  summary: CaptionModel;
}

function toBase64(pixels: Float32Array): string {
  const bytes = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, pixels[i]!)) * 255);
  return Buffer.from(bytes).toString('base64');
}

function imageOf(set: CaptionSet, index: number): Float32Array {
  const px = set.size * set.size * 3;
  return set.images.slice(index * px, (index + 1) * px);
}

export interface CaptioningOptions {
  /** Overrides of the plans (tests use smaller ones). */
  plans?: Partial<Record<CaptionSize, Partial<CaptionPlan>>>;
}

export function captioningHandlers(ctx: ExperimentContext, opts: CaptioningOptions = {}): HandlersFor<keyof typeof captioningChannels> {
  let trained: Trained | null = null;
  let running: string | null = null;

  const plan = (size: CaptionSize): CaptionPlan => ({ ...CAPTION_PLANS[size], ...(opts.plans?.[size] ?? {}) });

  /** Trains and scores; returns the final report (the job service sends it). */
  async function run(job: Job<'captioning'>, size: CaptionSize, seed: number): Promise<Done> {
    const runId = job.jobId;
    const p = plan(size);
    const started = performance.now();
    const progress = (phase: 'generating' | 'training' | 'evaluating', extra: Partial<{ epoch: number; batch: number; batches: number; loss: number; etaSeconds: number }> = {}) =>
      job.progress({
        runId, phase, epoch: 0, epochs: p.epochs, batch: 0, batches: 0, loss: 0, etaSeconds: 0, ...extra,
        elapsedSeconds: (performance.now() - started) / 1000,
      });
    let cap: Captioner | null = null;
    try {
      await initBackend();
      progress('generating');
      const { train, test } = generateCaptionData(p.trainImages, p.testImages, seed, p.model.image);
      cap = await buildCaptioner(p.model, seed);
      const result = await trainCaptioner(cap, train, { epochs: p.epochs, batchSize: p.batchSize, learningRate: p.learningRate, seed }, {
        shouldStop: () => job.shouldStop(),
        onProgress: (q) => progress('training', q),
        onEpoch: (epoch, loss) => job.epoch({ runId, epoch, loss }),
      });
      let scores: CaptionModel['scores'] = null;
      if (!result.stopped) {
        progress('evaluating', { epoch: p.epochs });
        scores = { fa: await evaluateCaptioner(cap, train, test, 'fa'), en: await evaluateCaptioner(cap, train, test, 'en') };
      }
      const summary: CaptionModel = {
        runId, size, status: result.stopped ? 'stopped' : 'completed',
        trainImages: p.trainImages, testImages: p.testImages, epochs: p.epochs, epochsDone: result.history.length,
        params: cap.model.countParams(), seconds: (performance.now() - started) / 1000,
        backend: backendReport()?.active ?? tf.getBackend(), history: result.history, scores,
      };
      if (result.history.length === 0) {
        // Stopped before one epoch ended: nothing worth keeping.
        cap.dispose();
        return { runId, status: 'stopped', model: null };
      }
      trained?.cap.dispose();
      trained = { cap, train, test, summary };
      cap = null;
      return { runId, status: summary.status, model: summary };
    } catch (e) {
      cap?.dispose();
      const err = toErrorData(e);
      return { runId, status: 'failed', model: null, error: { code: err.code, params: err.params } };
    }
  }

  function need(): Trained {
    if (!trained) throw new AppError('E_NOT_FOUND', { what: 'model', id: 'captioning' });
    return trained;
  }

  return {
    'captioning.train': async ({ size, seed }) => {
      const runId = ctx.jobs.start('captioning', async (job) => {
        running = job.jobId;
        try {
          return await run(job, size, seed ?? 1);
        } finally {
          running = null;
        }
      });
      return { runId };
    },
    'captioning.state': async () => ({ model: trained?.summary ?? null, running }),
    'captioning.samples': async ({ count }) => {
      const t = need();
      const n = Math.min(count ?? 24, t.test.samples.length);
      return {
        samples: Array.from({ length: n }, (_, i) => ({
          index: i,
          image: { size: t.test.size, rgb: toBase64(imageOf(t.test, i)) },
          captions: t.test.samples[i]!.captions,
        })),
      };
    },
    'captioning.caption': async ({ source, language }) => {
      const t = need();
      const S = t.test.size;
      let image: Float32Array;
      let truth: string[] | null = null;
      if (source.kind === 'test') {
        if (source.index >= t.test.samples.length) throw new AppError('E_NOT_FOUND', { what: 'image', id: source.index });
        image = imageOf(t.test, source.index);
        truth = t.test.samples[source.index]!.captions[language];
      } else {
        const shapes: PlacedShape[] = source.shapes.map((s) => ({ ...s }));
        image = renderScene(shapes, S);
        const d = shapes.length === 2 ? describeScene(shapes[0]!, shapes[1]!) : null;
        if (d) truth = captionWords(d, language);
      }
      const greedy = greedySteps(t.cap, image, S, language);
      const beams = beamSearch(t.cap, image, 1, S, language, 3)[0]!.map((b) => ({ words: decodeIds(b.ids), logProb: b.logProb }));
      return { image: { size: S, rgb: toBase64(image) }, truth, greedy, beams };
    },
  };
}

