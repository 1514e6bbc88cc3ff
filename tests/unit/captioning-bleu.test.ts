/**
 * Caption scores (issue #6): BLEU-1..4 on examples computed by hand, with n-gram clipping and
 * the brevity penalty, corpus-level sums, exact match, and the most-frequent-caption baseline.
 */
import { describe, expect, it } from 'vitest';
import { corpusBleu, modifiedPrecision, mostFrequentCaption, scoreCaptions } from '../../main/engine/experiments/captioning-bleu';

const w = (s: string) => s.split(' ');

describe('BLEU', () => {
  it('matches a hand computation: "the cat sat on the mat" against "the cat is on the mat"', () => {
    // 1-grams: the x2, cat, on, mat match (5 of 6); 2-grams: the cat, on the, the mat (3 of 5);
    // 3-grams: on the mat (1 of 4); 4-grams: none (0 of 3). Same length: no brevity penalty.
    const cand = [w('the cat sat on the mat')];
    const ref = [w('the cat is on the mat')];
    expect(modifiedPrecision(cand, ref, 1)).toEqual({ matches: 5, total: 6 });
    expect(modifiedPrecision(cand, ref, 2)).toEqual({ matches: 3, total: 5 });
    expect(modifiedPrecision(cand, ref, 3)).toEqual({ matches: 1, total: 4 });
    const b = corpusBleu(cand, ref);
    expect(b[0]).toBeCloseTo(5 / 6, 10);
    expect(b[1]).toBeCloseTo(Math.sqrt(0.5), 10); // sqrt(5/6 * 3/5)
    expect(b[2]).toBeCloseTo(0.5, 10); // cube root of 5/6 * 3/5 * 1/4 = 1/8
    expect(b[3]).toBe(0);
  });

  it('clips repeated words and applies the brevity penalty', () => {
    // "the the the" vs "the cat is here": "the" counts once (1/3); c = 3 < r = 4: BP = exp(1 - 4/3).
    const b = corpusBleu([w('the the the')], [w('the cat is here')], 1);
    expect(b[0]).toBeCloseTo((1 / 3) * Math.exp(-1 / 3), 10);
  });

  it('sums counts over the corpus before dividing', () => {
    // p1 = (5 + 1) / (6 + 3); c = 9, r = 10: BP = exp(1 - 10/9).
    const b = corpusBleu([w('the cat sat on the mat'), w('the the the')], [w('the cat is on the mat'), w('the cat is here')], 1);
    expect(b[0]).toBeCloseTo((6 / 9) * Math.exp(1 - 10 / 9), 10);
  });

  it('gives 1 for identical captions and counts exact matches', () => {
    const refs = [w('a red circle above a blue square'), w('a green triangle below a red circle')];
    expect(scoreCaptions(refs, refs)).toEqual({ exact: 1, bleu: [1, 1, 1, 1] });
    const s = scoreCaptions([refs[0]!, w('a green triangle below a red square')], refs);
    expect(s.exact).toBe(0.5);
    expect(s.bleu[0]).toBeCloseTo(13 / 14, 10);
  });

  it('finds the most frequent caption', () => {
    expect(mostFrequentCaption([w('a b'), w('c d'), w('c d'), w('a b'), w('c d')])).toEqual(w('c d'));
  });
});
