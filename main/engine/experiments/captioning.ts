/** Engine handlers of the captioning experiment (issue #6). */
import type { ExperimentContext, HandlersFor } from './jobs';
import type { captioningChannels } from '../../../shared/ipc/captioning';

export function captioningHandlers(_ctx: ExperimentContext): HandlersFor<keyof typeof captioningChannels> {
  return {};
}
