/**
 * The captioning experiment's generated dataset (issue #6): small RGB images of two coloured
 * shapes (circle, square, triangle in red, green, blue, yellow), side by side in a row or one
 * above the other in a column of a 3x3 grid of cells, each with a caption in English and in
 * Persian that is right by construction (the scene is drawn from its description).
 *
 * Deterministic for a seed (mulberry32). Held-out images never repeat a training image
 * exactly (same shapes, colours, cells and pixel offsets).
 */
import {
  COLOURS, COLOUR_RGB, OPPOSITE, SHAPES, captionWords, itemOrder,
  type CaptionLanguage, type ColourName, type Relation, type SceneDescription, type SceneItem, type ShapeName,
} from '../../../shared/captioning';
import { mulberry32 } from '../../../shared/random';

/** One shape placed in the 3x3 grid of cells (col, row from the top-left), with a pixel offset. */
export interface PlacedShape extends SceneItem {
  col: number;
  row: number;
  dx?: number;
  dy?: number;
}

export interface CaptionSample {
  shapes: [PlacedShape, PlacedShape];
  description: SceneDescription;
  captions: Record<CaptionLanguage, string[]>;
  /** Identity of the picture (shapes, colours, cells, offsets), used to keep held-out images unseen. */
  key: string;
}

export interface CaptionSet {
  /** Image side in pixels. */
  size: number;
  /** count x size x size x 3, row-major, channels last, values 0..1. */
  images: Float32Array;
  samples: CaptionSample[];
}

export const BACKGROUND = 0.06;
const NOISE = 0.04;

/** Pixel centre of a grid cell along one axis. */
export function cellCentre(index: number, size: number): number {
  return Math.round((size * (2 * index + 1)) / 6);
}

/** Radius of the shapes (a circle's radius; squares and triangles have about the same area). */
export function shapeRadius(size: number): number {
  return Math.max(2, Math.round(size / 8));
}

/** Whether pixel (x, y) lies inside a shape centred at (cx, cy) with radius r. */
export function inside(shape: ShapeName, x: number, y: number, cx: number, cy: number, r: number): boolean {
  const dx = x - cx;
  const dy = y - cy;
  if (shape === 'circle') return dx * dx + dy * dy <= r * r;
  if (shape === 'square') return Math.abs(dx) <= r - 1 && Math.abs(dy) <= r - 1;
  // Triangle pointing up: apex row cy - r, base row cy + r - 1 with half-width r.
  if (dy < -r || dy > r - 1) return false;
  const half = ((dy + r) * r) / (2 * r - 1);
  return Math.abs(dx) <= half + 1e-9;
}

/** Centre of a placed shape in pixels. */
export function shapeCentre(s: PlacedShape, size: number): { x: number; y: number } {
  return { x: cellCentre(s.col, size) + (s.dx ?? 0), y: cellCentre(s.row, size) + (s.dy ?? 0) };
}

/**
 * Draws shapes onto `out` (size x size x 3) at `offset`: a dark background, each shape in its
 * colour, light uniform noise from `rand` when given (none without it).
 */
export function renderScene(shapes: readonly PlacedShape[], size: number, out = new Float32Array(size * size * 3), offset = 0, rand?: () => number): Float32Array {
  const r = shapeRadius(size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let rgb: readonly number[] = [BACKGROUND, BACKGROUND, BACKGROUND];
      for (const s of shapes) {
        const c = shapeCentre(s, size);
        if (inside(s.shape, x, y, c.x, c.y, r)) rgb = COLOUR_RGB[s.colour];
      }
      const o = offset + (y * size + x) * 3;
      for (let k = 0; k < 3; k++) {
        const v = rgb[k]! + (rand ? (rand() * 2 - 1) * NOISE : 0);
        out[o + k] = Math.min(1, Math.max(0, v));
      }
    }
  }
  return out;
}

/**
 * The description of two shapes, when they share a row or a column (else null: no relation
 * of the four holds without doubt). The subject is the shape earlier in the fixed order
 * (circle, square, triangle; then red, green, blue, yellow).
 */
export function describe(a: PlacedShape, b: PlacedShape): SceneDescription | null {
  if (a.shape === b.shape && a.colour === b.colour) return null;
  const [subject, object] = itemOrder(a) <= itemOrder(b) ? [a, b] : [b, a];
  let relation: Relation;
  if (subject.row === object.row && subject.col !== object.col) relation = subject.col < object.col ? 'left' : 'right';
  else if (subject.col === object.col && subject.row !== object.row) relation = subject.row < object.row ? 'above' : 'below';
  else return null;
  return { subject: { shape: subject.shape, colour: subject.colour }, relation, object: { shape: object.shape, colour: object.colour } };
}

function keyOf(shapes: readonly PlacedShape[]): string {
  return shapes.map((s) => `${s.shape}.${s.colour}.${s.col}.${s.row}.${s.dx ?? 0}.${s.dy ?? 0}`).join('|');
}

function pick<T>(list: readonly T[], rand: () => number): T {
  return list[Math.floor(rand() * list.length)]!;
}

/** One random scene: two different coloured shapes in one row or one column. */
export function randomScene(rand: () => number): [PlacedShape, PlacedShape] {
  const item = (): SceneItem => ({ shape: pick(SHAPES, rand) as ShapeName, colour: pick(COLOURS, rand) as ColourName });
  const a = item();
  let b = item();
  while (a.shape === b.shape && a.colour === b.colour) b = item();
  const line = Math.floor(rand() * 3);
  const first = Math.floor(rand() * 3);
  let second = Math.floor(rand() * 2);
  if (second >= first) second++;
  const horizontal = rand() < 0.5;
  const jitter = () => Math.floor(rand() * 3) - 1;
  const place = (s: SceneItem, along: number): PlacedShape =>
    horizontal ? { ...s, col: along, row: line, dx: jitter(), dy: jitter() } : { ...s, col: line, row: along, dx: jitter(), dy: jitter() };
  return [place(a, first), place(b, second)];
}

/** A sample's captions in both languages. */
export function captionsOf(d: SceneDescription): Record<CaptionLanguage, string[]> {
  return { en: captionWords(d, 'en'), fa: captionWords(d, 'fa') };
}

/**
 * `count` samples from `seed`. Scenes whose key is in `exclude` are drawn again (so a
 * held-out set can avoid every training picture); `seen` collects the keys produced.
 */
export function generateCaptionSet(count: number, seed: number, opts: { size?: number; exclude?: ReadonlySet<string> } = {}): CaptionSet {
  const size = opts.size ?? 32;
  const rand = mulberry32(seed);
  const images = new Float32Array(count * size * size * 3);
  const samples: CaptionSample[] = [];
  for (let i = 0; i < count; i++) {
    let shapes = randomScene(rand);
    for (let tries = 0; opts.exclude?.has(keyOf(shapes)) && tries < 1000; tries++) shapes = randomScene(rand);
    const description = describe(shapes[0], shapes[1])!;
    renderScene(shapes, size, images, i * size * size * 3, rand);
    samples.push({ shapes, description, captions: captionsOf(description), key: keyOf(shapes) });
  }
  return { size, images, samples };
}

/** Training and held-out sets from one seed; no held-out picture equals a training one. */
export function generateCaptionData(trainCount: number, testCount: number, seed: number, size = 32): { train: CaptionSet; test: CaptionSet } {
  const train = generateCaptionSet(trainCount, seed, { size });
  const test = generateCaptionSet(testCount, (seed ^ 0x5bd1e995) >>> 0, { size, exclude: new Set(train.samples.map((s) => s.key)) });
  return { train, test };
}

/** The relation as seen from the other shape (for tests and explanations). */
export function flipped(d: SceneDescription): SceneDescription {
  return { subject: d.object, relation: OPPOSITE[d.relation], object: d.subject };
}
