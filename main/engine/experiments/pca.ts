/**
 * Principal component analysis, small and dependency-free: the covariance matrix of the
 * centred rows, then its leading eigenvectors by power iteration with deflation. Meant for
 * the code layer of an autoencoder (tens of dimensions, a thousand points); the cost is
 * O(n d^2) for the covariance plus O(k d^2) per iteration.
 */

export interface PcaResult {
  /** Column means (length d). */
  mean: Float64Array;
  /** k unit vectors of length d, largest variance first; each with its largest entry positive. */
  components: Float64Array[];
  /** Variance along each component (the covariance's eigenvalues), largest first. */
  variances: number[];
  /** Share of the total variance along each component. */
  explained: number[];
  /** The n rows projected onto the k components (n x k, row-major). */
  projected: Float64Array;
}

/** Sample covariance (divides by n - 1) of n rows of width d. */
export function covariance(data: ArrayLike<number>, n: number, d: number): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) mean[c]! += data[r * d + c]!;
  for (let c = 0; c < d; c++) mean[c]! /= Math.max(1, n);
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < d; c++) row[c] = data[r * d + c]! - mean[c]!;
    for (let i = 0; i < d; i++) {
      const ri = row[i]!;
      if (ri === 0) continue;
      const base = i * d;
      for (let j = i; j < d; j++) cov[base + j]! += ri * row[j]!;
    }
  }
  const denom = Math.max(1, n - 1);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = cov[i * d + j]! / denom;
      cov[i * d + j] = v;
      cov[j * d + i] = v;
    }
  }
  return { mean, cov };
}

/**
 * The k leading eigenpairs of a symmetric positive semi-definite d x d matrix, by power
 * iteration with deflation. Deterministic: the start vector is fixed.
 */
export function topEigen(matrix: Float64Array, d: number, k: number, opts: { maxIter?: number; tol?: number } = {}): { vectors: Float64Array[]; values: number[] } {
  const maxIter = opts.maxIter ?? 1000;
  const tol = opts.tol ?? 1e-10;
  const a = Float64Array.from(matrix);
  const vectors: Float64Array[] = [];
  const values: number[] = [];
  const next = new Float64Array(d);
  for (let e = 0; e < Math.min(k, d); e++) {
    let v = new Float64Array(d);
    // A fixed, non-symmetric start so no eigenvector is orthogonal to it by accident.
    for (let i = 0; i < d; i++) v[i] = 1 + ((i * 7919) % 13) / 13;
    normalise(v);
    let lambda = 0;
    for (let it = 0; it < maxIter; it++) {
      matVec(a, v, next, d);
      const norm = Math.hypot(...next);
      if (norm === 0) {
        lambda = 0;
        break;
      }
      let change = 0;
      for (let i = 0; i < d; i++) {
        const w = next[i]! / norm;
        change = Math.max(change, Math.abs(w - v[i]!));
        v[i] = w;
      }
      lambda = norm;
      if (change < tol) break;
    }
    // Rayleigh quotient: the eigenvalue with its sign (the matrix is PSD, so >= 0 up to rounding).
    matVec(a, v, next, d);
    lambda = dot(v, next);
    // Sign convention: the largest-magnitude entry positive, so results repeat exactly.
    let big = 0;
    for (let i = 1; i < d; i++) if (Math.abs(v[i]!) > Math.abs(v[big]!)) big = i;
    if (v[big]! < 0) v = v.map((x) => -x);
    vectors.push(v);
    values.push(Math.max(0, lambda));
    // Deflate: A <- A - lambda v v^T.
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j]! -= lambda * v[i]! * v[j]!;
  }
  return { vectors, values };
}

/** PCA of n rows of width d onto k components. */
export function pca(data: ArrayLike<number>, n: number, d: number, k = 2): PcaResult {
  const { mean, cov } = covariance(data, n, d);
  let total = 0;
  for (let i = 0; i < d; i++) total += cov[i * d + i]!;
  const { vectors, values } = topEigen(cov, d, k);
  const projected = new Float64Array(n * vectors.length);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < vectors.length; c++) {
      const comp = vectors[c]!;
      let s = 0;
      for (let j = 0; j < d; j++) s += (data[r * d + j]! - mean[j]!) * comp[j]!;
      projected[r * vectors.length + c] = s;
    }
  }
  return { mean, components: vectors, variances: values, explained: values.map((v) => (total > 0 ? v / total : 0)), projected };
}

function matVec(a: Float64Array, v: Float64Array, out: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    let s = 0;
    const base = i * d;
    for (let j = 0; j < d; j++) s += a[base + j]! * v[j]!;
    out[i] = s;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function normalise(v: Float64Array): void {
  const n = Math.hypot(...v);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= n;
}
