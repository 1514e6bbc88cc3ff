/**
 * The job event family. Every long task of the engine (a forecasting run, the captioning,
 * video and pretraining experiments) is a job of one service (main/engine/jobs/service.ts)
 * and reports through these events only:
 *
 *   job.queued   {jobId, kind}                 accepted
 *   job.started  {jobId, kind}                 holds the engine's training slot
 *   job.progress {jobId, kind, progress}       throttled batch progress (the kind's own shape)
 *   job.epoch    {jobId, kind, epoch}          one epoch finished
 *   job.result   {jobId, kind, result}         a part of the job finished (a video model, a pretraining stage)
 *   job.done     {jobId, kind, done}           finished; `done` is the kind's final report
 *   job.stopped  {jobId, kind, done}           stopped by the user (Stop: `train.stop` with the jobId)
 *   job.failed   {jobId, kind, error, done?}   failed; `done` is absent when the engine crashed
 *
 * (the video and compare jobs have no job.epoch; train and captioning have no job.result.)
 *
 * Payloads are discriminated by `kind`, so a listener narrows by kind alone; the jobId is the
 * runId inside each kind's own payloads.
 */
import { z } from 'zod';
import { TrainDoneSchema, TrainEpochSchema, TrainProgressSchema } from '../training';
import { CaptionDoneSchema, CaptionEpochSchema, CaptionProgressSchema } from './captioning';
import { PretrainDoneSchema, PretrainEpochSchema, PretrainProgressSchema, PretrainStageSchema } from './pretrain';
import { VideoDoneSchema, VideoModelDoneSchema, VideoProgressSchema } from './video';
import { CompareDoneSchema, ComparePartSchema, CompareProgressSchema } from './compare';

export const JOB_KINDS = ['train', 'captioning', 'video', 'pretrain', 'compare'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

const JobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const ErrorData = z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() });

const ref = <K extends JobKind>(kind: K) => ({ jobId: JobId, kind: z.literal(kind) });

const JobRef = z.object({ jobId: JobId, kind: z.enum(JOB_KINDS) });

export const jobEvents = {
  'job.queued': JobRef,
  'job.started': JobRef,
  'job.progress': z.discriminatedUnion('kind', [
    z.object({ ...ref('train'), progress: TrainProgressSchema }),
    z.object({ ...ref('captioning'), progress: CaptionProgressSchema }),
    z.object({ ...ref('video'), progress: VideoProgressSchema }),
    z.object({ ...ref('pretrain'), progress: PretrainProgressSchema }),
    z.object({ ...ref('compare'), progress: CompareProgressSchema }),
  ]),
  // The video job reports per model (job.result) and in its progress, not per epoch.
  'job.epoch': z.discriminatedUnion('kind', [
    z.object({ ...ref('train'), epoch: TrainEpochSchema }),
    z.object({ ...ref('captioning'), epoch: CaptionEpochSchema }),
    z.object({ ...ref('pretrain'), epoch: PretrainEpochSchema }),
  ]),
  'job.result': z.discriminatedUnion('kind', [
    z.object({ ...ref('video'), result: VideoModelDoneSchema }),
    z.object({ ...ref('pretrain'), result: PretrainStageSchema }),
    z.object({ ...ref('compare'), result: ComparePartSchema }),
  ]),
  'job.done': z.discriminatedUnion('kind', [
    z.object({ ...ref('train'), done: TrainDoneSchema }),
    z.object({ ...ref('captioning'), done: CaptionDoneSchema }),
    z.object({ ...ref('video'), done: VideoDoneSchema }),
    z.object({ ...ref('pretrain'), done: PretrainDoneSchema }),
    z.object({ ...ref('compare'), done: CompareDoneSchema }),
  ]),
  'job.stopped': z.discriminatedUnion('kind', [
    z.object({ ...ref('train'), done: TrainDoneSchema }),
    z.object({ ...ref('captioning'), done: CaptionDoneSchema }),
    z.object({ ...ref('video'), done: VideoDoneSchema }),
    z.object({ ...ref('pretrain'), done: PretrainDoneSchema }),
    z.object({ ...ref('compare'), done: CompareDoneSchema }),
  ]),
  'job.failed': z.discriminatedUnion('kind', [
    z.object({ ...ref('train'), error: ErrorData, done: TrainDoneSchema.optional() }),
    z.object({ ...ref('captioning'), error: ErrorData, done: CaptionDoneSchema.optional() }),
    z.object({ ...ref('video'), error: ErrorData, done: VideoDoneSchema.optional() }),
    z.object({ ...ref('pretrain'), error: ErrorData, done: PretrainDoneSchema.optional() }),
    z.object({ ...ref('compare'), error: ErrorData, done: CompareDoneSchema.optional() }),
  ]),
} as const;

export type JobRef = z.infer<typeof JobRef>;
export type JobProgress = z.infer<(typeof jobEvents)['job.progress']>;
export type JobEpoch = z.infer<(typeof jobEvents)['job.epoch']>;
export type JobResult = z.infer<(typeof jobEvents)['job.result']>;
export type JobDone = z.infer<(typeof jobEvents)['job.done']>;
export type JobFailed = z.infer<(typeof jobEvents)['job.failed']>;

export type JobStopped = z.infer<(typeof jobEvents)['job.stopped']>;

/** The kind's own payloads, by kind (a lookup table, so code generic in the kind type-checks). */
export interface JobPayloads {
  train: { progress: z.infer<typeof TrainProgressSchema>; epoch: z.infer<typeof TrainEpochSchema>; result: never; done: z.infer<typeof TrainDoneSchema> };
  captioning: { progress: z.infer<typeof CaptionProgressSchema>; epoch: z.infer<typeof CaptionEpochSchema>; result: never; done: z.infer<typeof CaptionDoneSchema> };
  video: { progress: z.infer<typeof VideoProgressSchema>; epoch: never; result: z.infer<typeof VideoModelDoneSchema>; done: z.infer<typeof VideoDoneSchema> };
  pretrain: { progress: z.infer<typeof PretrainProgressSchema>; epoch: z.infer<typeof PretrainEpochSchema>; result: z.infer<typeof PretrainStageSchema>; done: z.infer<typeof PretrainDoneSchema> };
  compare: { progress: z.infer<typeof CompareProgressSchema>; epoch: never; result: z.infer<typeof ComparePartSchema>; done: z.infer<typeof CompareDoneSchema> };
}
export type ProgressOf<K extends JobKind> = JobPayloads[K]['progress'];
export type EpochOf<K extends JobKind> = JobPayloads[K]['epoch'];
export type ResultOf<K extends JobKind> = JobPayloads[K]['result'];
export type DoneOf<K extends JobKind> = JobPayloads[K]['done'];
export interface FailureOf<K extends JobKind> {
  error: JobFailed['error'];
  done?: DoneOf<K> | undefined;
}
