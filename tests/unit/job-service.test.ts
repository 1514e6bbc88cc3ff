// The job service (main/engine/jobs/service.ts): one slot, one event family, one Stop,
// and each way a job can end sent as exactly one terminal event with its kind's report.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { jobEvents } from '../../shared/ipc/jobs';
import { JobService, type Emit } from '../../main/engine/jobs/service';

function harness() {
  const events: { name: string; payload: Record<string, unknown> }[] = [];
  const emit: Emit = (name, payload) => {
    // Every event the service sends is valid against the contract.
    if (name in jobEvents) jobEvents[name as keyof typeof jobEvents].parse(payload);
    events.push({ name, payload: payload as Record<string, unknown> });
  };
  return { jobs: new JobService(emit), events, names: () => events.map((e) => e.name) };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const captionDone = (runId: string, status: 'completed' | 'stopped' | 'failed') => ({ runId, status, model: null });

describe('job service', () => {
  it('sends queued, started, progress, epoch, then done; frees the slot before done', async () => {
    const h = harness();
    let busyAtEnd: string | null = 'unset';
    const id = h.jobs.start('captioning', async (job) => {
      job.progress({ runId: job.jobId, phase: 'training', epoch: 1, epochs: 1, batch: 1, batches: 2, loss: 1, elapsedSeconds: 0, etaSeconds: 0 });
      job.epoch({ runId: job.jobId, epoch: 1, loss: 0.5 });
      return captionDone(job.jobId, 'completed');
    });
    expect(id).toMatch(/^caption-/);
    expect(h.jobs.running()).toEqual({ jobId: id, kind: 'captioning' });
    expect(() => h.jobs.start('pretrain', async (job) => ({ runId: job.jobId, status: 'stopped' }))).toThrow(AppError);
    await tick();
    busyAtEnd = h.jobs.busy;
    expect(h.names()).toEqual(['job.queued', 'job.started', 'job.progress', 'job.epoch', 'job.done']);
    expect(h.events.every((e) => e.payload.jobId === id && e.payload.kind === 'captioning')).toBe(true);
    expect(busyAtEnd).toBeNull();
  });

  it('one Stop for every kind: the body sees it, and the end is job.stopped', async () => {
    const h = harness();
    const id = h.jobs.start('pretrain', async (job) => {
      while (!job.shouldStop()) await tick();
      return { runId: job.jobId, status: 'stopped' as const };
    });
    expect(h.jobs.stop('someone-else')).toBe(false);
    expect(h.jobs.stop(id)).toBe(true);
    await tick();
    await tick();
    expect(h.names().at(-1)).toBe('job.stopped');
    expect(h.events.at(-1)!.payload.done).toEqual({ runId: id, status: 'stopped' });
  });

  it('a body that throws ends as job.failed with the error code; a failed report keeps its own error', async () => {
    const h = harness();
    h.jobs.start('video', async () => {
      throw new AppError('E_MODEL_INVALID', { detail: 'x' });
    });
    await tick();
    expect(h.events.at(-1)).toMatchObject({ name: 'job.failed', payload: { kind: 'video', error: { code: 'E_MODEL_INVALID' } } });
    expect(h.events.at(-1)!.payload.done).toBeUndefined();
    expect(h.jobs.busy).toBeNull();
    h.jobs.start('captioning', async (job) => ({ ...captionDone(job.jobId, 'failed'), error: { code: 'E_TRAIN_DIVERGED' } }));
    await tick();
    expect(h.events.at(-1)).toMatchObject({ name: 'job.failed', payload: { kind: 'captioning', error: { code: 'E_TRAIN_DIVERGED' }, done: { status: 'failed' } } });
  });
});
