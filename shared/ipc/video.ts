/**
 * Channels and events of the video experiment (issue #6), spread into the one contract
 * (contract.ts). Request schemas are strict: the renderer is untrusted.
 *
 * The experiment trains three video classifiers (per-frame CNN + LSTM, Conv3D, ConvLSTM2D)
 * one after another on the same generated clips and compares test accuracy, parameter
 * count and seconds per epoch.
 */
import { z } from 'zod';

/** The classes of the generated clips, in label order (the renderer translates each id). */
export const VIDEO_CLASSES = ['move-right', 'move-left', 'move-down', 'move-up', 'grow', 'shrink'] as const;
export type VideoClass = (typeof VIDEO_CLASSES)[number];

/** The three models compared, in the order they train; each is the builder preset of the same id. */
export const VIDEO_MODELS = ['video-cnn-lstm', 'video-conv3d', 'video-convlstm'] as const;
export type VideoModelId = (typeof VIDEO_MODELS)[number];

export const VIDEO_SIZE_NAMES = ['small', 'default'] as const;
export type VideoSizeName = (typeof VIDEO_SIZE_NAMES)[number];

export interface VideoSize {
  frames: number;
  /** Frames are square: height = width = side. */
  side: number;
  trainClips: number;
  testClips: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
}

/**
 * The two sizes. `small` is for tests and a quick look; `default` is the lesson's run,
 * sized so all three models train in a few minutes on a two-core CPU (see the README).
 */
export const VIDEO_SIZES: Record<VideoSizeName, VideoSize> = {
  small: { frames: 8, side: 16, trainClips: 480, testClips: 120, epochs: 10, batchSize: 32, learningRate: 0.005 },
  default: { frames: 10, side: 32, trainClips: 960, testClips: 240, epochs: 6, batchSize: 32, learningRate: 0.004 },
};

/** How many test clips per model carry predictions back (for the clip player). */
export const VIDEO_PREDICTED_CLIPS = 24;

const ErrorData = z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() });
const RunId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const ModelId = z.enum(VIDEO_MODELS);
const SizeName = z.enum(VIDEO_SIZE_NAMES);
const Seed = z.number().int().min(0).max(2 ** 31 - 1);

export const VideoEpochSchema = z.object({
  epoch: z.number().int(),
  loss: z.number(),
  accuracy: z.number(),
  seconds: z.number(),
});

export const VideoModelResultSchema = z.object({
  model: ModelId,
  status: z.enum(['completed', 'stopped', 'failed']),
  /** Share of test clips classified right (null when the model did not finish). */
  testAccuracy: z.number().nullable(),
  params: z.number().int().nullable(),
  /** Mean wall-clock seconds of one training epoch. */
  secondsPerEpoch: z.number().nullable(),
  epochs: z.array(VideoEpochSchema),
  backend: z.string(),
  /** Predicted class of the first test clips (VIDEO_PREDICTED_CLIPS at most), in test order. */
  predictions: z.array(z.number().int()),
  /** Softmax probabilities of those clips, one row per clip. */
  probabilities: z.array(z.array(z.number())),
  error: ErrorData.optional(),
});
export type VideoModelResult = z.infer<typeof VideoModelResultSchema>;

export const VideoDoneSchema = z.object({
  runId: z.string(),
  status: z.enum(['completed', 'stopped', 'failed']),
  size: SizeName,
  seed: z.number().int(),
  /** 1 / number of classes. */
  chance: z.number(),
  testClips: z.number().int(),
  results: z.array(VideoModelResultSchema),
  wallSeconds: z.number(),
  /** Why the job failed before any model trained. */
  error: ErrorData.optional(),
});
export type VideoDone = z.infer<typeof VideoDoneSchema>;

export const VideoProgressSchema = z.object({
  runId: z.string(),
  model: ModelId,
  /** 0-based position of this model in the job, of `models`. */
  modelIndex: z.number().int(),
  models: z.number().int(),
  phase: z.enum(['building', 'training', 'testing']),
  epoch: z.number().int(),
  epochs: z.number().int(),
  batch: z.number().int(),
  batches: z.number().int(),
  loss: z.number(),
  /** Running training accuracy of this epoch. */
  accuracy: z.number(),
  elapsedSeconds: z.number(),
});
export type VideoProgress = z.infer<typeof VideoProgressSchema>;

export const VideoClipSchema = z.object({
  size: SizeName,
  seed: z.number().int(),
  /** Index within the test split. */
  index: z.number().int(),
  frames: z.number().int(),
  side: z.number().int(),
  /** frames * side * side grey values in [0, 255], frame by frame, row by row (row 0 on top). */
  pixels: z.array(z.number().int()),
  label: z.number().int(),
});
export type VideoClip = z.infer<typeof VideoClipSchema>;

export const videoChannels = {
  /** Starts a job that trains the chosen models (default: all three) one after another. */
  'video.start': {
    request: z
      .object({
        size: SizeName,
        models: z.array(ModelId).min(1).max(VIDEO_MODELS.length).optional(),
        seed: Seed.optional(),
      })
      .strict(),
    response: z.object({ runId: RunId }),
  },
  /** The last finished job's result (null before the first), so the tab can be reopened. */
  'video.last': { request: z.object({}).strict(), response: z.object({ done: VideoDoneSchema.nullable() }) },
  /** One test clip of a size and seed, for the clip player. */
  'video.clip': {
    request: z.object({ size: SizeName, seed: Seed, index: z.number().int().min(0).max(100_000) }).strict(),
    response: VideoClipSchema,
  },
} as const;

/** One model of the job finished (or failed, or was stopped). */
export const VideoModelDoneSchema = VideoModelResultSchema.extend({ runId: z.string() });
