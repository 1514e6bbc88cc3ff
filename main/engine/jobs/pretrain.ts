/**
 * Engine handlers of the pretrain experiment (issue #6): greedy layer-wise pretraining of a
 * dense autoencoder stack on the bundled MNIST digits, then fine-tuning with few labels
 * against random initialisation (the experiment itself: pretrainRun.ts).
 */
import { toErrorData } from '../../../shared/errors';
import type { pretrainChannels, PretrainResult } from '../../../shared/ipc/pretrain';
import { initBackend } from '../platform/backend';
import type { ExperimentContext, HandlersFor } from './slot';
import { runPretrain } from '../experiments/pretrain';

export function pretrainHandlers(ctx: ExperimentContext): HandlersFor<keyof typeof pretrainChannels> {
  let last: PretrainResult | null = null;
  return {
    'pretrain.start': async (config) => {
      const backend = (await initBackend()).active;
      const job = ctx.claim('pretrain');
      const { runId } = job;
      void runPretrain(config, {
        shouldStop: () => job.shouldStop(),
        onProgress: (p) => ctx.emit('pretrain.progress', { runId, ...p }),
        onStage: (s) => ctx.emit('pretrain.stage', { runId, ...s }),
        onEpoch: (e) => ctx.emit('pretrain.epoch', { runId, ...e }),
      })
        .then((out) => {
          if (out.status === 'completed') {
            last = { runId, ...out.result, backend };
            ctx.emit('pretrain.done', { runId, status: 'completed', result: last });
          } else {
            ctx.emit('pretrain.done', { runId, status: 'stopped' });
          }
        })
        .catch((e: unknown) => {
          const err = toErrorData(e);
          ctx.emit('pretrain.done', { runId, status: 'failed', error: { code: err.code, params: err.params ?? {} } });
        })
        .finally(() => job.release());
      return { runId };
    },
    'pretrain.last': async () => ({ result: last }),
  };
}
