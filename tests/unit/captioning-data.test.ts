/**
 * The captioning dataset (issue #6): the generator repeats exactly for a seed, every caption is
 * right by construction (checked against the pixels: the colour at each shape's centre, the shape
 * read from two probe pixels, the relation from the centres, the naming order), a few captions
 * are checked word for word by hand in both languages, and the vocabularies hold every word.
 */
import { describe, expect, it } from 'vitest';
import {
  CAPTION_STEPS, COLOURS, COLOUR_RGB, END_ID, MODEL_TOKENS, PAD_ID, START_ID, VOCABULARY, captionWords, decodeIds, encodeCaption, itemOrder,
  type ColourName, type ShapeName,
} from '../../shared/captioning';
import {
  BACKGROUND, cellCentre, describe as describeScene, generateCaptionData, generateCaptionSet, renderScene, shapeCentre, shapeRadius, type PlacedShape,
} from '../../main/engine/experiments/captioning-data';

const S = 32;

function pixel(img: Float32Array, offset: number, x: number, y: number): [number, number, number] {
  const o = offset + (y * S + x) * 3;
  return [img[o]!, img[o + 1]!, img[o + 2]!];
}

function nearestColour(rgb: [number, number, number]): ColourName | 'background' {
  let best: ColourName | 'background' = 'background';
  let bestD = rgb.reduce((a, v) => a + (v - BACKGROUND) ** 2, 0);
  for (const c of COLOURS) {
    const d = rgb.reduce((a, v, k) => a + (v - COLOUR_RGB[c][k]!) ** 2, 0);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/**
 * The shape at a centre, from two probe pixels: (+r-1, +r-1) lies in a square and a triangle
 * but outside a circle; (-r/2, -r+1) lies in a circle and a square but outside a triangle.
 */
function readShape(img: Float32Array, offset: number, cx: number, cy: number, colour: ColourName): ShapeName {
  const r = shapeRadius(S);
  const corner = nearestColour(pixel(img, offset, cx + r - 1, cy + r - 1)) === colour;
  const upperLeft = nearestColour(pixel(img, offset, cx - r / 2, cy - r + 1)) === colour;
  if (corner && upperLeft) return 'square';
  return corner ? 'triangle' : 'circle';
}

describe('captioning data generator', () => {
  it('repeats exactly for a seed and differs for another', () => {
    const a = generateCaptionSet(40, 7);
    const b = generateCaptionSet(40, 7);
    const c = generateCaptionSet(40, 8);
    expect(a.images).toEqual(b.images);
    expect(a.samples).toEqual(b.samples);
    expect(a.samples.map((s) => s.key)).not.toEqual(c.samples.map((s) => s.key));
  });

  it('draws what the caption says: colours and shapes at the centres, relation and order from the positions', () => {
    const set = generateCaptionSet(60, 3);
    const relations = new Set<string>();
    set.samples.forEach((s, i) => {
      const offset = i * S * S * 3;
      const [subject, object] = itemOrder(s.shapes[0]) <= itemOrder(s.shapes[1]) ? s.shapes : [s.shapes[1], s.shapes[0]];
      for (const shape of [subject, object]) {
        const c = shapeCentre(shape, S);
        expect(nearestColour(pixel(set.images, offset, c.x, c.y))).toBe(shape.colour);
        expect(readShape(set.images, offset, c.x, c.y, shape.colour)).toBe(shape.shape);
      }
      const a = shapeCentre(subject, S);
      const b = shapeCentre(object, S);
      const d = s.description;
      expect(d.subject).toEqual({ shape: subject.shape, colour: subject.colour });
      expect(d.object).toEqual({ shape: object.shape, colour: object.colour });
      relations.add(d.relation);
      if (d.relation === 'left') expect(a.x).toBeLessThan(b.x - 6);
      if (d.relation === 'right') expect(a.x).toBeGreaterThan(b.x + 6);
      if (d.relation === 'above') expect(a.y).toBeLessThan(b.y - 6);
      if (d.relation === 'below') expect(a.y).toBeGreaterThan(b.y + 6);
      if (d.relation === 'left' || d.relation === 'right') expect(Math.abs(a.y - b.y)).toBeLessThanOrEqual(2);
      else expect(Math.abs(a.x - b.x)).toBeLessThanOrEqual(2);
      expect(s.captions.en).toEqual(captionWords(d, 'en'));
      expect(s.captions.fa).toEqual(captionWords(d, 'fa'));
      // a corner of the image is background
      expect(nearestColour(pixel(set.images, offset, 0, 0))).toBe('background');
    });
    expect([...relations].sort()).toEqual(['above', 'below', 'left', 'right']);
  });

  it('captions hand-placed scenes correctly in English and Persian', () => {
    const scene = (shapes: PlacedShape[]) => describeScene(shapes[0]!, shapes[1]!)!;
    const d1 = scene([{ shape: 'circle', colour: 'red', col: 0, row: 1 }, { shape: 'square', colour: 'blue', col: 2, row: 1 }]);
    expect(captionWords(d1, 'en').join(' ')).toBe('a red circle to the left of a blue square');
    expect(captionWords(d1, 'fa').join(' ')).toBe('یک دایرهٔ قرمز در سمت چپ یک مربع آبی');
    // The circle is named first (circle before square), so the relation is seen from it.
    const d2 = scene([{ shape: 'square', colour: 'green', col: 1, row: 0 }, { shape: 'circle', colour: 'yellow', col: 1, row: 2 }]);
    expect(captionWords(d2, 'en').join(' ')).toBe('a yellow circle below a green square');
    expect(captionWords(d2, 'fa').join(' ')).toBe('یک دایرهٔ زرد زیر یک مربع سبز');
    const d3 = scene([{ shape: 'triangle', colour: 'blue', col: 2, row: 2 }, { shape: 'triangle', colour: 'red', col: 0, row: 2 }]);
    expect(captionWords(d3, 'en').join(' ')).toBe('a red triangle to the left of a blue triangle');
    const d4 = scene([{ shape: 'triangle', colour: 'green', col: 0, row: 0 }, { shape: 'square', colour: 'yellow', col: 0, row: 1 }]);
    expect(captionWords(d4, 'en').join(' ')).toBe('a yellow square below a green triangle');
    expect(captionWords(d4, 'fa').join(' ')).toBe('یک مربع زرد زیر یک مثلث سبز');
    const d5 = scene([{ shape: 'circle', colour: 'green', col: 2, row: 0 }, { shape: 'triangle', colour: 'yellow', col: 1, row: 0 }]);
    expect(captionWords(d5, 'fa').join(' ')).toBe('یک دایرهٔ سبز در سمت راست یک مثلث زرد');
    // No relation without a shared row or column, and none between two identical shapes.
    expect(describeScene({ shape: 'circle', colour: 'red', col: 0, row: 0 }, { shape: 'square', colour: 'red', col: 1, row: 1 })).toBeNull();
    expect(describeScene({ shape: 'circle', colour: 'red', col: 0, row: 0 }, { shape: 'circle', colour: 'red', col: 1, row: 0 })).toBeNull();
    // The rendered scene has the red circle at the left cell's centre and the blue square at the right one.
    const img = renderScene([{ shape: 'circle', colour: 'red', col: 0, row: 1 }, { shape: 'square', colour: 'blue', col: 2, row: 1 }], S);
    expect(nearestColour(pixel(img, 0, cellCentre(0, S), cellCentre(1, S)))).toBe('red');
    expect(nearestColour(pixel(img, 0, cellCentre(2, S), cellCentre(1, S)))).toBe('blue');
    expect(nearestColour(pixel(img, 0, cellCentre(1, S), cellCentre(1, S)))).toBe('background');
  });

  it('keeps held-out images apart from the training images', () => {
    const { train, test } = generateCaptionData(300, 100, 11);
    const keys = new Set(train.samples.map((s) => s.key));
    expect(test.samples.every((s) => !keys.has(s.key))).toBe(true);
    expect(test.samples.length).toBe(100);
  });
});

describe('captioning vocabulary', () => {
  it('each language has <pad>, <start>, <end> and every word its captions use', () => {
    const set = generateCaptionSet(200, 5);
    for (const lang of ['en', 'fa'] as const) {
      const vocab = VOCABULARY[lang];
      expect(vocab.slice(0, 3)).toEqual(['<pad>', '<start>', '<end>']);
      expect(new Set(vocab).size).toBe(vocab.length);
      for (const s of set.samples) for (const w of s.captions[lang]) expect(vocab).toContain(w);
    }
    expect(VOCABULARY.fa.slice(3).every((w) => /^[\u0600-\u06FF\u200c]+$/.test(w))).toBe(true);
    expect(VOCABULARY.en.slice(3).every((w) => /^[a-z]+$/.test(w))).toBe(true);
    expect(VOCABULARY.en).toEqual(expect.arrayContaining(['red', 'green', 'blue', 'yellow', 'circle', 'square', 'triangle', 'left', 'right', 'above', 'below']));
    expect(new Set(MODEL_TOKENS).size).toBe(MODEL_TOKENS.length);
    expect(MODEL_TOKENS.length).toBe(4 + VOCABULARY.en.length - 3 + VOCABULARY.fa.length - 3);
  });

  it('encodes a caption for teacher forcing (input shifted right of the target) and decodes it back', () => {
    const words = ['a', 'red', 'circle', 'above', 'a', 'blue', 'square'];
    const { input, target } = encodeCaption(words, 'en');
    expect(input.length).toBe(CAPTION_STEPS);
    expect(target.length).toBe(CAPTION_STEPS);
    expect(input[0]).toBe(START_ID.en);
    expect(input.slice(1, 8)).toEqual(target.slice(0, 7));
    expect(target[7]).toBe(END_ID);
    expect(target.slice(8).every((t) => t === PAD_ID)).toBe(true);
    expect(decodeIds(target)).toEqual(words);
    const fa = captionWords({ subject: { shape: 'triangle', colour: 'green' }, relation: 'right', object: { shape: 'square', colour: 'red' } }, 'fa');
    expect(encodeCaption(fa, 'fa').input[0]).toBe(START_ID.fa);
    expect(decodeIds(encodeCaption(fa, 'fa').target)).toEqual(fa);
  });
});
