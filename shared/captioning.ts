/**
 * The captioning experiment's language side (issue #6), shared by the engine (data
 * generator, training, decoding), the builder's preset and the renderer: the scene
 * vocabulary (shapes, colours, relations), the caption grammar in English and Persian,
 * the token vocabulary, and the encoder-decoder graph.
 *
 * One model serves both languages: its vocabulary is the union of the two languages'
 * words plus one start token per language, so the first decoder input names the language
 * of the caption to generate (a Persian caption starts from `<start-fa>`).
 */
import { resolveParams, type Params } from './model/catalog';
import type { BuilderGraph, BuilderNode } from './model/graph';

export const SHAPES = ['circle', 'square', 'triangle'] as const;
export const COLOURS = ['red', 'green', 'blue', 'yellow'] as const;
export const RELATIONS = ['left', 'right', 'above', 'below'] as const;
export const CAPTION_LANGUAGES = ['fa', 'en'] as const;

export type ShapeName = (typeof SHAPES)[number];
export type ColourName = (typeof COLOURS)[number];
export type Relation = (typeof RELATIONS)[number];
export type CaptionLanguage = (typeof CAPTION_LANGUAGES)[number];

export interface SceneItem {
  shape: ShapeName;
  colour: ColourName;
}

/** What a caption says: `subject` stands in `relation` to `object`. */
export interface SceneDescription {
  subject: SceneItem;
  relation: Relation;
  object: SceneItem;
}

/** RGB of each colour, 0..1 (the generator paints with these; tests read them back). */
export const COLOUR_RGB: Record<ColourName, [number, number, number]> = {
  red: [0.9, 0.1, 0.1],
  green: [0.1, 0.75, 0.2],
  blue: [0.15, 0.3, 0.95],
  yellow: [0.95, 0.85, 0.1],
};

/**
 * Which of two shapes a caption names first: the one earlier in SHAPES, then in COLOURS.
 * The rule makes the caption a function of the image (without it, "A left of B" and
 * "B right of A" would describe the same picture), and all four relations still occur.
 */
export function itemOrder(a: SceneItem): number {
  return SHAPES.indexOf(a.shape) * COLOURS.length + COLOURS.indexOf(a.colour);
}

export const OPPOSITE: Record<Relation, Relation> = { left: 'right', right: 'left', above: 'below', below: 'above' };

const EN_SHAPE: Record<ShapeName, string> = { circle: 'circle', square: 'square', triangle: 'triangle' };
const EN_REL: Record<Relation, string[]> = {
  left: ['to', 'the', 'left', 'of'],
  right: ['to', 'the', 'right', 'of'],
  above: ['above'],
  below: ['below'],
};
// Persian: the noun takes the ezafe before its adjective (دایرهٔ قرمز, مربعِ آبی: the kasra
// of مربع and مثلث is not written, the ـهٔ of دایره is); «در سمت چپِ ...», «بالای ...», «زیرِ ...».
const FA_SHAPE: Record<ShapeName, string> = { circle: 'دایرهٔ', square: 'مربع', triangle: 'مثلث' };
const FA_COLOUR: Record<ColourName, string> = { red: 'قرمز', green: 'سبز', blue: 'آبی', yellow: 'زرد' };
const FA_REL: Record<Relation, string[]> = {
  left: ['در', 'سمت', 'چپ'],
  right: ['در', 'سمت', 'راست'],
  above: ['بالای'],
  below: ['زیر'],
};

/** The caption's words (no special tokens). */
export function captionWords(d: SceneDescription, lang: CaptionLanguage): string[] {
  if (lang === 'en') {
    return ['a', d.subject.colour, EN_SHAPE[d.subject.shape], ...EN_REL[d.relation], 'a', d.object.colour, EN_SHAPE[d.object.shape]];
  }
  return ['یک', FA_SHAPE[d.subject.shape], FA_COLOUR[d.subject.colour], ...FA_REL[d.relation], 'یک', FA_SHAPE[d.object.shape], FA_COLOUR[d.object.colour]];
}

/** Every word of a language, in a fixed order (the language's vocabulary without special tokens). */
function wordsOf(lang: CaptionLanguage): string[] {
  const out: string[] = [];
  const add = (w: string) => {
    if (!out.includes(w)) out.push(w);
  };
  for (const r of RELATIONS) {
    for (const s of SHAPES) for (const c of COLOURS) captionWords({ subject: { shape: s, colour: c }, relation: r, object: { shape: s, colour: c } }, lang).forEach(add);
  }
  return out;
}

export const PAD = '<pad>';
export const END = '<end>';
export const START: Record<CaptionLanguage, string> = { en: '<start-en>', fa: '<start-fa>' };

/** Each language's vocabulary: `<pad>`, `<start>`, `<end>` and its words. */
export const VOCABULARY: Record<CaptionLanguage, readonly string[]> = {
  en: [PAD, '<start>', END, ...wordsOf('en')],
  fa: [PAD, '<start>', END, ...wordsOf('fa')],
};

/** The model's tokens: pad 0, end 1, the two start tokens, then the English and the Persian words. */
export const MODEL_TOKENS: readonly string[] = [PAD, END, START.en, START.fa, ...wordsOf('en'), ...wordsOf('fa')];
export const PAD_ID = 0;
export const END_ID = 1;
export const START_ID: Record<CaptionLanguage, number> = { en: 2, fa: 3 };
const TOKEN_ID = new Map(MODEL_TOKENS.map((t, i) => [t, i]));

/** Longest caption in words (English "to the left of" ones: 10). */
export const MAX_CAPTION_WORDS = Math.max(
  ...CAPTION_LANGUAGES.flatMap((l) => RELATIONS.map((r) => captionWords({ subject: { shape: 'circle', colour: 'red' }, relation: r, object: { shape: 'circle', colour: 'red' } }, l).length)),
);
/** Decoder length: `<start>` plus the longest caption (targets: the words plus `<end>`). */
export const CAPTION_STEPS = MAX_CAPTION_WORDS + 1;

export function tokenId(word: string): number {
  const id = TOKEN_ID.get(word);
  if (id === undefined) throw new Error(`unknown caption word ${word}`);
  return id;
}

/** Teacher-forcing pair of one caption: decoder input and target, both CAPTION_STEPS long, padded with 0. */
export function encodeCaption(words: readonly string[], lang: CaptionLanguage): { input: number[]; target: number[] } {
  const ids = words.map(tokenId);
  const input = [START_ID[lang], ...ids];
  const target = [...ids, END_ID];
  while (input.length < CAPTION_STEPS) input.push(PAD_ID);
  while (target.length < CAPTION_STEPS) target.push(PAD_ID);
  return { input: input.slice(0, CAPTION_STEPS), target: target.slice(0, CAPTION_STEPS) };
}

/** Model ids back to words, stopping at `<end>` (special tokens dropped). */
export function decodeIds(ids: readonly number[]): string[] {
  const out: string[] = [];
  for (const id of ids) {
    if (id === END_ID) break;
    if (id >= 4) out.push(MODEL_TOKENS[id]!);
  }
  return out;
}

// ---------------------------------------------------------------- the model

export interface CaptionerSize {
  /** Image side in pixels (square RGB images). */
  image: number;
  conv1: number;
  conv2: number;
  /** Length of the image feature vector the decoder sees at every step. */
  feature: number;
  embed: number;
  units: number;
}

export const DEFAULT_CAPTIONER: CaptionerSize = { image: 32, conv1: 16, conv2: 32, feature: 64, embed: 32, units: 96 };

/** Layer names the engine relies on for greedy and beam decoding. */
export const CAPTIONER_LAYERS = {
  image: 'image', tokens: 'tokens', feature: 'image_feature', repeat: 'repeat_feature',
  embed: 'word_embedding', join: 'join', gru: 'decoder_gru', words: 'next_word',
} as const;

/**
 * The captioner: a CNN encoder (Conv2D, pooling, Conv2D, pooling, Dense) whose feature vector
 * is repeated along the caption and concatenated with each word's embedding, a GRU over the
 * caption (return_sequences), and a softmax over the vocabulary at every step.
 */
export function captionerGraph(size: CaptionerSize = DEFAULT_CAPTIONER, vocab = MODEL_TOKENS.length, steps = CAPTION_STEPS): BuilderGraph {
  const L = CAPTIONER_LAYERS;
  const n = (id: string, block: string, params: Params = {}, name?: string, wrapped?: [string, Params]): BuilderNode => ({
    id, block, params: resolveParams(block, params), ...(name ? { name } : {}),
    ...(wrapped ? { wrapped: { block: wrapped[0], params: resolveParams(wrapped[0], wrapped[1]) } } : {}),
  });
  return {
    name: 'captioner',
    nodes: [
      n('image', 'input_image', { height: size.image, width: size.image, channels: 3 }, L.image),
      n('conv', 'conv2d', { filters: size.conv1, kernel_size: [3, 3], activation: 'relu' }),
      n('pool', 'max_pooling2d', { pool_size: [2, 2] }),
      n('conv2', 'conv2d', { filters: size.conv2, kernel_size: [3, 3], activation: 'relu' }),
      n('pool2', 'max_pooling2d', { pool_size: [2, 2] }),
      n('flat', 'flatten'),
      n('feat', 'dense', { units: size.feature, activation: 'relu' }, L.feature),
      n('repeat', 'repeat_vector', { n: steps }, L.repeat),
      n('tokens', 'input_tokens', { length: steps }, L.tokens),
      n('embed', 'embedding', { input_dim: vocab, output_dim: size.embed }, L.embed),
      n('join', 'concatenate', { axis: -1 }, L.join),
      n('gru', 'gru', { units: size.units, return_sequences: true }, L.gru),
      n('words', 'time_distributed', {}, L.words, ['dense', { units: vocab, activation: 'softmax' }]),
    ],
    edges: [
      { id: 'e1', source: 'image', target: 'conv' },
      { id: 'e2', source: 'conv', target: 'pool' },
      { id: 'e3', source: 'pool', target: 'conv2' },
      { id: 'e4', source: 'conv2', target: 'pool2' },
      { id: 'e5', source: 'pool2', target: 'flat' },
      { id: 'e6', source: 'flat', target: 'feat' },
      { id: 'e7', source: 'feat', target: 'repeat' },
      { id: 'e8', source: 'tokens', target: 'embed' },
      { id: 'e9', source: 'embed', target: 'join', targetIndex: 0 },
      { id: 'e10', source: 'repeat', target: 'join', targetIndex: 1 },
      { id: 'e11', source: 'join', target: 'gru' },
      { id: 'e12', source: 'gru', target: 'words' },
    ],
  };
}
