/**
 * Entry of the engine worker thread. The host (Electron main or the browser-mode
 * server) validates requests before they get here; the engine validates again,
 * because a worker must not trust its caller's discipline.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorData } from '../../shared/errors';
import { validateRequest } from '../../shared/ipc/validate';
import { Engine, type EngineOptions } from './engine';
import type { FromWorker, ToWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('engine worker must run in a worker thread');

const post = (m: FromWorker): void => port.postMessage(m);
const engine = new Engine(workerData as EngineOptions, (name, payload) => post({ type: 'event', name, payload }));

port.on('message', (m: ToWorker) => {
  if (m.type === 'crash') {
    // Only used to prove the host survives an engine crash.
    setImmediate(() => {
      throw new Error('deliberate engine crash');
    });
    return;
  }
  if (m.type !== 'request') return;
  void (async () => {
    try {
      const { channel, payload } = validateRequest(m.channel, m.payload);
      const result = await engine.handle(channel, payload, m.trusted);
      post({ type: 'response', id: m.id, ok: true, result });
    } catch (e) {
      post({ type: 'response', id: m.id, ok: false, error: toErrorData(e) });
    }
  })();
});

post({ type: 'ready' });
