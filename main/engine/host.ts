/**
 * Runs the engine in a worker thread, off the Electron main thread (and off the
 * browser-mode server's event loop), and restarts it if it crashes. Requests that were
 * in flight when it crashed fail with E_ENGINE_CRASHED; the running job (a training run
 * or an experiment) ends with `job.failed`, code E_ENGINE_CRASHED.
 */
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../shared/errors';
import type { EventName, EventPayload } from '../../shared/ipc/contract';
import { jobEvents, type JobRef } from '../../shared/ipc/jobs';
import type { EngineOptions } from './engine';
import type { FromWorker, ToWorker, TrustedExtras } from './protocol';
import { endSession } from './platform/session';

export interface EngineHostOptions extends EngineOptions {
  /** Path of the built worker bundle (default: engine-worker.cjs beside this bundle). */
  workerPath?: string;
  /** Milliseconds before a crashed engine is restarted. */
  restartDelayMs?: number;
}

type Listener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export class EngineHost {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private readonly events = new EventEmitter();
  private closing = false;
  private readyPromise: Promise<void> | null = null;
  private activeJob: JobRef | null = null;
  /** How many times the engine was restarted after a crash. */
  restarts = 0;

  constructor(private readonly opts: EngineHostOptions) {}

  start(): Promise<void> {
    if (this.readyPromise) return this.readyPromise;
    const workerPath = this.opts.workerPath ?? path.join(__dirname, 'engine-worker.cjs');
    const { dataDir, backend } = this.opts;
    // The app's engine marks the session (session.lock), removed again by close().
    const w = new Worker(workerPath, { workerData: { dataDir, backend, sessionMarker: this.opts.sessionMarker ?? true } satisfies EngineOptions });
    this.worker = w;
    this.readyPromise = new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromWorker): void => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'response') {
          const p = this.pending.get(m.id);
          if (!p) return;
          this.pending.delete(m.id);
          if (m.ok) p.resolve(m.result);
          else p.reject(m.error);
        } else if (m.type === 'event') {
          this.trackJob(m.name, m.payload);
          this.events.emit('event', m.name, m.payload);
        }
      };
      w.on('message', onMessage);
      w.once('error', (err) => {
        reject(err);
        // The runtime's text goes to the log; the window hears only what kind of end it was.
        console.error('[SeqLab] engine worker crashed:', err);
        const oom = (err as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
        this.onCrash(w, oom ? 'out_of_memory' : 'uncaught_error');
      });
      w.once('exit', (code) => {
        if (this.worker === w) this.onCrash(w, `exit_${code}`);
      });
    });
    return this.readyPromise;
  }

  private onCrash(w: Worker, detail: string): void {
    if (this.worker !== w) return;
    this.worker = null;
    this.readyPromise = null;
    for (const p of this.pending.values()) p.reject(new AppError('E_ENGINE_CRASHED', { detail }).toData());
    this.pending.clear();
    if (this.closing) return;
    this.emitEvent('engine.status', { state: 'crashed', detail: detail.slice(0, 300) });
    if (this.activeJob) {
      // The job service's crash path: the running job, whatever its kind, ends as failed.
      this.emitEvent('job.failed', { ...this.activeJob, error: { code: 'E_ENGINE_CRASHED', params: { detail: detail.slice(0, 300) } } });
      this.activeJob = null;
    }
    setTimeout(() => {
      if (this.closing) return;
      this.restarts++;
      this.start().then(
        () => this.emitEvent('engine.status', { state: 'restarted' }),
        () => undefined,
      );
    }, this.opts.restartDelayMs ?? 300);
  }

  /** Follows the job service's events, so a crash can end the running job (jobs/service.ts). */
  private trackJob(name: string, payload: unknown): void {
    if (name === 'job.started') {
      const ref = jobEvents['job.started'].safeParse(payload);
      if (ref.success) this.activeJob = ref.data;
    } else if (name === 'job.done' || name === 'job.stopped' || name === 'job.failed') {
      const ref = jobEvents['job.queued'].safeParse(payload);
      if (ref.success && ref.data.jobId === this.activeJob?.jobId) this.activeJob = null;
    }
  }

  private emitEvent<E extends EventName>(name: E, payload: EventPayload<E>): void {
    this.events.emit('event', name, payload);
  }

  /** Sends an already validated request to the engine. */
  async request(channel: string, payload: unknown, trusted?: TrustedExtras): Promise<unknown> {
    await this.start();
    const w = this.worker;
    if (!w) throw new AppError('E_ENGINE_CRASHED', { detail: 'not running' }).toData();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ type: 'request', id, channel, payload, ...(trusted ? { trusted } : {}) } satisfies ToWorker);
    });
  }

  onEvent(listener: Listener): () => void {
    const l = listener as (...a: unknown[]) => void;
    this.events.on('event', l);
    return () => this.events.off('event', l);
  }

  /** Makes the worker throw an uncaught error (tests prove the host survives it). */
  crashForTest(): void {
    this.worker?.postMessage({ type: 'crash' } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closing = true;
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
    // A clean exit: the next start does not offer crash recovery.
    endSession(this.opts.dataDir);
  }
}
