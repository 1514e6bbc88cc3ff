/**
 * The captioning experiment end to end in the engine (issue #6), at the app's `small` size:
 * the handlers train the CNN-encoder / GRU-decoder captioner in the one training slot, the
 * loss falls, and on held-out images the model beats the most-frequent-caption baseline in
 * both languages; one image is then captioned greedily (word by word, ending with <end>) and by
 * beam search of width 3. Stop ends a job and frees the slot; a second job is refused while one runs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../main/engine/platform/backend';
import { captioningHandlers } from '../../main/engine/jobs/captioning';
import { JobService, type Emit } from '../../main/engine/jobs/service';
import { AppError } from '../../shared/errors';
import type { CaptionModel } from '../../shared/ipc/captioning';

interface Done {
  runId: string;
  status: string;
  model: CaptionModel | null;
  error?: unknown;
}

function harness() {
  const events: { name: string; payload: unknown }[] = [];
  const waiters: ((d: Done) => void)[] = [];
  const emit: Emit = (name, payload) => {
    events.push({ name, payload });
    // A job's end: job.done, job.stopped or job.failed, with the captioning report.
    if (name === 'job.done' || name === 'job.stopped' || name === 'job.failed') waiters.splice(0).forEach((w) => w((payload as { done: Done }).done));
  };
  const slot = new JobService(emit);
  const handlers = captioningHandlers({ dataDir: '/nonexistent', jobs: slot });
  const done = () => new Promise<Done>((resolve) => waiters.push(resolve));
  return { slot, events, handlers, done };
}

beforeAll(async () => {
  await initBackend({ prefer: 'wasm' });
});

describe('captioning experiment', () => {
  it('Stop ends the job and frees the slot; a second job is refused while one runs', async () => {
    const h = harness();
    const finished = h.done();
    const { runId } = await h.handlers['captioning.train']({ size: 'small' });
    expect(runId).toMatch(/^caption-/);
    await expect(h.handlers['captioning.train']({ size: 'small' })).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === 'E_ENGINE_BUSY');
    expect(h.slot.stop(runId)).toBe(true);
    const d = await finished;
    expect(d.status).toBe('stopped');
    expect(h.slot.busy).toBeNull();
    await expect(h.handlers['captioning.samples']({})).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === 'E_NOT_FOUND');
  });

  it('small size: beats the most-frequent-caption baseline on held-out images, then captions one image', async () => {
    const h = harness();
    const finished = h.done();
    const { runId } = await h.handlers['captioning.train']({ size: 'small', seed: 1 });
    const d = await finished;
    expect(d.error).toBeUndefined();
    expect(d.status).toBe('completed');
    const m = d.model!;
    expect(m.runId).toBe(runId);
    expect(m.history.length).toBe(m.epochs);
    expect(m.history[m.history.length - 1]!).toBeLessThan(m.history[0]! * 0.5);
    expect(h.events.some((e) => e.name === 'job.progress' && (e.payload as { kind: string }).kind === 'captioning')).toBe(true);
    for (const lang of ['fa', 'en'] as const) {
      const s = m.scores![lang];
      // The baseline says one caption for every image: it shares some words, rarely all.
      expect(s.greedy.bleu[3], `${lang} BLEU-4`).toBeGreaterThan(s.baseline.bleu[3] + 0.1);
      expect(s.greedy.bleu[0], `${lang} BLEU-1`).toBeGreaterThan(s.baseline.bleu[0] + 0.1);
      expect(s.beam.bleu[3]).toBeGreaterThan(s.baseline.bleu[3]);
      expect(s.greedy.exact).toBeGreaterThanOrEqual(s.baseline.exact);
      expect(s.baselineCaption.length).toBeGreaterThan(5);
    }

    const state = await h.handlers['captioning.state']({});
    expect(state.model?.runId).toBe(runId);
    expect(state.running).toBeNull();

    const { samples } = await h.handlers['captioning.samples']({ count: 4 });
    expect(samples).toHaveLength(4);
    expect(Buffer.from(samples[0]!.image.rgb, 'base64').length).toBe(32 * 32 * 3);

    const fa = await h.handlers['captioning.caption']({ source: { kind: 'test', index: 0 }, language: 'fa' });
    expect(fa.truth).toEqual(samples[0]!.captions.fa);
    expect(fa.greedy.at(-1)!.word).toBe('<end>');
    for (const step of fa.greedy) {
      expect(step.top[0]!.word).toBe(step.word);
      expect(step.top.length).toBe(3);
      if (step.word !== '<end>') expect(step.word).toMatch(/[\u0600-\u06FF]/);
    }
    expect(fa.beams).toHaveLength(3);
    expect(fa.beams[0]!.logProb).toBeGreaterThanOrEqual(fa.beams[1]!.logProb);
    expect(fa.beams[1]!.logProb).toBeGreaterThanOrEqual(fa.beams[2]!.logProb);

    const en = await h.handlers['captioning.caption']({
      source: { kind: 'scene', shapes: [{ shape: 'circle', colour: 'red', col: 0, row: 1 }, { shape: 'square', colour: 'blue', col: 2, row: 1 }] },
      language: 'en',
    });
    expect(en.truth).toEqual('a red circle to the left of a blue square'.split(' '));
    expect(en.greedy.filter((s) => s.word !== '<end>').every((s) => /^[a-z]+$/.test(s.word))).toBe(true);
  }, 600_000);
});
