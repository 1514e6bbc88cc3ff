// The comparison's conclusions (shared/compare-conclusions.ts) on made-up tables: each one
// appears when the numbers support it, is absent when they do not, and says why in both
// languages (Persian with Persian digits).
import { describe, expect, it } from 'vitest';
import type { CompareModelId } from '../../shared/compare';
import { compareConclusions, type CompareTable } from '../../shared/compare-conclusions';
import type { CompareRow } from '../../shared/ipc/compare';

const STEPS: Record<CompareModelId, number | null> = { gru: 240, 'conv1d-6.47': null, 'conv1d-gru-6.49': 156, 'bidirectional-gru': 240, 'stacked-gru': 240 };

function row(model: CompareModelId, valMae: number, secondsPerEpoch = 10, status: CompareRow['status'] = 'completed'): CompareRow {
  return {
    model, status, runRecordId: `r-${model.replace(/\./g, '')}`, valMae, valMaeC: valMae * 8.4, testMae: valMae, testMaeC: valMae * 8.4,
    params: 1000, secondsPerEpoch, epochs: 5, inputSteps: 240, recurrentSteps: STEPS[model], backend: 'wasm',
  };
}

/** Numbers like the book's: the convnet alone worse than the baseline, the recurrent models better. */
const bookLike: CompareTable = {
  baseline: { valMae: 0.29, valMaeC: 2.44, testMae: 0.31, testMaeC: 2.6 },
  rows: [row('gru', 0.265, 30), row('conv1d-6.47', 0.41, 5), row('conv1d-gru-6.49', 0.28, 12), row('bidirectional-gru', 0.27, 60), row('stacked-gru', 0.262, 90)],
};

const ids = (t: CompareTable): string[] => compareConclusions(t).map((c) => c.id);

describe('comparison conclusions', () => {
  it('a table like the book\'s supports the lesson\'s conclusions, each beside its row', () => {
    const got = compareConclusions(bookLike);
    const byId = new Map(got.map((c) => [c.id, c]));
    expect(byId.get('gru-beats-baseline')?.model).toBe('gru');
    expect(byId.get('conv-worse-than-baseline')?.model).toBe('conv1d-6.47');
    expect(byId.get('convgru-beats-conv')?.model).toBe('conv1d-gru-6.49');
    expect(byId.get('convgru-faster')?.model).toBe('conv1d-gru-6.49');
    expect(byId.get('convgru-less-accurate')?.model).toBe('conv1d-gru-6.49');
    // 0.27 against 0.265: about as good as the forward GRU, as the book found
    expect(byId.get('bidi-level')?.model).toBe('bidirectional-gru');
    // 0.262 against 0.265 is within the margin: about as good, as the book found
    expect(byId.get('stacked-level')?.model).toBe('stacked-gru');
    expect(ids(bookLike)).not.toContain('stacked-better');
    expect(ids(bookLike)).not.toContain('gru-not-past-baseline');
    expect(ids(bookLike)).not.toContain('bidi-better');
    expect(ids(bookLike)).not.toContain('stacked-no-gain');
  });

  it('writes the comparison behind each conclusion, in both languages', () => {
    const conv = compareConclusions(bookLike).find((c) => c.id === 'conv-worse-than-baseline')!;
    expect(conv.text.en).toMatch(/worse than the baseline/);
    expect(conv.evidence.en).toBe('validation MAE 0.410 > baseline 0.290');
    expect(conv.evidence.fa).toContain('۰٫۴۱۰');
    expect(conv.evidence.fa).toContain('۰٫۲۹۰');
    expect(conv.evidence.fa).toContain('بیشتر از');
    expect(conv.text.fa).not.toMatch(/[0-9]/);
    const faster = compareConclusions(bookLike).find((c) => c.id === 'convgru-faster')!;
    expect(faster.text.en).toContain('156 steps against 240');
    expect(faster.text.fa).toContain('۱۵۶');
    expect(faster.evidence.en).toBe('s/epoch 12.000 < GRU 30.000');
  });

  it('the convnet alone better than the baseline: no "worse than the baseline"', () => {
    const t: CompareTable = { ...bookLike, rows: bookLike.rows.map((r) => (r.model === 'conv1d-6.47' ? row('conv1d-6.47', 0.25, 5) : r)) };
    expect(ids(t)).not.toContain('conv-worse-than-baseline');
    // ...and 6.49 (0.28) no longer beats it.
    expect(ids(t)).not.toContain('convgru-beats-conv');
  });

  it('a GRU behind the baseline says so, and withholds the comparisons among untrained models', () => {
    const t: CompareTable = { ...bookLike, rows: bookLike.rows.map((r) => (r.model === 'gru' ? row('gru', 0.35, 30) : r)) };
    const got = ids(t);
    expect(got).toContain('gru-not-past-baseline');
    expect(got).not.toContain('gru-beats-baseline');
    for (const id of ['bidi-worse', 'bidi-better', 'stacked-better', 'stacked-no-gain', 'convgru-beats-conv', 'convgru-less-accurate']) expect(got).not.toContain(id);
    // Speed and the baseline comparison do not depend on how well the models learned.
    expect(got).toContain('convgru-faster');
    expect(got).toContain('conv-worse-than-baseline');
  });

  it('bidirectional and stacked in the other direction', () => {
    const t: CompareTable = { ...bookLike, rows: bookLike.rows.map((r) => (r.model === 'bidirectional-gru' ? row('bidirectional-gru', 0.25) : r.model === 'stacked-gru' ? row('stacked-gru', 0.3) : r)) };
    expect(ids(t)).toContain('bidi-better');
    expect(ids(t)).not.toContain('bidi-worse');
    expect(ids(t)).toContain('stacked-no-gain');
    expect(ids(t)).not.toContain('stacked-better');
  });

  it('6.49 slower and more accurate than the GRU: neither "faster" nor "less accurate"', () => {
    const t: CompareTable = { ...bookLike, rows: bookLike.rows.map((r) => (r.model === 'conv1d-gru-6.49' ? row('conv1d-gru-6.49', 0.26, 40) : r)) };
    expect(ids(t)).not.toContain('convgru-faster');
    expect(ids(t)).not.toContain('convgru-less-accurate');
    expect(ids(t)).toContain('convgru-beats-conv');
  });

  it('a gap inside the margin is no lesson: a GRU level with the baseline has not beaten it, and the models are not ranked', () => {
    const level: CompareTable = { ...bookLike, rows: [row('gru', 0.288, 30), ...bookLike.rows.slice(1)] };
    const got = compareConclusions(level);
    const gru = got.find((c) => c.id === 'gru-not-past-baseline');
    expect(gru?.evidence.en).toBe('validation MAE 0.288 ≈ baseline 0.290');
    expect(gru?.evidence.fa).toContain('تقریباً برابر با');
    expect(ids(level)).not.toContain('gru-beats-baseline');
    for (const id of ['bidi-worse', 'bidi-better', 'bidi-level', 'stacked-better', 'stacked-level', 'stacked-no-gain', 'convgru-less-accurate']) expect(ids(level)).not.toContain(id);
    // just past the margin, it has
    expect(ids({ ...bookLike, rows: [row('gru', 0.283, 30)] })).toContain('gru-beats-baseline');
    // the convnet alone 1 % above the baseline is not "worse than the baseline"
    expect(ids({ ...bookLike, rows: [row('conv1d-6.47', 0.293)] })).not.toContain('conv-worse-than-baseline');
    const bi = compareConclusions({ ...bookLike, rows: [row('gru', 0.265), row('bidirectional-gru', 0.268)] });
    expect(bi.map((c) => c.id)).toContain('bidi-level');
    expect(ids({ ...bookLike, rows: [row('gru', 0.265), row('bidirectional-gru', 0.29)] })).toContain('bidi-worse');
  });

  it('rows that did not complete, and a missing baseline, support nothing', () => {
    // Without a baseline only the speed comparison stands (accuracy needs the GRU measured against it).
    expect(ids({ baseline: null, rows: bookLike.rows })).toEqual(['convgru-faster']);
    const stopped: CompareTable = { ...bookLike, rows: bookLike.rows.map((r) => ({ ...r, status: 'stopped' as const })) };
    expect(compareConclusions(stopped)).toEqual([]);
    expect(compareConclusions({ baseline: bookLike.baseline, rows: [] })).toEqual([]);
  });
});
