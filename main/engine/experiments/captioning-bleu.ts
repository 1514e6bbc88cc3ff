/**
 * Caption scores: exact match and corpus BLEU-1..4 (Papineni et al. 2002) with one
 * reference per caption. BLEU-n is the geometric mean of the clipped (modified) n-gram
 * precisions for orders 1..n, each summed over the whole corpus, times the brevity penalty
 * exp(1 - r/c) when the candidates' total length c is below the references' r.
 */

export interface CaptionScores {
  /** Share of captions equal to their reference, word for word. */
  exact: number;
  /** Cumulative BLEU-1, BLEU-2, BLEU-3, BLEU-4. */
  bleu: [number, number, number, number];
}

function ngrams(words: readonly string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const g = words.slice(i, i + n).join('\u0001');
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** Clipped matches and total n-grams of order n over the corpus. */
export function modifiedPrecision(candidates: readonly (readonly string[])[], references: readonly (readonly string[])[], n: number): { matches: number; total: number } {
  let matches = 0;
  let total = 0;
  candidates.forEach((cand, i) => {
    const c = ngrams(cand, n);
    const r = ngrams(references[i]!, n);
    for (const [g, count] of c) {
      matches += Math.min(count, r.get(g) ?? 0);
      total += count;
    }
  });
  return { matches, total };
}

/** Corpus BLEU-1..maxN (cumulative, uniform weights), one reference per candidate. */
export function corpusBleu(candidates: readonly (readonly string[])[], references: readonly (readonly string[])[], maxN = 4): number[] {
  if (candidates.length !== references.length) throw new Error('candidates and references differ in number');
  const c = candidates.reduce((a, w) => a + w.length, 0);
  const r = references.reduce((a, w) => a + w.length, 0);
  const bp = c === 0 ? 0 : c >= r ? 1 : Math.exp(1 - r / c);
  const out: number[] = [];
  let logSum = 0;
  let zero = false;
  for (let n = 1; n <= maxN; n++) {
    const p = modifiedPrecision(candidates, references, n);
    if (p.matches === 0 || p.total === 0) zero = true;
    else logSum += Math.log(p.matches / p.total);
    out.push(zero ? 0 : bp * Math.exp(logSum / n));
  }
  return out;
}

export function scoreCaptions(candidates: readonly (readonly string[])[], references: readonly (readonly string[])[]): CaptionScores {
  const same = candidates.filter((cand, i) => cand.join(' ') === references[i]!.join(' ')).length;
  const b = corpusBleu(candidates, references, 4);
  return { exact: candidates.length ? same / candidates.length : 0, bleu: [b[0]!, b[1]!, b[2]!, b[3]!] };
}

/** The most frequent caption of a training set (ties: the first seen). */
export function mostFrequentCaption(captions: readonly (readonly string[])[]): string[] {
  const counts = new Map<string, number>();
  let best = '';
  let bestCount = 0;
  for (const c of captions) {
    const k = c.join(' ');
    const n = (counts.get(k) ?? 0) + 1;
    counts.set(k, n);
    if (n > bestCount) {
      best = k;
      bestCount = n;
    }
  }
  return best ? best.split(' ') : [];
}
