/**
 * Tests read the job event family (shared/ipc/jobs.ts) per kind, as the renderer's stores do
 * through its router: `job.progress` of kind `train` is `train.progress` with the kind's own
 * progress payload; `job.done`, `job.stopped` and a `job.failed` with a report are
 * `<kind>.done` with that report; a `job.failed` without one (a crash) is `<kind>.failed`.
 * Every job event is checked against its schema on the way.
 */
import { jobEvents } from '../../shared/ipc/jobs';

export interface KindEvent {
  name: string;
  payload: Record<string, unknown>;
}

export function perKind(name: string, payload: unknown): KindEvent {
  if (!(name in jobEvents)) return { name, payload: payload as Record<string, unknown> };
  const p = jobEvents[name as keyof typeof jobEvents].parse(payload) as Record<string, unknown> & { kind: string };
  const what = name.slice('job.'.length);
  if (what === 'queued' || what === 'started') return { name: `${p.kind}.${what}`, payload: p };
  if (what === 'done' || what === 'stopped' || (what === 'failed' && p.done)) return { name: `${p.kind}.done`, payload: p.done as Record<string, unknown> };
  if (what === 'failed') return { name: `${p.kind}.failed`, payload: p };
  return { name: `${p.kind}.${what}`, payload: p[what] as Record<string, unknown> };
}
