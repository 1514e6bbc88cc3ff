/**
 * Catalog completeness and translations: every block and parameter is labelled in both
 * languages, every issue code has a Persian and an English "why" and "fix" whose
 * {{params}} are ones the code really provides, and the shape checks emit the codes the
 * lessons rely on.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BLOCKS, GRAPH_ERROR_CODES, ISSUE_CODES, LESSONS, PRESETS, buildSummary, chainGraph, checkParam, fromKerasSpec, getPreset, inferShapes, renderSummary, toKerasSpec,
} from '../../shared/model';

const load = (lang: string): { errors: Record<string, { why: string; fix: string }> } =>
  JSON.parse(readFileSync(new URL(`../../renderer/src/i18n/locales/${lang}/builder.json`, import.meta.url), 'utf8'));

describe('catalog', () => {
  it('every block and param has fa and en text, a lesson, and a valid default', () => {
    const persian = /[\u0600-\u06FF]/;
    for (const b of BLOCKS) {
      for (const t of [b.name, b.help]) {
        expect(t.en.length, b.id).toBeGreaterThan(2);
        expect(persian.test(t.fa), `${b.id} fa`).toBe(true);
      }
      expect(LESSONS as readonly string[]).toContain(b.lesson);
      expect(b.wrapper).toBe(b.kind === 'wrapper');
      for (const p of b.params) {
        expect(p.label.en.length, `${b.id}.${p.name}`).toBeGreaterThan(0);
        expect(persian.test(p.label.fa), `${b.id}.${p.name} fa`).toBe(true);
        expect(checkParam(p, p.default), `${b.id}.${p.name} default`).toBeNull();
      }
    }
    expect(BLOCKS.find((b) => b.id === 'gru')!.params.find((p) => p.name === 'recurrent_activation')!.default).toBe('hard_sigmoid');
  });

  it('every error code has fa and en why/fix with only known placeholders', () => {
    const en = load('en').errors;
    const fa = load('fa').errors;
    for (const code of [...ISSUE_CODES, ...GRAPH_ERROR_CODES]) {
      for (const [lang, table] of [['en', en], ['fa', fa]] as const) {
        expect(table[code]?.why, `${lang} ${code}.why`).toBeTruthy();
        expect(table[code]?.fix, `${lang} ${code}.fix`).toBeTruthy();
      }
      const ph = (s: string): string[] => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort();
      expect(ph(fa[code]!.why + fa[code]!.fix), code).toEqual(ph(en[code]!.why + en[code]!.fix));
    }
  });
});

describe('issues the lessons rely on', () => {
  const seq: [string, Record<string, number | null>] = ['input_sequence', { timesteps: 20, features: 3 }];
  const codes = (g: Parameters<typeof inferShapes>[0], target?: number[]): string[] => inferShapes(g, target ? { targetShape: target } : {}).issues.map((i) => i.code);

  it('flags a recurrent or conv layer fed a vector', () => {
    expect(codes(chainGraph('m', seq, [['flatten'], ['lstm']]))).toContain('needs_sequence');
    expect(codes(chainGraph('m', seq, [['global_max_pooling1d'], ['conv1d']]))).toContain('needs_sequence');
  });
  it('flags running out of time steps and a kernel longer than the sequence', () => {
    expect(codes(chainGraph('m', seq, [['max_pooling1d', { pool_size: 5 }], ['max_pooling1d', { pool_size: 5 }]]))).toContain('no_time_steps_left');
    expect(codes(chainGraph('m', seq, [['conv1d', { kernel_size: 25 }]]))).toContain('kernel_larger_than_sequence');
  });
  it('warns when a sequence comes out but one value per sample is wanted', () => {
    const g = chainGraph('m', seq, [['gru', { return_sequences: true }], ['dense', { units: 1 }]]);
    expect(codes(g, [1])).toEqual(['dense_after_sequence_for_scalar_target']);
    expect(codes(g)).toEqual([]);
    expect(inferShapes(g).nodes.n2!.timeAxis).toBe(1);
  });
  it('takes GRU reset_after=true without an issue and counts its second bias: 3(du + u² + 2u)', () => {
    const r = inferShapes(chainGraph('m', seq, [['gru', { units: 4, reset_after: true }]]));
    expect(r.issues).toEqual([]);
    expect(r.nodes.n1!.params.total).toBe(3 * (3 * 4 + 16 + 8));
    expect(inferShapes(chainGraph('m', seq, [['gru', { units: 4, reset_after: false }]])).nodes.n1!.params.total).toBe(3 * (3 * 4 + 16 + 4));
  });
  it('flags structural problems without throwing', () => {
    const g = chainGraph('m', seq, [['dense'], ['dense']]);
    const cyc = { ...g, edges: [...g.edges, { id: 'back', source: 'n2', target: 'n1' }] };
    expect(codes(cyc)).toContain('cycle');
    const lonely = { ...g, nodes: [...g.nodes, { id: 'x', block: 'dense', params: {} }] };
    expect(codes(lonely)).toContain('unconnected');
    const two = { ...g, edges: [...g.edges, { id: 'extra', source: 'n0', target: 'n2' }] };
    expect(codes(two)).toContain('multiple_inputs_to_sequential_layer');
    const cap = getPreset('captioning')!.graph;
    const bad = { ...cap, nodes: cap.nodes.map((n) => (n.id === 'repeat' ? { ...n, params: { n: 5 } } : n)) };
    expect(codes(bad)).toContain('merge_shape_mismatch');
    expect(codes({ nodes: [], edges: [] })).toEqual(['no_input']);
  });
  it('BatchNormalization has 2c non-trainable parameters', () => {
    const r = inferShapes(chainGraph('m', seq, [['batch_normalization']]));
    expect(r.totals).toEqual({ trainable: 6, nonTrainable: 6, total: 12 });
  });
});

describe('Keras formats and summary', () => {
  it('reads a Keras 2 Sequential without InputLayer (batch_input_shape on the first layer)', () => {
    const g = fromKerasSpec({ class_name: 'Sequential', config: { name: 's', layers: [
      { class_name: 'GRU', config: { name: 'gru_1', units: 32, batch_input_shape: [null, null, 14], reset_after: false } },
      { class_name: 'Dense', config: { name: 'dense_1', units: 1 } },
    ] } });
    const r = inferShapes(g);
    expect(r.ok).toBe(true);
    expect(r.nodes.dense_1!.outputShapeText).toBe('(None, 1)');
    expect(r.totals.total).toBe(3 * (14 * 32 + 32 * 32 + 32) + 33);
  });
  it('writes Sequential for chains and Functional for the captioner; names are unique and stable', () => {
    for (const p of PRESETS) {
      const spec = toKerasSpec(p.graph);
      expect(spec.class_name).toBe(p.id === 'captioning' ? 'Functional' : 'Sequential');
      const names = spec.config.layers.map((l) => l.config.name);
      expect(new Set(names).size).toBe(names.length);
      expect(toKerasSpec(p.graph)).toEqual(spec);
    }
  });
  it('renders the summary in Keras layout', () => {
    const text = renderSummary(buildSummary(getPreset('conv1d-6.47')!.graph));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Model: "listing_6_47"');
    expect(lines[2]).toBe('Layer (type)                 Output Shape              Param #   ');
    expect(lines[4]).toBe('conv1d (Conv1D)              (None, None, 32)          2272      ');
    expect(text).toContain('global_max_pooling1d (Global (None, 32)                0         ');
    expect(lines.slice(-4)).toEqual(['Total params: 12,609', 'Trainable params: 12,609', 'Non-trainable params: 0', '_'.repeat(65)]);
    const cap = renderSummary(buildSummary(getPreset('captioning')!.graph));
    // A layer with two inputs lists both in "Connected to", one per line, as Keras prints it.
    expect(cap).toContain('join (Concatenate)');
    expect(cap).toMatch(/join \(Concatenate\).*word_embedding\[0\]\[0\]\s*\n\s+repeat_feature\[0\]\[0\]/);
  });
});
