/**
 * Channels and events of the captioning experiment (issue #6), spread into the one contract
 * (contract.ts). Request schemas are strict: the renderer is untrusted.
 *
 *   captioning.train    {size, seed?}             -> {runId}; progress and done arrive as events
 *   captioning.state    {}                        -> the trained model's summary (or null) and the running job
 *   captioning.samples  {count?}                  -> held-out images (thumbnails) with their reference captions
 *   captioning.caption  {source, language}        -> greedy steps word by word and the 3 beams, for one image
 *   train.stop          {runId}                   -> stops the training job (the engine's one slot)
 */
import { z } from 'zod';

const RunId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const CAPTION_SIZES = ['small', 'default'] as const;
export type CaptionSize = (typeof CAPTION_SIZES)[number];

/** How much each size trains (the engine's plans; the panel shows them). */
export const CAPTION_SIZE_FACTS: Record<CaptionSize, { trainImages: number; testImages: number; epochs: number }> = {
  small: { trainImages: 600, testImages: 100, epochs: 6 },
  default: { trainImages: 2000, testImages: 200, epochs: 10 },
};

const Language = z.enum(['fa', 'en']);
const Words = z.array(z.string());

export const CaptionScoresSchema = z.object({
  exact: z.number(),
  /** Cumulative BLEU-1..4. */
  bleu: z.tuple([z.number(), z.number(), z.number(), z.number()]),
});
export type CaptionScoresData = z.infer<typeof CaptionScoresSchema>;

export const CaptionLanguageScoresSchema = z.object({
  greedy: CaptionScoresSchema,
  beam: CaptionScoresSchema,
  baseline: CaptionScoresSchema,
  baselineCaption: Words,
});

export const CaptionModelSchema = z.object({
  runId: RunId,
  size: z.enum(CAPTION_SIZES),
  status: z.enum(['completed', 'stopped']),
  trainImages: z.number().int(),
  testImages: z.number().int(),
  epochs: z.number().int(),
  epochsDone: z.number().int(),
  params: z.number().int(),
  seconds: z.number(),
  backend: z.string(),
  /** Mean training loss per epoch. */
  history: z.array(z.number()),
  /** Held-out scores per language (null when training was stopped before the end). */
  scores: z.object({ fa: CaptionLanguageScoresSchema, en: CaptionLanguageScoresSchema }).nullable(),
});
export type CaptionModel = z.infer<typeof CaptionModelSchema>;

/** One shape of the "place shapes" editor: a cell of the 3x3 grid (col, row from the top-left). */
export const PlacedShapeSchema = z
  .object({
    shape: z.enum(['circle', 'square', 'triangle']),
    colour: z.enum(['red', 'green', 'blue', 'yellow']),
    col: z.number().int().min(0).max(2),
    row: z.number().int().min(0).max(2),
  })
  .strict();

/** An image as base64 of its RGB bytes (size x size x 3, row-major). */
const ImageSchema = z.object({ size: z.number().int(), rgb: z.string() });

export const CaptionSampleSchema = z.object({
  index: z.number().int(),
  image: ImageSchema,
  captions: z.object({ fa: Words, en: Words }),
});

const TopWord = z.object({ word: z.string(), prob: z.number() });

export const captioningChannels = {
  'captioning.train': {
    request: z.object({ size: z.enum(CAPTION_SIZES), seed: z.number().int().min(0).max(2 ** 31 - 1).optional() }).strict(),
    response: z.object({ runId: RunId }),
  },
  'captioning.state': {
    request: z.object({}).strict(),
    response: z.object({ model: CaptionModelSchema.nullable(), running: RunId.nullable() }),
  },
  'captioning.samples': {
    request: z.object({ count: z.number().int().min(1).max(64).optional() }).strict(),
    response: z.object({ samples: z.array(CaptionSampleSchema) }),
  },
  'captioning.caption': {
    request: z
      .object({
        source: z.union([
          z.object({ kind: z.literal('test'), index: z.number().int().min(0).max(100_000) }).strict(),
          z.object({ kind: z.literal('scene'), shapes: z.array(PlacedShapeSchema).min(1).max(2) }).strict(),
        ]),
        language: Language,
      })
      .strict(),
    response: z.object({
      image: ImageSchema,
      /** The caption right by construction (null for a drawn scene with no clear relation). */
      truth: Words.nullable(),
      /** Greedy decoding, one entry per step: the chosen word (`<end>` last) and the three likeliest. */
      greedy: z.array(z.object({ word: z.string(), prob: z.number(), top: z.array(TopWord) })),
      /** Beam search of width 3: the candidates, best first, with their log-probabilities. */
      beams: z.array(z.object({ words: Words, logProb: z.number() })),
    }),
  },
} as const;

export const CaptionProgressSchema = z.object({
  runId: RunId,
  phase: z.enum(['generating', 'training', 'evaluating']),
  epoch: z.number().int(),
  epochs: z.number().int(),
  batch: z.number().int(),
  batches: z.number().int(),
  loss: z.number(),
  elapsedSeconds: z.number(),
  etaSeconds: z.number(),
});

export const CaptionDoneSchema = z.object({
  runId: RunId,
  status: z.enum(['completed', 'stopped', 'failed']),
  model: CaptionModelSchema.nullable(),
  error: z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() }).optional(),
});

export const CaptionEpochSchema = z.object({ runId: RunId, epoch: z.number().int(), loss: z.number() });
