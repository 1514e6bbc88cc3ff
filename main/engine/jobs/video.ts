/**
 * Engine handlers of the video experiment (issue #6):
 *   video.start  claims the training slot and trains the chosen models one after another
 *                (video-train.ts), emitting video.progress, video.model per model and
 *                video.done; 'train.stop' with the runId stops it between two batches.
 *   video.last   the last finished job's result (the tab can be closed and reopened).
 *   video.clip   one test clip, for the clip player (generated on demand, video-data.ts).
 */
import { VIDEO_CLASSES, VIDEO_SIZES, type VideoDone, type videoChannels } from '../../../shared/ipc/video';
import { toErrorData } from '../../../shared/errors';
import { initBackend } from '../platform/backend';
import type { ExperimentContext, HandlersFor } from './slot';
import { VideoDataset } from '../experiments/video-data';
import { runVideoJob } from '../experiments/video-train';

export function videoHandlers(ctx: ExperimentContext): HandlersFor<keyof typeof videoChannels> {
  let last: VideoDone | null = null;
  return {
    'video.start': async ({ size, models, seed }) => {
      await initBackend();
      const job = ctx.claim('video');
      const runId = job.runId;
      const s = seed ?? 1;
      void runVideoJob({
        size,
        seed: s,
        runId,
        ...(models ? { models } : {}),
        shouldStop: () => job.shouldStop(),
        onProgress: (p) => ctx.emit('video.progress', p),
        onModel: (r) => ctx.emit('video.model', { ...r, runId }),
      })
        .catch((e): VideoDone => {
          // runVideoJob reports model failures itself; this is for anything before the first model.
          const err = toErrorData(e);
          return { runId, status: 'failed', size, seed: s, chance: 1 / VIDEO_CLASSES.length, testClips: 0, wallSeconds: 0, results: [], error: { code: err.code, ...(err.params ? { params: err.params } : {}) } };
        })
        .then((done) => {
          last = done;
          ctx.emit('video.done', done);
        })
        .finally(() => job.release());
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
