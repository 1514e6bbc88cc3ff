// Lessons content: both languages everywhere, formulas that KaTeX renders, known preset ids,
// a complete bilingual glossary, matching UI string files, Persian typography, and the
// diagrams / page rendering in both directions.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import katex from 'katex';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { createInstance, type i18n as I18n } from 'i18next';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { LESSONS } from '../../renderer/src/features/lessons/content';
import { GLOSSARY } from '../../renderer/src/features/lessons/glossary-data';
import { DIAGRAM_IDS, PRESET_IDS, type Bi, type Section } from '../../renderer/src/features/lessons/types';
import { parseInline } from '../../renderer/src/features/lessons/markup';
import { Diagram, MIRRORED_IN_RTL } from '../../renderer/src/features/lessons/diagrams';
import { LessonsPage } from '../../renderer/src/features/lessons/LessonsPage';
import { GateExplorer, randomGru, syntheticWindow } from '../../renderer/src/features/lessons/GateExplorer';
import { toPersianDigits } from '../../shared/views/format';
import { gruSteps } from '../../shared/gru';

const ROOT = join(__dirname, '..', '..');
const LESSONS_DIR = join(ROOT, 'renderer/src/features/lessons');
const enJson = JSON.parse(readFileSync(join(ROOT, 'renderer/src/i18n/locales/en/lessons.json'), 'utf8')) as Record<string, unknown>;
const faJson = JSON.parse(readFileSync(join(ROOT, 'renderer/src/i18n/locales/fa/lessons.json'), 'utf8')) as Record<string, unknown>;

/** The other engineer's preset ids, spelled out here so a typo in types.ts is caught too. */
const KNOWN_PRESETS = ['gru', 'stacked-gru', 'bidirectional-gru', 'conv1d-6.47', 'conv1d-gru-6.49', 'video-cnn-lstm', 'video-conv3d', 'video-convlstm', 'captioning', 'dense-autoencoder'];

function isBi(x: unknown): x is Bi {
  return typeof x === 'object' && x !== null && 'en' in x && 'fa' in x;
}

/** Every bilingual text inside a value, with a path for messages. */
function collectBi(value: unknown, path: string, out: { path: string; bi: Bi }[] = []): { path: string; bi: Bi }[] {
  if (isBi(value)) out.push({ path, bi: value });
  else if (Array.isArray(value)) value.forEach((v, i) => collectBi(v, `${path}[${i}]`, out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) collectBi(v, `${path}.${k}`, out);
  return out;
}

function flatten(obj: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'object' && v !== null) Object.assign(out, flatten(v as Record<string, unknown>, key));
    else out[key] = String(v);
  }
  return out;
}

const allLessonTexts = LESSONS.flatMap((l) => collectBi(l, `lesson ${l.id}`));
const allGlossaryTexts = GLOSSARY.flatMap((g) => collectBi(g, `glossary ${g.id}`));
const allTexts = [...allLessonTexts, ...allGlossaryTexts];

/** Persian text with math, code and Latin-script tokens (Conv1D, 3D, LSTM) removed. */
function persianProse(s: string): string {
  return parseInline(s)
    .filter((t) => t.kind === 'text')
    .map((t) => t.value)
    .join(' ')
    .replace(/[A-Za-z0-9_.\-/]*[A-Za-z][A-Za-z0-9_.\-/]*/g, ' ');
}

async function makeI18n(lng: 'en' | 'fa', missing: string[]): Promise<I18n> {
  const inst = createInstance();
  await inst.use(initReactI18next).init({
    lng,
    fallbackLng: false,
    ns: ['lessons'],
    defaultNS: 'lessons',
    resources: { en: { lessons: enJson }, fa: { lessons: faJson } },
    interpolation: { escapeValue: false },
    saveMissing: true,
    missingKeyHandler: (_lngs, ns, key) => missing.push(`${ns}:${key}`),
  });
  return inst;
}

describe('lesson content', () => {
  it('has the nine lessons of the course, in order, with unique ids', () => {
    expect(LESSONS.map((l) => l.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
  });

  it('has both languages, non-empty, for every title, summary, preset label and section', () => {
    for (const l of LESSONS) {
      for (const bi of [l.title, l.summary, ...l.presets.map((p) => p.label)]) {
        expect(bi.en.trim(), `${l.id}`).not.toBe('');
        expect(bi.fa.trim(), `${l.id}`).not.toBe('');
      }
      l.sections.forEach((s: Section, i) => {
        const texts = collectBi(s, `${l.id}.sections[${i}]`);
        if (s.kind !== 'formula') expect(texts.length, `${l.id} section ${i} (${s.kind}) has no text`).toBeGreaterThan(0);
        if (s.kind === 'list') expect(s.items.length).toBeGreaterThan(0);
        if (s.kind === 'experiment') {
          expect(s.steps.length, `${l.id} experiment steps`).toBeGreaterThan(0);
          expect(s.observe.length, `${l.id} experiment observations`).toBeGreaterThan(0);
        }
        for (const { path, bi } of texts) {
          expect(typeof bi.en === 'string' && bi.en.trim().length > 0, `${path}.en`).toBe(true);
          expect(typeof bi.fa === 'string' && bi.fa.trim().length > 0, `${path}.fa`).toBe(true);
        }
      });
    }
  });

  it('teaches: every lesson has several paragraphs, a diagram, an experiment and an "open in builder" preset', () => {
    for (const l of LESSONS) {
      const kinds = l.sections.map((s) => s.kind);
      expect(kinds.filter((k) => k === 'paragraph').length, l.id).toBeGreaterThanOrEqual(3);
      expect(kinds, l.id).toContain('diagram');
      expect(kinds, l.id).toContain('experiment');
      expect(l.presets.length, l.id).toBeGreaterThan(0);
      const words = allLessonTexts.filter((t) => t.path.startsWith(`lesson ${l.id}`)).reduce((n, t) => n + t.bi.en.split(/\s+/).length, 0);
      expect(words, `${l.id} is too short to teach`).toBeGreaterThan(450);
    }
  });

  it('lesson 1 typesets the four GRU equations and embeds the gate explorer', () => {
    const gru = LESSONS[0]!;
    const tex = gru.sections.flatMap((s) => (s.kind === 'formula' ? [s.tex] : [])).join('\n');
    expect(tex).toContain(String.raw`\tilde{h}_t = \tanh`);
    expect(tex).toContain(String.raw`h_t = u_t \odot \tilde{h}_t + (1 - u_t) \odot h_{t-1}`);
    expect(tex).toContain('u_t = \\sigma');
    expect(tex).toContain('r_t = \\sigma');
    expect(tex).toContain('u_t = 1 - z_t');
    expect(gru.sections.some((s) => s.kind === 'gate-explorer')).toBe(true);
  });

  it('renders every display formula with KaTeX (throwOnError: true)', () => {
    let n = 0;
    for (const l of LESSONS) {
      for (const s of l.sections) {
        if (s.kind !== 'formula') continue;
        expect(() => katex.renderToString(s.tex, { throwOnError: true, displayMode: true }), `${l.id}: ${s.tex}`).not.toThrow();
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(15);
  });

  it('renders every inline $…$ formula with KaTeX, in both languages, and the TeX is the same in both', () => {
    const mismatched: string[] = [];
    for (const { path, bi } of allTexts) {
      const mathEn = parseInline(bi.en).filter((t) => t.kind === 'math').map((t) => t.value);
      const mathFa = parseInline(bi.fa).filter((t) => t.kind === 'math').map((t) => t.value);
      for (const tex of [...mathEn, ...mathFa]) {
        expect(() => katex.renderToString(tex, { throwOnError: true, displayMode: false }), `${path}: ${tex}`).not.toThrow();
      }
      if (JSON.stringify([...mathFa].sort()) !== JSON.stringify([...mathEn].sort())) mismatched.push(`${path}: en ${JSON.stringify(mathEn)} fa ${JSON.stringify(mathFa)}`);
      expect(bi.en.split('$').length % 2, `${path}.en: unbalanced $`).toBe(1);
      expect(bi.fa.split('$').length % 2, `${path}.fa: unbalanced $`).toBe(1);
    }
    expect(mismatched).toEqual([]);
  });

  it('contains no control characters (a "\\t" in "\\tilde" written in a plain string becomes a TAB)', () => {
    for (const { path, bi } of allTexts) {
      expect(/[\u0000-\u0008\u000b-\u001f]/.test(bi.en), `${path}.en`).toBe(false);
      expect(/[\u0000-\u0008\u000b-\u001f]/.test(bi.fa), `${path}.fa`).toBe(false);
    }
    for (const l of LESSONS) for (const s of l.sections) if (s.kind === 'formula') expect(/[\u0000-\u001f]/.test(s.tex)).toBe(false);
  });

  it('uses only the model builder\'s preset ids', () => {
    expect([...PRESET_IDS]).toEqual(KNOWN_PRESETS);
    const used = LESSONS.flatMap((l) => [...l.presets.map((p) => p.id), ...l.sections.flatMap((s) => (s.kind === 'experiment' ? [s.presetId] : []))]);
    for (const id of used) expect(KNOWN_PRESETS, id).toContain(id);
    // Every preset of the list is reachable from some lesson.
    for (const id of KNOWN_PRESETS) expect(used, id).toContain(id);
  });

  it('uses only known diagram ids', () => {
    for (const l of LESSONS) for (const s of l.sections) if (s.kind === 'diagram') expect(DIAGRAM_IDS).toContain(s.id);
  });
});

describe('Persian typography', () => {
  it('writes Persian digits in Persian prose (ASCII digits only inside formulas, code and Latin terms)', () => {
    for (const { path, bi } of allTexts) {
      const prose = persianProse(bi.fa);
      expect(/[0-9]/.test(prose), `${path}.fa: ASCII digit in «${prose.match(/.{0,20}[0-9].{0,20}/)?.[0]}»`).toBe(false);
      if (bi.fa !== bi.en) expect(/[\u0600-\u06ff]/.test(bi.fa), `${path}.fa has no Persian letters`).toBe(true);
    }
  });

  it('joins the «می/نمی» prefix with a ZWNJ, not a space', () => {
    for (const { path, bi } of allTexts) {
      expect(/(^|[\s\u00ab(])(ن?می) /.test(bi.fa), `${path}.fa: «می » needs a ZWNJ`).toBe(false);
      expect(/ (ها|های|هایی|تر|ترین) /.test(bi.fa), `${path}.fa: suffix written with a space`).toBe(false);
      expect(/\u200c\u200c|\u200c | \u200c/.test(bi.fa), `${path}.fa: stray ZWNJ`).toBe(false);
    }
  });

  it('converts digits for numbers people read', () => {
    expect(toPersianDigits('0.29')).toBe('۰٫۲۹');
    expect(toPersianDigits('24')).toBe('۲۴');
  });
});

describe('glossary', () => {
  it('has a Persian and an English term and a definition in both languages for every entry', () => {
    expect(new Set(GLOSSARY.map((g) => g.id)).size).toBe(GLOSSARY.length);
    for (const g of GLOSSARY) {
      expect(g.term.en.trim(), g.id).not.toBe('');
      expect(g.term.fa.trim(), g.id).not.toBe('');
      expect(g.definition.en.trim(), g.id).not.toBe('');
      expect(g.definition.fa.trim(), g.id).not.toBe('');
      expect(/[\u0600-\u06ff]/.test(g.term.fa) || /^[A-Za-z-]+$/.test(g.term.fa), `${g.id}: Persian term`).toBe(true);
    }
  });

  it('defines every term a lesson uses', () => {
    const ids = new Set(GLOSSARY.map((g) => g.id));
    for (const l of LESSONS) {
      expect(l.terms.length, l.id).toBeGreaterThan(5);
      for (const term of l.terms) expect(ids.has(term), `${l.id} uses undefined term ${term}`).toBe(true);
    }
  });
});

describe('UI strings (lessons.json)', () => {
  const en = flatten(enJson);
  const fa = flatten(faJson);

  it('has every key in both languages, none empty, with the same interpolation variables', () => {
    expect(Object.keys(fa).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries(en)) {
      expect(v.trim(), `en ${k}`).not.toBe('');
      expect(fa[k]!.trim(), `fa ${k}`).not.toBe('');
      const vars = (s: string) => (s.match(/\{\{\s*\w+\s*\}\}/g) ?? []).map((x) => x.replace(/\s/g, '')).sort();
      expect(vars(fa[k]!), `variables of ${k}`).toEqual(vars(v));
    }
  });

  it('defines every key the lesson components use', () => {
    const files = readdirSync(LESSONS_DIR).filter((f) => f.endsWith('.tsx'));
    const used = new Set<string>();
    for (const f of files) {
      const src = readFileSync(join(LESSONS_DIR, f), 'utf8');
      for (const m of src.matchAll(/\bt\(\s*'([^']+)'/g)) used.add(m[1]!);
      for (const m of src.matchAll(/'((?:callout|explorer|glossary|experiment)\.[A-Za-z.]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(20);
    for (const k of used) {
      expect(en[k], `en missing ${k}`).toBeDefined();
      expect(fa[k], `fa missing ${k}`).toBeDefined();
    }
  });
});

describe('diagrams', () => {
  const TIME_DIAGRAMS = ['rnn-unrolled', 'gru-cell', 'bidirectional', 'stacked', 'conv1d', 'conv-gru', 'captioning', 'video'] as const;

  it('never mirrors a diagram with a time axis', () => {
    for (const id of TIME_DIAGRAMS) expect(MIRRORED_IN_RTL[id], id).toBe(false);
    for (const id of DIAGRAM_IDS) {
      const fa = renderToStaticMarkup(createElement(Diagram, { id, lang: 'fa', title: 'x' }));
      const en = renderToStaticMarkup(createElement(Diagram, { id, lang: 'en', title: 'x' }));
      expect(en, id).not.toContain('scale(-1 1)');
      if (MIRRORED_IN_RTL[id]) expect(fa, id).toContain('scale(-1 1)');
      else expect(fa, id).not.toContain('scale(-1 1)');
      expect(fa).toContain('<svg');
      expect(fa).toContain('role="img"');
    }
  });

  it('mirrors at least the diagrams where left-right has no meaning', () => {
    expect(MIRRORED_IN_RTL.representation).toBe(true);
    expect(MIRRORED_IN_RTL['layerwise-pretraining']).toBe(true);
  });
});

describe('rendering', () => {
  for (const lng of ['en', 'fa'] as const) {
    it(`renders the lessons page and the gate explorer in ${lng} with no missing keys`, async () => {
      const missing: string[] = [];
      const i18n = await makeI18n(lng, missing);
      const html = renderToStaticMarkup(
        createElement(I18nextProvider, { i18n }, createElement(LessonsPage, { onOpenPreset: () => {} })),
      );
      expect(html).toContain(`dir="${lng === 'fa' ? 'rtl' : 'ltr'}"`);
      expect(html).toContain('class="katex-display"');
      expect(html).toContain('data-preset="gru"');
      expect(html).toContain('gate-explorer');
      // Formulas sit in left-to-right boxes.
      expect(html).toMatch(/class="lesson-formula" dir="ltr"/);
      if (lng === 'fa') {
        expect(html).toContain('درس‌ها');
        expect(html).toContain('گام ۱ از ۲۴');
      }
      expect(missing).toEqual([]);
    });
  }

  it('the default gate explorer shows 8 units × 24 steps for r, u, candidate and h, plus the 3-feature input', async () => {
    const missing: string[] = [];
    const i18n = await makeI18n('en', missing);
    const html = renderToStaticMarkup(createElement(I18nextProvider, { i18n }, createElement(GateExplorer, {})));
    const cells = html.match(/<rect[^>]*class="gx-cell[^"]*"/g) ?? [];
    expect(cells.length).toBe(4 * 8 * 24 + 3 * 24);
    expect(html).toContain('Reset gate r');
    expect(html).toContain('Update gate u = 1 − z');
    expect(missing).toEqual([]);
    // The numbers in the tooltips are the ones shared/gru.ts computes.
    const w = randomGru(2024);
    const first = gruSteps(w, syntheticWindow(2024, 24, 3))[0]!;
    expect(html).toContain(`Reset gate r, unit 1, step 1: ${first.r[0]!.toFixed(3).replace(/^-/, '−')}`);
  });

  it('explains bad weights instead of crashing', async () => {
    const missing: string[] = [];
    const i18n = await makeI18n('fa', missing);
    const bad = { kernel: [[1, 2]], recurrentKernel: [[1, 2, 3]], bias: [0, 0, 0] };
    const html = renderToStaticMarkup(createElement(I18nextProvider, { i18n }, createElement(GateExplorer, { weights: bad })));
    expect(html).toContain('role="alert"');
    expect(missing).toEqual([]);
  });
});
