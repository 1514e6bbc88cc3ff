/** Engine handlers of the pretrain experiment (issue #6). */
import type { ExperimentContext, HandlersFor } from './jobs';
import type { pretrainChannels } from '../../../shared/ipc/pretrain';

export function pretrainHandlers(_ctx: ExperimentContext): HandlersFor<keyof typeof pretrainChannels> {
  return {};
}
