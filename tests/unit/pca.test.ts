import { describe, expect, it } from 'vitest';
import { covariance, pca, topEigen } from '../../main/engine/experiments/pca';
import { gaussian, mulberry32 } from '../../main/engine/data/random';

describe('topEigen (power iteration with deflation)', () => {
  it('finds the eigenpairs of a known symmetric matrix', () => {
    // [[2, 1], [1, 2]]: eigenvalues 3 (1, 1)/sqrt2 and 1 (1, -1)/sqrt2.
    const { values, vectors } = topEigen(Float64Array.from([2, 1, 1, 2]), 2, 2);
    expect(values[0]).toBeCloseTo(3, 8);
    expect(values[1]).toBeCloseTo(1, 8);
    expect(Math.abs(vectors[0]![0]!)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(vectors[0]![0]! * vectors[0]![1]!).toBeGreaterThan(0);
    expect(vectors[1]![0]! * vectors[1]![1]!).toBeLessThan(0);
  });

  it('handles a diagonal matrix in any order of entries', () => {
    const d = 5;
    const diag = [0.5, 4, 1, 9, 2];
    const m = new Float64Array(d * d);
    diag.forEach((v, i) => (m[i * d + i] = v));
    const { values, vectors } = topEigen(m, d, 3);
    expect(values.map((v) => Number(v.toFixed(6)))).toEqual([9, 4, 2]);
    expect(Math.abs(vectors[0]![3]!)).toBeCloseTo(1, 6);
    expect(Math.abs(vectors[1]![1]!)).toBeCloseTo(1, 6);
    expect(Math.abs(vectors[2]![4]!)).toBeCloseTo(1, 6);
  });
});

describe('pca', () => {
  it('recovers the axes and variances of a rotated, stretched Gaussian cloud', () => {
    // Points with standard deviations 5, 2, 0.5 along three orthonormal directions, shifted by a mean.
    const rand = gaussian(mulberry32(3));
    const s2 = Math.SQRT1_2;
    const s3 = 1 / Math.sqrt(3);
    const s6 = 1 / Math.sqrt(6);
    const axes = [
      [s3, s3, s3],
      [s2, -s2, 0],
      [s6, s6, -2 * s6],
    ];
    const sd = [5, 2, 0.5];
    const mean = [10, -3, 7];
    const n = 20_000;
    const data = new Float64Array(n * 3);
    for (let r = 0; r < n; r++) {
      const z = sd.map((s) => s * rand());
      for (let c = 0; c < 3; c++) data[r * 3 + c] = mean[c]! + z[0]! * axes[0]![c]! + z[1]! * axes[1]![c]! + z[2]! * axes[2]![c]!;
    }
    const res = pca(data, n, 3, 2);
    expect(Array.from(res.mean).map((v, i) => v - mean[i]!).every((e) => Math.abs(e) < 0.1)).toBe(true);
    expect(res.variances[0]! / 25).toBeGreaterThan(0.95);
    expect(res.variances[0]! / 25).toBeLessThan(1.05);
    expect(res.variances[1]! / 4).toBeGreaterThan(0.95);
    expect(res.variances[1]! / 4).toBeLessThan(1.05);
    const total = 25 + 4 + 0.25;
    expect(res.explained[0]).toBeCloseTo(25 / total, 1);
    // Components match the true axes up to sign.
    for (let k = 0; k < 2; k++) {
      const cos = res.components[k]!.reduce((s, v, i) => s + v * axes[k]![i]!, 0);
      expect(Math.abs(cos)).toBeGreaterThan(0.999);
    }
    // Projections are centred and carry the component variances.
    let m0 = 0;
    let v0 = 0;
    for (let r = 0; r < n; r++) m0 += res.projected[r * 2]!;
    m0 /= n;
    for (let r = 0; r < n; r++) v0 += (res.projected[r * 2]! - m0) ** 2;
    expect(Math.abs(m0)).toBeLessThan(1e-9);
    expect(v0 / (n - 1)).toBeCloseTo(res.variances[0]!, 6);
  });

  it('covariance matches the textbook formula on a tiny example', () => {
    // Rows (1, 2), (3, 6), (5, 10): x has variance 4, y = 2x has variance 16, covariance 8.
    const { mean, cov } = covariance([1, 2, 3, 6, 5, 10], 3, 2);
    expect(Array.from(mean)).toEqual([3, 6]);
    expect(Array.from(cov)).toEqual([4, 8, 8, 16]);
    const r = pca([1, 2, 3, 6, 5, 10], 3, 2, 2);
    expect(r.explained[0]).toBeCloseTo(1, 10);
    expect(r.variances[1]).toBeCloseTo(0, 10);
  });

  it('is deterministic (same signs every time)', () => {
    const rand = mulberry32(9);
    const data = Array.from({ length: 300 }, () => rand());
    const a = pca(data, 100, 3, 2);
    const b = pca(data, 100, 3, 2);
    expect(Array.from(a.projected)).toEqual(Array.from(b.projected));
  });
});
