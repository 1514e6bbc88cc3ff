/**
 * The renderer's one event router. Every event from the engine arrives here, is checked
 * against its schema in the IPC contract (a malformed or unknown event is dropped, never
 * half-applied), and goes to the listeners of its name, typed by the contract:
 *
 *   on('engine.status', (s) => ...)                                  one event name
 *   onJob('captioning', { progress, epoch, result, end, failed })    one kind of job
 *
 * Job events (shared/ipc/jobs.ts) are routed by their `kind`, so a store sees only its own
 * kind's payloads, with their own types.
 */
import type { z } from 'zod';
import { events, type EventName, type EventPayload } from '../../shared/ipc/contract';
import type { DoneOf, EpochOf, FailureOf, JobKind, ProgressOf, ResultOf } from '../../shared/ipc/jobs';
import { api } from './api';

/** The contract's schemas, by event name, each typed as the payload it checks. */
const schemas: { [E in EventName]: z.ZodType<EventPayload<E>> } = events;

type Deliver = (name: string, raw: unknown) => void;
const deliverers = new Set<Deliver>();
let wired = false;

function wire(): void {
  if (wired) return;
  wired = true;
  api.onEvent((name: string, payload: unknown) => {
    for (const d of [...deliverers]) d(name, payload);
  });
}

/** Listens to one event; returns the function that stops listening. */
export function on<E extends EventName>(name: E, fn: (payload: EventPayload<E>) => void): () => void {
  wire();
  const d: Deliver = (n, raw) => {
    if (n !== name) return;
    const parsed = schemas[name].safeParse(raw);
    if (parsed.success) fn(parsed.data);
    else console.warn(`[seqlab] dropped a malformed '${name}' event`);
  };
  deliverers.add(d);
  return () => {
    deliverers.delete(d);
  };
}

export interface JobHandlers<K extends JobKind> {
  started?(jobId: string): void;
  progress?(progress: ProgressOf<K>, jobId: string): void;
  epoch?(epoch: EpochOf<K>, jobId: string): void;
  result?(result: ResultOf<K>, jobId: string): void;
  /** The job's final report, whether it completed, was stopped or failed with a report. */
  end?(done: DoneOf<K>, jobId: string): void;
  /** The job failed (after end() when it had a report; alone when the engine crashed). */
  failed?(failure: FailureOf<K>, jobId: string): void;
}

const jobTable: { [K in JobKind]: Set<JobHandlers<K>> } = { train: new Set(), captioning: new Set(), video: new Set(), pretrain: new Set(), compare: new Set() };

function each<K extends JobKind>(kind: K, fn: (h: JobHandlers<K>) => void): void {
  for (const h of [...jobTable[kind]]) fn(h);
}

// One function per event, generic in the kind: a payload of any kind goes to that kind's handlers.
const toProgress = <K extends JobKind>(p: { kind: K; jobId: string; progress: ProgressOf<K> }) => each(p.kind, (h) => h.progress?.(p.progress, p.jobId));
const toEpoch = <K extends JobKind>(p: { kind: K; jobId: string; epoch: EpochOf<K> }) => each(p.kind, (h) => h.epoch?.(p.epoch, p.jobId));
const toResult = <K extends JobKind>(p: { kind: K; jobId: string; result: ResultOf<K> }) => each(p.kind, (h) => h.result?.(p.result, p.jobId));
const toEnd = <K extends JobKind>(p: { kind: K; jobId: string; done: DoneOf<K> }) => each(p.kind, (h) => h.end?.(p.done, p.jobId));
const toFailed = <K extends JobKind>(p: { kind: K; jobId: string } & FailureOf<K>) =>
  each(p.kind, (h) => {
    if (p.done) h.end?.(p.done, p.jobId);
    h.failed?.(p, p.jobId);
  });

let jobsWired = false;
function wireJobs(): void {
  if (jobsWired) return;
  jobsWired = true;
  on('job.started', (p) => each(p.kind, (h) => h.started?.(p.jobId)));
  on('job.progress', toProgress);
  on('job.epoch', toEpoch);
  on('job.result', toResult);
  on('job.done', toEnd);
  on('job.stopped', toEnd);
  on('job.failed', toFailed);
}

/** Listens to the jobs of one kind; returns the function that stops listening. */
export function onJob<K extends JobKind>(kind: K, handlers: JobHandlers<K>): () => void {
  wireJobs();
  const table: Set<JobHandlers<K>> = jobTable[kind];
  table.add(handlers);
  return () => {
    table.delete(handlers);
  };
}
