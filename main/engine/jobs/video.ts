/**
 * Engine handlers of the video experiment (issue #6):
 *   video.start  a job of the job service that trains the chosen models one after another
 *                (video-train.ts), reporting job.progress, job.result per model and its
 *                end; 'train.stop' with the runId stops it between two batches.
 *   video.last   the last finished job's result (the tab can be closed and reopened).
 *   video.clip   one test clip, for the clip player (generated on demand, video-data.ts).
 */
import { VIDEO_CLASSES, VIDEO_SIZES, type VideoDone, type videoChannels } from '../../../shared/ipc/video';
import { toErrorData } from '../../../shared/errors';
import { initBackend } from '../platform/backend';
import type { HandlersFor } from './service';
import type { ExperimentContext } from './context';
import { VideoDataset } from '../experiments/video-data';
import { runVideoJob } from '../experiments/video-train';

export function videoHandlers(ctx: ExperimentContext): HandlersFor<keyof typeof videoChannels> {
  let last: VideoDone | null = null;
  return {
    'video.start': async ({ size, models, seed }) => {
      await initBackend();
      const s = seed ?? 1;
      const runId = ctx.jobs.start('video', (job) => runVideoJob({
        size,
        seed: s,
        runId: job.jobId,
        ...(models ? { models } : {}),
        shouldStop: () => job.shouldStop(),
        onProgress: (p) => job.progress(p),
        onModel: (r) => job.result({ ...r, runId: job.jobId }),
      })
        .catch((e): VideoDone => {
          // runVideoJob reports model failures itself; this is for anything before the first model.
          const err = toErrorData(e);
          return { runId: job.jobId, status: 'failed', size, seed: s, chance: 1 / VIDEO_CLASSES.length, testClips: 0, wallSeconds: 0, results: [], error: { code: err.code, ...(err.params ? { params: err.params } : {}) } };
        })
        .then((done) => {
          last = done;
          return done;
        }));
      return { runId };
    },
    'video.last': async () => ({ done: last }),
    'video.clip': async ({ size, seed, index }) => {
      const ds = VideoDataset.ofSize(size, seed);
      const i = Math.min(index, ds.count('test') - 1);
      const { pixels, label } = ds.clip('test', i);
      return {
        size,
        seed,
        index: i,
        frames: VIDEO_SIZES[size].frames,
        side: VIDEO_SIZES[size].side,
        pixels: Array.from(pixels, (v) => Math.round(v * 255)),
        label,
      };
    },
  };
}
