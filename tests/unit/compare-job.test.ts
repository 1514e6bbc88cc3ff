// The book's comparison as an engine job (issue #17.2), at its smallest size: the baseline and
// every row are reported as they finish, each row is a normal run of the project (listed, with
// a model for predictions), the shape-derived sequence lengths and the book's parameter counts
// are right, and Stop ends the job with the finished rows kept.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPARE_MODELS, COMPARE_SIZES, compareGraph, recurrentSteps } from '../../shared/compare';
import { CompareDoneSchema, type CompareDone } from '../../shared/ipc/compare';
import { Engine } from '../../main/engine/engine';
import { perKind, type KindEvent } from './job-events';
import { compareCells, compareCommand, toCsv } from '../../main/cli/compare';

const dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-compare-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function engineWithEvents() {
  const events: KindEvent[] = [];
  let onDone: (d: CompareDone) => void = () => undefined;
  const engine = new Engine({ dataDir, backend: { prefer: 'wasm' } }, (name, payload) => {
    const e = perKind(name, payload);
    events.push(e);
    if (e.name === 'compare.done') onDone(CompareDoneSchema.parse(e.payload));
  });
  const next = () => new Promise<CompareDone>((resolve) => (onDone = resolve));
  return { engine, events, next };
}

describe('shape-derived sequence lengths', () => {
  it('the GRU reads lookback/step, 6.49 its pooled and convolved window, 6.47 has no recurrent layer', () => {
    const lecture = COMPARE_SIZES.lecture;
    expect(recurrentSteps(compareGraph(lecture, 'gru'))).toBe(240);
    // 1440 / 3 = 480 -> Conv1D(5) 476 -> MaxPooling1D(3) 158 -> Conv1D(5) 154
    expect(recurrentSteps(compareGraph(lecture, 'conv1d-gru-6.49'))).toBe(154);
    expect(recurrentSteps(compareGraph(lecture, 'conv1d-6.47'))).toBeNull();
    expect(recurrentSteps(compareGraph(lecture, 'bidirectional-gru'))).toBe(240);
    expect(recurrentSteps(compareGraph(lecture, 'stacked-gru'))).toBe(240);
  });
});

describe('engine channel compare.start (smallest size)', () => {
  it('fills every row as it goes, each a run of the project, and the convnet alone is worse than the baseline', async () => {
    const { engine, events, next } = engineWithEvents();
    const ended = next();
    const { runId } = await engine.handlers['compare.start']({ size: 'smallest' });
    await expect(engine.handlers['train.start']({ experiment: (await engine.handlers['experiments.starter']({})).experiment })).rejects.toMatchObject({ code: 'E_ENGINE_BUSY' });
    const done = await ended;
    expect(done).toMatchObject({ runId, status: 'completed', size: 'smallest' });

    // The baseline first, then one result per row in table order, before the end.
    const parts = events.filter((e) => e.name === 'compare.result').map((e) => (e.payload.part === 'baseline' ? 'baseline' : (e.payload.row as { model: string }).model));
    expect(parts).toEqual(['baseline', ...COMPARE_MODELS]);
    expect(events.findIndex((e) => e.name === 'compare.result')).toBeLessThan(events.findIndex((e) => e.name === 'compare.done'));

    const b = done.baseline!;
    expect(b.valMae).toBeGreaterThan(0);
    expect(b.valMaeC! / b.valMae!).toBeCloseTo(b.testMaeC! / b.testMae!, 6); // one std, the training rows'
    expect(done.rows.map((r) => r.model)).toEqual([...COMPARE_MODELS]);
    for (const r of done.rows) {
      expect(r.status).toBe('completed');
      for (const v of [r.valMae, r.valMaeC, r.testMae, r.testMaeC, r.secondsPerEpoch]) expect(v).toBeGreaterThan(0);
      expect(r.valMaeC! / r.valMae!).toBeCloseTo(b.valMaeC! / b.valMae!, 4);
      expect(r.epochs).toBe(COMPARE_SIZES.smallest.epochs);
      expect(r.runRecordId).toMatch(new RegExp(`^${runId}-`));
    }
    const byModel = Object.fromEntries(done.rows.map((r) => [r.model, r]));
    // The book's parameter counts (14 features).
    expect(byModel['conv1d-6.47']!.params).toBe(12_609);
    expect(byModel['conv1d-gru-6.49']!.params).toBe(13_697);
    expect(byModel.gru!.params).toBe(3 * (14 * 32 + 32 * 32 + 32) + 33);
    expect(byModel['bidirectional-gru']!.params).toBe(2 * 3 * (14 * 32 + 32 * 32 + 32) + 65);
    // smallest: lookback 480; step 6 -> 80 steps; step 3 -> 160 -> 156 -> 52 -> 48.
    expect(byModel.gru!.recurrentSteps).toBe(80);
    expect(byModel['conv1d-gru-6.49']!.inputSteps).toBe(160);
    expect(byModel['conv1d-gru-6.49']!.recurrentSteps).toBe(48);
    expect(byModel['conv1d-6.47']!.recurrentSteps).toBeNull();
    // What the lesson argues, on the bundled data.
    expect(byModel['conv1d-6.47']!.valMae!).toBeGreaterThan(b.valMae!);

    // Every row is a normal run: listed in the project with its experiment, its model kept for predictions.
    const { runs } = await engine.handlers['runs.list']({});
    for (const r of done.rows) {
      const rec = runs.find((x) => x.id === r.runRecordId);
      expect(rec?.experiment.name).toBe(`compare-${r.model}`);
      expect(rec?.done.bestValLoss).toBe(r.valMae);
      expect(rec?.experiment.windowing.step).toBe(r.model === 'conv1d-gru-6.49' ? 3 : 6);
    }
    const f = await engine.handlers['train.predict']({ runId: byModel['conv1d-gru-6.49']!.runRecordId!, split: 'test', start: 0, count: 20 });
    expect(f.prediction).toHaveLength(20);
    expect((await engine.handlers['compare.last']({})).done?.runId).toBe(runId);
  });

  it('Stop ends the job; the rows that finished stay, in the table and in the project', async () => {
    const { engine, events, next } = engineWithEvents();
    const ended = next();
    const { runId } = await engine.handlers['compare.start']({ size: 'smallest' });
    // Stop once the first row is in.
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (events.some((e) => e.name === 'compare.result' && e.payload.part === 'row')) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    expect(await engine.handlers['train.stop']({ runId })).toEqual({ stopped: true });
    const done = await ended;
    expect(done.status).toBe('stopped');
    expect(done.rows.length).toBeGreaterThanOrEqual(1);
    expect(done.rows.length).toBeLessThan(COMPARE_MODELS.length);
    expect(done.rows[0]).toMatchObject({ model: 'gru', status: 'completed' });
    const { runs } = await engine.handlers['runs.list']({});
    expect(runs.some((r) => r.id === done.rows[0]!.runRecordId)).toBe(true);
  });
});

describe('seqlab compare', () => {
  it('prints and writes the table with the conclusions, in Persian digits with --lang fa', async () => {
    const out = path.join(dataDir, 'table.csv');
    const logged: string[] = [];
    const log = console.log;
    const err = console.error;
    console.log = (...a: unknown[]) => void logged.push(a.join(' '));
    console.error = () => undefined;
    let code: number;
    try {
      code = await compareCommand(['--size', 'smallest', '--lang', 'fa', '--out', out, '--backend', 'wasm', '--data-dir', path.join(dataDir, 'cli')]);
    } finally {
      console.log = log;
      console.error = err;
    }
    expect(code).toBe(0);
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    // Header, baseline, five rows.
    expect(csv).toHaveLength(7);
    expect(csv[0]).toContain('MAE اعتبارسنجی');
    expect(csv[1]).toMatch(/^خط پایه/);
    expect(csv.join('\n')).not.toMatch(/\d\.\d/); // Persian digits and decimal sign
    expect(csv.find((l) => l.startsWith('کانولوشن تنها'))).toContain('از خط پایه هم بدتر است');
    expect(logged.join('\n')).toContain('| مدل |');
    expect(await compareCommand(['--size', 'huge'])).toBe(2);
    expect(await compareCommand(['--out', 'table.txt'])).toBe(2);
  });

  it('the CSV quotes cells that hold commas', () => {
    const cells = compareCells({ baseline: null, rows: [] }, 'en');
    expect(toCsv([...cells, ['a, b', 'c "d"']]).trim().split('\n').pop()).toBe('"a, b","c ""d"""');
  });
});
