/** Engine handlers of the video experiment (issue #6). */
import type { ExperimentContext, HandlersFor } from './jobs';
import type { videoChannels } from '../../../shared/ipc/video';

export function videoHandlers(_ctx: ExperimentContext): HandlersFor<keyof typeof videoChannels> {
  return {};
}
