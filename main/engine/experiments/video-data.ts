/**
 * The generated clips of the video experiment (issue #6): a bright disk or square on a
 * noisy dark background that moves right, left, down or up, or grows, or shrinks.
 *
 * Every clip is drawn from its own PRNG, seeded by (dataset seed, split, index), so a clip
 * is generated on demand (no dataset is held in memory) and is the same every time.
 * Positions, sizes, speeds, shapes and brightness are random, so one frame alone cannot
 * tell the class: a disk of radius 3 at (5, 8) may be moving any way, or growing, or
 * shrinking. Only the change over time can. The frame wraps around (a shape that leaves
 * on one side comes back on the other), so positions are uniform in every frame and the
 * first or last frame does not give a direction away by where the shape is.
 *
 * Layout: frames x side x side x 1 floats in [0, 1], row 0 at the top (so "up" lowers
 * the row), column 0 on the left.
 */
import { mulberry32 } from '../../../shared/random';
import { VIDEO_CLASSES, VIDEO_SIZES, type VideoSizeName } from '../../../shared/ipc/video';

export type VideoSplit = 'train' | 'test';

export const CLASS_COUNT = VIDEO_CLASSES.length;
export const MOVE_RIGHT = 0;
export const MOVE_LEFT = 1;
export const MOVE_DOWN = 2;
export const MOVE_UP = 3;
export const GROW = 4;
export const SHRINK = 5;

/** What a clip is, before drawing: the shape's path and size from the first to the last frame. */
export interface ClipPlan {
  label: number;
  shape: 'disk' | 'square';
  /** Centre (column x, row y) in the first and last frame, pixels; drawn modulo the side (the frame wraps). */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Radius (half side for a square) in the first and last frame, pixels. */
  r0: number;
  r1: number;
  brightness: number;
}

export interface VideoDataOptions {
  frames: number;
  side: number;
  trainClips: number;
  testClips: number;
  seed: number;
  /** Amplitude of the uniform pixel noise (default 0.1). */
  noise?: number;
}

function hash(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35) ^ Math.imul(c + 0x165667b1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

const SPLIT_TAG: Record<VideoSplit, number> = { train: 1, test: 2 };

export class VideoDataset {
  readonly frames: number;
  readonly side: number;
  readonly seed: number;
  readonly noise: number;
  private readonly counts: Record<VideoSplit, number>;

  constructor(opts: VideoDataOptions) {
    if (opts.frames < 2 || opts.side < 8) throw new RangeError('video clips need at least 2 frames of 8x8');
    this.frames = opts.frames;
    this.side = opts.side;
    this.seed = opts.seed >>> 0;
    this.noise = opts.noise ?? 0.1;
    this.counts = { train: opts.trainClips, test: opts.testClips };
  }

  static ofSize(size: VideoSizeName, seed: number): VideoDataset {
    const s = VIDEO_SIZES[size];
    return new VideoDataset({ frames: s.frames, side: s.side, trainClips: s.trainClips, testClips: s.testClips, seed });
  }

  /** Floats per clip. */
  get clipSize(): number {
    return this.frames * this.side * this.side;
  }

  count(split: VideoSplit): number {
    return this.counts[split];
  }

  /**
   * The label of a clip. Labels come in shuffled blocks of one clip per class, so every
   * split is balanced (chance = 1 / classes) without a repeating pattern.
   */
  label(split: VideoSplit, index: number): number {
    const block = Math.floor(index / CLASS_COUNT);
    const rand = mulberry32(hash(this.seed, SPLIT_TAG[split] + 16, block));
    const perm = Array.from({ length: CLASS_COUNT }, (_, i) => i);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [perm[i], perm[j]] = [perm[j]!, perm[i]!];
    }
    return perm[index % CLASS_COUNT]!;
  }

  private rng(split: VideoSplit, index: number): () => number {
    return mulberry32(hash(this.seed, SPLIT_TAG[split], index));
  }

  /** The clip's plan: shape, path, sizes (drawn from the clip's own PRNG). */
  plan(split: VideoSplit, index: number): ClipPlan {
    return planClip(this.label(split, index), this.side, this.rng(split, index));
  }

  /** Draws clip `index` of a split into `out` at `offset` (clipSize floats). */
  draw(split: VideoSplit, index: number, out: Float32Array, offset = 0): number {
    const rand = this.rng(split, index);
    const plan = planClip(this.label(split, index), this.side, rand);
    drawClip(plan, this.frames, this.side, this.noise, rand, out, offset);
    return plan.label;
  }

  /** One clip as a new array, with its label. */
  clip(split: VideoSplit, index: number): { pixels: Float32Array; label: number } {
    const pixels = new Float32Array(this.clipSize);
    const label = this.draw(split, index, pixels);
    return { pixels, label };
  }

  /** Fills x (indices.length clips) and the one-hot targets y (indices.length x classes). */
  fill(split: VideoSplit, indices: ArrayLike<number>, x: Float32Array, y?: Float32Array, labels?: Int32Array): void {
    const size = this.clipSize;
    y?.fill(0, 0, indices.length * CLASS_COUNT);
    for (let k = 0; k < indices.length; k++) {
      const label = this.draw(split, indices[k]!, x, k * size);
      if (y) y[k * CLASS_COUNT + label] = 1;
      if (labels) labels[k] = label;
    }
  }
}

const uniform = (rand: () => number, lo: number, hi: number): number => lo + (hi - lo) * rand();

/**
 * The shape's path for a label. Sizes and speeds scale with the side: radii from 10% to
 * 25% of the side, moves of 25% to 45% of the side over the clip, growth or shrinkage by
 * 35% to 50% of the radius range. Positions are uniform over the frame, which wraps
 * around like an old arcade screen (a shape leaving on the right comes back on the left),
 * so no position, in any frame, says anything about the class.
 */
export function planClip(label: number, side: number, rand: () => number): ClipPlan {
  const rMin = 0.1 * side;
  const rMax = 0.25 * side;
  const span = rMax - rMin;
  const shape = rand() < 0.5 ? 'disk' : 'square';
  const brightness = uniform(rand, 0.6, 1);
  const cx = uniform(rand, 0, side);
  const cy = uniform(rand, 0, side);
  if (label === GROW || label === SHRINK) {
    const change = uniform(rand, 0.35, 0.5) * span;
    const small = uniform(rand, rMin, rMax - change);
    const [r0, r1] = label === GROW ? [small, small + change] : [small + change, small];
    return { label, shape, x0: cx, y0: cy, x1: cx, y1: cy, r0, r1, brightness };
  }
  const r = uniform(rand, rMin, rMax);
  const travel = uniform(rand, 0.25, 0.45) * side;
  const [dx, dy] = label === MOVE_RIGHT ? [travel, 0] : label === MOVE_LEFT ? [-travel, 0] : label === MOVE_DOWN ? [0, travel] : label === MOVE_UP ? [0, -travel] : [NaN, NaN];
  if (Number.isNaN(dx)) throw new RangeError(`unknown video class ${label}`);
  return { label, shape, x0: cx, y0: cy, x1: cx + dx!, y1: cy + dy!, r0: r, r1: r, brightness };
}

/** Draws a planned clip: anti-aliased shape (so sub-pixel motion shows) plus uniform noise, clipped to [0, 1]. */
export function drawClip(plan: ClipPlan, frames: number, side: number, noise: number, rand: () => number, out: Float32Array, offset: number): void {
  let o = offset;
  for (let t = 0; t < frames; t++) {
    const f = frames === 1 ? 0 : t / (frames - 1);
    const cx = plan.x0 + (plan.x1 - plan.x0) * f;
    const cy = plan.y0 + (plan.y1 - plan.y0) * f;
    const r = plan.r0 + (plan.r1 - plan.r0) * f;
    for (let y = 0; y < side; y++) {
      // Distances on the wrapped frame: the nearest copy of the centre.
      let dy = y - cy;
      dy -= side * Math.round(dy / side);
      for (let x = 0; x < side; x++) {
        let dx = x - cx;
        dx -= side * Math.round(dx / side);
        let a: number;
        if (plan.shape === 'disk') {
          a = r + 0.5 - Math.sqrt(dx * dx + dy * dy);
        } else {
          a = Math.min(r + 0.5 - Math.abs(dx), 1) * Math.min(r + 0.5 - Math.abs(dy), 1);
          if (r + 0.5 - Math.abs(dx) < 0 || r + 0.5 - Math.abs(dy) < 0) a = 0;
        }
        a = a < 0 ? 0 : a > 1 ? 1 : a;
        let v = a * plan.brightness + (rand() * 2 - 1) * noise;
        v = v < 0 ? 0 : v > 1 ? 1 : v;
        out[o++] = v;
      }
    }
  }
}
