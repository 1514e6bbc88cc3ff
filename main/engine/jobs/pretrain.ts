/**
 * Engine handlers of the pretrain experiment (issue #6): greedy layer-wise pretraining of a
 * dense autoencoder stack on the bundled MNIST digits, then fine-tuning with few labels
 * against random initialisation (the experiment itself: experiments/pretrain.ts).
 */
import { toErrorData } from '../../../shared/errors';
import type { pretrainChannels, PretrainDone, PretrainResult } from '../../../shared/ipc/pretrain';
import { initBackend } from '../platform/backend';
import type { HandlersFor } from './service';
import type { ExperimentContext } from './context';
import { runPretrain } from '../experiments/pretrain';

export function pretrainHandlers(ctx: ExperimentContext): HandlersFor<keyof typeof pretrainChannels> {
  let last: PretrainResult | null = null;
  return {
    'pretrain.start': async (config) => {
      const backend = (await initBackend()).active;
      const runId = ctx.jobs.start('pretrain', async (job): Promise<PretrainDone> => {
        const { jobId } = job;
        const out = await runPretrain(config, {
          shouldStop: () => job.shouldStop(),
          onProgress: (p) => job.progress({ runId: jobId, ...p }),
          onStage: (st) => job.result({ runId: jobId, ...st }),
          onEpoch: (e) => job.epoch({ runId: jobId, ...e }),
        }).catch((e: unknown) => {
          const err = toErrorData(e);
          return { status: 'failed' as const, error: { code: err.code, params: err.params ?? {} } };
        });
        if (out.status === 'completed') {
          last = { runId: jobId, ...out.result, backend };
          return { runId: jobId, status: 'completed', result: last };
        }
        if (out.status === 'failed') return { runId: jobId, status: 'failed', error: out.error };
        return { runId: jobId, status: 'stopped' };
      });
      return { runId };
    },
    'pretrain.last': async () => ({ result: last }),
  };
}
