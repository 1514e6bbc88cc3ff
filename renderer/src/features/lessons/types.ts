/**
 * Lesson content model: typed data, both languages side by side. The React view only renders it.
 *
 * Inline markup inside any bilingual text (kept deliberately small):
 *   $...$    inline TeX, rendered with KaTeX in a left-to-right island
 *   `...`    code (layer names, arguments), rendered left to right
 */

/** A text in both languages. Persian uses Persian digits where people read numbers. */
export interface Bi {
  en: string;
  fa: string;
}

/** Preset ids of the model builder (exact strings owned by the model-builder core). */
export const PRESET_IDS = [
  'gru',
  'stacked-gru',
  'bidirectional-gru',
  'conv1d-6.47',
  'conv1d-gru-6.49',
  'video-cnn-lstm',
  'video-conv3d',
  'video-convlstm',
  'captioning',
  'dense-autoencoder',
] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export const DIAGRAM_IDS = [
  'rnn-unrolled',
  'gru-cell',
  'bidirectional',
  'stacked',
  'conv1d',
  'conv-gru',
  'captioning',
  'video',
  'representation',
  'layerwise-pretraining',
] as const;
export type DiagramId = (typeof DIAGRAM_IDS)[number];

export type Section =
  | { kind: 'heading'; text: Bi }
  | { kind: 'paragraph'; text: Bi }
  | { kind: 'formula'; tex: string; caption?: Bi }
  | { kind: 'list'; ordered?: boolean; items: Bi[] }
  | { kind: 'diagram'; id: DiagramId; caption: Bi }
  | { kind: 'callout'; tone: 'info' | 'warning' | 'history'; title?: Bi; text: Bi }
  /** comparison: the book's comparison (Experiments) trains this lesson's model beside the others. */
  | { kind: 'experiment'; presetId: PresetId; title: Bi; steps: Bi[]; observe: Bi[]; comparison?: boolean }
  | { kind: 'gate-explorer'; caption: Bi };

export interface LessonPreset {
  id: PresetId;
  label: Bi;
}

export interface Lesson {
  /** Stable id (used in URLs/state). */
  id: string;
  number: number;
  title: Bi;
  summary: Bi;
  /** "Open in builder" buttons, the first is the lesson's main model. */
  presets: LessonPreset[];
  /** Glossary ids of the terms this lesson uses (each must exist in the glossary). */
  terms: string[];
  sections: Section[];
}

export interface GlossaryEntry {
  id: string;
  term: Bi;
  definition: Bi;
}
