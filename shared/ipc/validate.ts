import { AppError } from '../errors';
import { channels, isChannel, type Channel, type Req } from './contract';

/**
 * Validates a request arriving from the renderer. Throws AppError with a code the
 * renderer can translate; never throws anything else.
 */
export function validateRequest(channel: unknown, payload: unknown): { channel: Channel; payload: Req<Channel> } {
  if (!isChannel(channel)) {
    throw new AppError('E_UNKNOWN_CHANNEL', { channel: typeof channel === 'string' ? channel.slice(0, 64) : typeof channel });
  }
  const parsed = channels[channel].request.safeParse(payload);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new AppError('E_VALIDATION', {
      channel,
      path: first ? first.path.map(String).join('.').slice(0, 200) : '',
      issue: first ? first.code : 'invalid',
    });
  }
  return { channel, payload: parsed.data as Req<Channel> };
}
