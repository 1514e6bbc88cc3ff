/**
 * Channels and events of the pretrain experiment (issue #6), spread into the one contract
 * (contract.ts). Request schemas are strict: the renderer is untrusted.
 *
 * Greedy layer-wise pretraining on the bundled MNIST digits: stacked dense autoencoder
 * stages, then fine-tuning with few labels against the same network from random
 * initialisation. `pretrain.start` answers at once with a runId; the run reports through
 * the events below and ends with `pretrain.done`. `train.stop` with that runId stops it.
 */
import { z } from 'zod';

const RunId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const PRETRAIN_LABELS = [100, 500] as const;
export const PRETRAIN_SIZE_NAMES = ['small', 'default'] as const;
export type PretrainSizeName = (typeof PRETRAIN_SIZE_NAMES)[number];
export const PRETRAIN_MAX_SEEDS = 5;

export const PretrainConfigSchema = z
  .object({
    /** Labelled training images, balanced: 10 or 50 of each digit. */
    labels: z.union([z.literal(100), z.literal(500)]),
    /** Repeats with different labelled sets, initialisations and batch orders (averaged). */
    seeds: z.number().int().min(1).max(PRETRAIN_MAX_SEEDS),
    size: z.enum(PRETRAIN_SIZE_NAMES),
    /** First seed (default 1). */
    seed: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();
export type PretrainConfig = z.infer<typeof PretrainConfigSchema>;

const Num = z.number();

export const PretrainProgressSchema = z.object({
  runId: RunId,
  /** loading: reading the digits; pretrain: autoencoder stage; finetune: pretrained encoder + softmax; baseline: same network from random initialisation. */
  phase: z.enum(['loading', 'pretrain', 'finetune', 'baseline']),
  seedIndex: z.number().int(),
  seeds: z.number().int(),
  /** 1-based stage during pretraining, 0 otherwise. */
  stage: z.number().int(),
  stages: z.number().int(),
  epoch: z.number().int(),
  epochs: z.number().int(),
  batch: z.number().int(),
  batches: z.number().int(),
  loss: Num.nullable(),
  elapsedSeconds: Num,
});
export type PretrainProgress = z.infer<typeof PretrainProgressSchema>;

/** 784 bytes (0..255) per image, row-major 28 x 28. */
const Image = z.array(z.number().int().min(0).max(255));

/** Sent when an autoencoder stage has finished. */
export const PretrainStageSchema = z.object({
  runId: RunId,
  seedIndex: z.number().int(),
  stage: z.number().int(),
  stages: z.number().int(),
  /** The stage's autoencoder: inputSize -> units -> inputSize. */
  inputSize: z.number().int(),
  units: z.number().int(),
  /** Reconstruction loss (binary cross-entropy) per epoch: training pool, validation images. */
  losses: z.array(Num),
  valLosses: z.array(Num),
  /** Test digits (the same in every stage) and their digits... */
  originals: z.array(Image),
  labels: z.array(z.number().int()),
  /** ...encoded through stages 1..stage and decoded back to pixels. */
  reconstructions: z.array(Image),
});
export type PretrainStage = z.infer<typeof PretrainStageSchema>;

/** One fine-tuning epoch of one network. */
export const PretrainEpochSchema = z.object({
  runId: RunId,
  seedIndex: z.number().int(),
  model: z.enum(['pretrained', 'random']),
  epoch: z.number().int(),
  epochs: z.number().int(),
  loss: Num,
  valLoss: Num,
  valAccuracy: Num,
});
export type PretrainEpoch = z.infer<typeof PretrainEpochSchema>;

const ModelSummarySchema = z.object({
  /** Test accuracy of each seed. */
  testAccuracy: z.array(Num),
  /** Per-epoch means over seeds. */
  valAccuracy: z.array(Num),
  valLoss: z.array(Num),
  trainLoss: z.array(Num),
  valAccuracyPerSeed: z.array(z.array(Num)),
});

const PcaViewSchema = z.object({
  x: z.array(Num),
  y: z.array(Num),
  /** Share of the code layer's variance along each of the two axes. */
  explained: z.array(Num),
});

export const PretrainResultSchema = z.object({
  runId: RunId,
  config: PretrainConfigSchema,
  architecture: z.object({ input: z.number().int(), units: z.array(z.number().int()), activation: z.string(), classes: z.number().int() }),
  sizes: z.object({ pool: z.number().int(), test: z.number().int(), validation: z.number().int(), labelled: z.number().int() }),
  /** Reconstruction loss per epoch of each stage (means over seeds). */
  stages: z.array(z.object({ stage: z.number().int(), inputSize: z.number().int(), units: z.number().int(), losses: z.array(Num), valLosses: z.array(Num) })),
  /** First seed: test digits, and their reconstructions after each stage. */
  reconstructions: z.object({ labels: z.array(z.number().int()), originals: z.array(Image), stages: z.array(z.array(Image)) }),
  pretrained: ModelSummarySchema,
  random: ModelSummarySchema,
  /** First seed: PCA of the code layer for test digits, before (random initialisation) and after pretraining. */
  pca: z.object({ labels: z.array(z.number().int()), before: PcaViewSchema, after: PcaViewSchema }),
  seconds: Num,
  backend: z.string().optional(),
});
export type PretrainResult = z.infer<typeof PretrainResultSchema>;

export const PretrainDoneSchema = z.object({
  runId: RunId,
  status: z.enum(['completed', 'stopped', 'failed']),
  result: PretrainResultSchema.optional(),
  error: z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() }).optional(),
});
export type PretrainDone = z.infer<typeof PretrainDoneSchema>;

export const pretrainChannels = {
  'pretrain.start': { request: PretrainConfigSchema, response: z.object({ runId: RunId }) },
  /** The last finished run's result in this engine session (null when none). */
  'pretrain.last': { request: z.object({}).strict(), response: z.object({ result: PretrainResultSchema.nullable() }) },
} as const;

