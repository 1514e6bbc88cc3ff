import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gatherLabels, gatherPixels, loadMnist, MNIST_PIXELS, mnistDigitsDir, splitMnist, type MnistData } from '../../main/engine/experiments/mnist';

let data: MnistData;
beforeAll(async () => {
  data = await loadMnist();
});

/** Mean image of every digit d (784 floats). */
function meanImage(d: number): Float64Array {
  const m = new Float64Array(MNIST_PIXELS);
  let n = 0;
  for (let i = 0; i < data.count; i++) {
    if (data.labels[i] !== d) continue;
    for (let p = 0; p < MNIST_PIXELS; p++) m[p]! += data.pixels[i * MNIST_PIXELS + p]!;
    n++;
  }
  return m.map((v) => v / n);
}

/** Share of an image's ink inside columns [c0, c1) and rows [r0, r1). */
function share(img: Float64Array, c0: number, c1: number, r0 = 0, r1 = 28): number {
  let inside = 0;
  let total = 0;
  for (let r = 0; r < 28; r++) {
    for (let c = 0; c < 28; c++) {
      const v = img[r * 28 + c]!;
      total += v;
      if (c >= c0 && c < c1 && r >= r0 && r < r1) inside += v;
    }
  }
  return inside / total;
}

describe('MNIST digits from the mnist package (offline)', () => {
  it('loads all 10,000 digits, 784 bytes each, with the package’s per-digit counts', () => {
    expect(data.count).toBe(10_000);
    expect(data.pixels.length).toBe(10_000 * 784);
    // The package's files hold 1001, 1127, 991, ... images (its README rounds them to about 1,000).
    expect(data.perClass).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    const counts = new Array<number>(10).fill(0);
    for (const l of data.labels) counts[l]!++;
    expect(counts).toEqual(data.perClass);
  });

  it('keeps each image as the package’s own file has it (to its three decimals)', () => {
    for (const [digit, k] of [[0, 0], [3, 517], [7, 1069], [9, 12]] as const) {
      const raw = (JSON.parse(readFileSync(path.join(mnistDigitsDir(), `${digit}.json`), 'utf8')) as { data: number[] }).data;
      const i = data.labels.findIndex((l, j) => l === digit && data.fileIndex[j] === k);
      expect(i, `image ${k} of digit ${digit}`).toBeGreaterThanOrEqual(0);
      const mine = gatherPixels(data, [i]);
      for (let p = 0; p < 784; p++) expect(Math.abs(mine[p]! - raw[k * 784 + p]!)).toBeLessThan(0.001);
    }
  });

  it('labels are right: the mean 1 is a thin vertical stroke, the mean 0 a ring with an empty centre', () => {
    const one = meanImage(1);
    const zero = meanImage(0);
    const seven = meanImage(7);
    // Ones: most ink in the central vertical stripe (columns 10-17 of 28).
    expect(share(one, 10, 18)).toBeGreaterThan(0.6);
    // Zeros: the centre (rows and columns 11-16) is nearly empty compared with the ring around it.
    expect(share(zero, 11, 17, 11, 17)).toBeLessThan(0.05);
    expect(share(zero, 10, 18)).toBeLessThan(0.45);
    // Sevens: the top bar puts more ink in the upper third than a one has there.
    expect(share(seven, 0, 28, 0, 10)).toBeGreaterThan(share(one, 0, 28, 0, 10));
  });

  it('every digit’s images are closer on average to their own class mean than to the others’', () => {
    const means = Array.from({ length: 10 }, (_, d) => meanImage(d));
    let right = 0;
    const sample = 500;
    for (let s = 0; s < sample; s++) {
      const i = (s * 7919) % data.count;
      let best = -1;
      let bestDist = Infinity;
      for (let d = 0; d < 10; d++) {
        let dist = 0;
        for (let p = 0; p < 784; p++) dist += (data.pixels[i * 784 + p]! - means[d]![p]!) ** 2;
        if (dist < bestDist) {
          bestDist = dist;
          best = d;
        }
      }
      if (best === data.labels[i]) right++;
    }
    // Nearest class mean is a weak classifier (about 80% on MNIST); wrong labels would give about 10%.
    expect(right / sample).toBeGreaterThan(0.7);
  });
});

describe('splitMnist', () => {
  const opts = { seed: 7, testSize: 2000, valSize: 1000, labelsPerClass: 10 };

  it('is deterministic for a seed and differs between seeds', () => {
    const a = splitMnist(data, opts);
    const b = splitMnist(data, opts);
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.labelled)).toEqual(Array.from(b.labelled));
    expect(Array.from(a.pool)).toEqual(Array.from(b.pool));
    const c = splitMnist(data, { ...opts, seed: 8 });
    expect(Array.from(c.test)).not.toEqual(Array.from(a.test));
    // A different label seed keeps test and validation, and picks other labelled images.
    const d = splitMnist(data, { ...opts, labelSeed: 99 });
    expect(Array.from(d.test)).toEqual(Array.from(a.test));
    expect(Array.from(d.validation)).toEqual(Array.from(a.validation));
    expect(Array.from(d.labelled)).not.toEqual(Array.from(a.labelled));
  });

  it('keeps test, validation and pool apart, and balances the labelled set inside the pool', () => {
    for (const labelsPerClass of [10, 50]) {
      const s = splitMnist(data, { ...opts, labelsPerClass });
      expect(s.test.length).toBe(2000);
      expect(s.validation.length).toBe(1000);
      expect(s.pool.length).toBe(7000);
      const all = new Set([...s.test, ...s.validation, ...s.pool]);
      expect(all.size).toBe(10_000);
      const pool = new Set(s.pool);
      expect([...s.labelled].every((i) => pool.has(i))).toBe(true);
      const counts = new Array<number>(10).fill(0);
      for (const l of gatherLabels(data, s.labelled)) counts[l]!++;
      expect(counts).toEqual(new Array(10).fill(labelsPerClass));
    }
  });

  it('caps the pool when asked', () => {
    const s = splitMnist(data, { ...opts, poolSize: 500, labelsPerClass: 5 });
    expect(s.pool.length).toBe(500);
    expect(s.labelled.length).toBe(50);
  });
});
