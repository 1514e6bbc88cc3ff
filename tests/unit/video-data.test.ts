/**
 * The generated clips of the video experiment: the same seed gives the same clips, every
 * label is right by construction (the shape really moves that way, or really grows or
 * shrinks), the classes are balanced, and a single frame cannot tell the class while two
 * frames can.
 */
import { describe, expect, it } from 'vitest';
import { VIDEO_CLASSES } from '../../shared/ipc/video';
import { mulberry32 } from '../../shared/random';
import {
  CLASS_COUNT, GROW, MOVE_DOWN, MOVE_LEFT, MOVE_RIGHT, MOVE_UP, SHRINK, VideoDataset, drawClip, planClip,
} from '../../main/engine/experiments/video-data';

const small = (seed: number) => new VideoDataset({ frames: 8, side: 16, trainClips: 600, testClips: 300, seed });

/** Pixels of the shape in one frame: brighter than the noise can make the background (noise 0.1, shape at least 0.6). */
function shapePixels(pixels: Float32Array, frame: number, side: number): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) if (pixels[frame * side * side + y * side + x]! > 0.3) out.push({ x, y });
  }
  return out;
}

/** Mean of positions on a circle of circumference `side` (the frame wraps around). */
function circularMean(values: number[], side: number): number {
  let s = 0;
  let c = 0;
  for (const v of values) {
    s += Math.sin((2 * Math.PI * v) / side);
    c += Math.cos((2 * Math.PI * v) / side);
  }
  return ((Math.atan2(s, c) / (2 * Math.PI)) * side + side) % side;
}

/** Signed shortest step from a to b on the wrapped axis. */
function wrappedStep(a: number, b: number, side: number): number {
  let d = b - a;
  d -= side * Math.round(d / side);
  return d;
}

describe('video clips', () => {
  it('are the same for the same seed and differ for another seed', () => {
    const a = small(7);
    const b = small(7);
    const c = small(8);
    for (const i of [0, 5, 123]) {
      const ca = a.clip('train', i);
      expect(ca.pixels).toEqual(b.clip('train', i).pixels);
      expect(ca.label).toBe(b.clip('train', i).label);
      expect(ca.pixels).not.toEqual(c.clip('train', i).pixels);
    }
    // Train and test clips are different clips.
    expect(a.clip('train', 3).pixels).not.toEqual(a.clip('test', 3).pixels);
    // fill() gives the same clips as clip(), with one-hot targets.
    const x = new Float32Array(3 * a.clipSize);
    const y = new Float32Array(3 * CLASS_COUNT);
    a.fill('test', [4, 0, 9], x, y);
    expect(x.subarray(0, a.clipSize)).toEqual(a.clip('test', 4).pixels);
    expect(x.subarray(2 * a.clipSize)).toEqual(a.clip('test', 9).pixels);
    expect(Array.from(y.subarray(0, CLASS_COUNT))).toEqual(VIDEO_CLASSES.map((_, k) => (k === a.label('test', 4) ? 1 : 0)));
  });

  it('values lie in [0, 1] and frames are frames x side x side', () => {
    const ds = small(1);
    const { pixels } = ds.clip('train', 0);
    expect(pixels.length).toBe(8 * 16 * 16);
    expect(Math.min(...pixels)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...pixels)).toBeLessThanOrEqual(1);
  });

  it('draws a planned shape where it should be (checked by hand)', () => {
    // A disk of radius 2 at column 5, row 4 moving 6 pixels right over 3 frames, no noise.
    const out = new Float32Array(3 * 16 * 16);
    drawClip({ label: MOVE_RIGHT, shape: 'disk', x0: 5, y0: 4, x1: 11, y1: 4, r0: 2, r1: 2, brightness: 1 }, 3, 16, 0, mulberry32(1), out, 0);
    const at = (t: number, x: number, y: number) => out[t * 256 + y * 16 + x]!;
    expect(at(0, 5, 4)).toBe(1); // centre, first frame
    expect(at(0, 7, 4)).toBe(0.5); // on the edge: distance 2 = radius, half covered
    expect(at(0, 9, 4)).toBe(0); // outside
    expect(at(1, 8, 4)).toBe(1); // second frame: centre moved to column 8
    expect(at(1, 5, 4)).toBe(0);
    expect(at(2, 11, 4)).toBe(1);
    // The frame wraps: a square centred on column 15 covers column 0 as much as column 14.
    drawClip({ label: MOVE_RIGHT, shape: 'square', x0: 15, y0: 8, x1: 15, y1: 8, r0: 1, r1: 1, brightness: 0.8 }, 1, 16, 0, mulberry32(1), out, 0);
    expect(out[8 * 16 + 15]).toBeCloseTo(0.8);
    expect(out[8 * 16 + 14]).toBeCloseTo(0.4);
    expect(out[8 * 16 + 0]).toBeCloseTo(0.4);
    expect(out[8 * 16 + 3]).toBe(0);
  });

  it('labels are right by construction: the shape moves that way, or grows, or shrinks', () => {
    const ds = small(3);
    const side = ds.side;
    const last = ds.frames - 1;
    const seen = new Array<number>(CLASS_COUNT).fill(0);
    for (let i = 0; i < 60; i++) {
      const { pixels, label } = ds.clip('train', i);
      seen[label]!++;
      const first = shapePixels(pixels, 0, side);
      const end = shapePixels(pixels, last, side);
      expect(first.length, `clip ${i}`).toBeGreaterThan(2);
      expect(end.length, `clip ${i}`).toBeGreaterThan(2);
      const dx = wrappedStep(circularMean(first.map((p) => p.x), side), circularMean(end.map((p) => p.x), side), side);
      const dy = wrappedStep(circularMean(first.map((p) => p.y), side), circularMean(end.map((p) => p.y), side), side);
      const grew = end.length / first.length;
      const moved = 0.2 * side; // moves are 25% to 45% of the side
      const where = `clip ${i} (${VIDEO_CLASSES[label]}): dx ${dx.toFixed(1)} dy ${dy.toFixed(1)} area x${grew.toFixed(2)}`;
      switch (label) {
        case MOVE_RIGHT:
          expect(dx, where).toBeGreaterThan(moved);
          expect(Math.abs(dy), where).toBeLessThan(1);
          break;
        case MOVE_LEFT:
          expect(dx, where).toBeLessThan(-moved);
          expect(Math.abs(dy), where).toBeLessThan(1);
          break;
        case MOVE_DOWN: // row 0 is the top: down raises the row
          expect(dy, where).toBeGreaterThan(moved);
          expect(Math.abs(dx), where).toBeLessThan(1);
          break;
        case MOVE_UP:
          expect(dy, where).toBeLessThan(-moved);
          expect(Math.abs(dx), where).toBeLessThan(1);
          break;
        case GROW:
          expect(grew, where).toBeGreaterThan(1.5);
          expect(Math.hypot(dx, dy), where).toBeLessThan(1);
          break;
        case SHRINK:
          expect(grew, where).toBeLessThan(1 / 1.5);
          expect(Math.hypot(dx, dy), where).toBeLessThan(1);
          break;
        default:
          throw new Error(`label ${label}`);
      }
    }
    // Every class appeared among the clips checked.
    expect(seen.every((n) => n > 0)).toBe(true);
  });

  it('plans keep each class to its rule for any random draw', () => {
    const rand = mulberry32(11);
    for (let k = 0; k < 600; k++) {
      const label = k % CLASS_COUNT;
      const p = planClip(label, 32, rand);
      expect(p.label).toBe(label);
      if (label === GROW) expect(p.r1).toBeGreaterThan(p.r0);
      if (label === SHRINK) expect(p.r1).toBeLessThan(p.r0);
      if (label === MOVE_RIGHT) expect(p.x1 - p.x0).toBeGreaterThan(0);
      if (label === MOVE_LEFT) expect(p.x1 - p.x0).toBeLessThan(0);
      if (label === MOVE_DOWN) expect(p.y1 - p.y0).toBeGreaterThan(0);
      if (label === MOVE_UP) expect(p.y1 - p.y0).toBeLessThan(0);
      if (label <= MOVE_UP) expect(p.r0).toBe(p.r1);
      else expect([p.x0, p.y0]).toEqual([p.x1, p.y1]);
    }
  });

  it('classes are balanced in every split', () => {
    const ds = small(5);
    for (const split of ['train', 'test'] as const) {
      const counts = new Array<number>(CLASS_COUNT).fill(0);
      for (let i = 0; i < ds.count(split); i++) counts[ds.label(split, i)]!++;
      expect(counts).toEqual(new Array<number>(CLASS_COUNT).fill(ds.count(split) / CLASS_COUNT));
    }
  });

  it('a single frame cannot tell the class, two frames can (nearest neighbour)', () => {
    const ds = new VideoDataset({ frames: 8, side: 16, trainClips: 480, testClips: 180, seed: 2 });
    const n = ds.side * ds.side;
    const features = (split: 'train' | 'test', f: (c: Float32Array) => Float32Array) =>
      Array.from({ length: ds.count(split) }, (_, i) => {
        const c = ds.clip(split, i);
        return { v: f(c.pixels), label: c.label };
      });
    const nearestNeighbour = (f: (c: Float32Array) => Float32Array): number => {
      const train = features('train', f);
      const test = features('test', f);
      let right = 0;
      for (const t of test) {
        let best = Infinity;
        let label = -1;
        for (const r of train) {
          let d = 0;
          for (let k = 0; k < t.v.length; k++) d += (t.v[k]! - r.v[k]!) ** 2;
          if (d < best) {
            best = d;
            label = r.label;
          }
        }
        if (label === t.label) right++;
      }
      return right / test.length;
    };
    const chance = 1 / CLASS_COUNT;
    const frame = (t: number) => (c: Float32Array) => c.subarray(t * n, (t + 1) * n);
    // Any one frame, first, middle or last: close to chance.
    for (const t of [0, 4, 7]) expect(nearestNeighbour(frame(t)), `frame ${t}`).toBeLessThan(chance + 0.12);
    // The change between the first and last frame: far above chance.
    const change = (c: Float32Array) => Float32Array.from({ length: n }, (_, k) => c[7 * n + k]! - c[k]!);
    expect(nearestNeighbour(change)).toBeGreaterThan(0.6);
  });
});
