import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const LOCALES = 'renderer/src/i18n/locales';

function flatten(obj: unknown, prefix = ''): string[] {
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? files(p, ext) : ext.test(name) ? [p] : [];
  });
}

describe('i18n resources', () => {
  it('every namespace exists in Persian and English with the same keys', () => {
    const fa = readdirSync(path.join(LOCALES, 'fa')).sort();
    const en = readdirSync(path.join(LOCALES, 'en')).sort();
    expect(fa).toEqual(en);
    for (const ns of en) {
      const keysEn = flatten(JSON.parse(readFileSync(path.join(LOCALES, 'en', ns), 'utf8'))).sort();
      const keysFa = flatten(JSON.parse(readFileSync(path.join(LOCALES, 'fa', ns), 'utf8'))).sort();
      expect(keysFa, `keys of ${ns}`).toEqual(keysEn);
    }
  });

  it('Persian strings are Persian, not copies of the English ones', () => {
    for (const ns of readdirSync(path.join(LOCALES, 'en'))) {
      const fa = JSON.parse(readFileSync(path.join(LOCALES, 'fa', ns), 'utf8'));
      const values = flatten(fa).map((k) => k.split('.').reduce<unknown>((o, part) => (o as Record<string, unknown>)[part], fa) as string);
      const persian = values.filter((v) => /[\u0600-\u06FF]/.test(v)).length;
      expect(persian / values.length, `share of Persian strings in fa/${ns}`).toBeGreaterThan(0.8);
    }
  });
});

describe('no UI string outside the i18n resources', () => {
  // Text a person reads must come from i18n (or the bilingual catalog/lesson data).
  const VISIBLE_ATTRS = new Set(['title', 'aria-label', 'placeholder', 'alt', 'aria-description', 'label']);
  const LETTERS = /\p{L}{2,}/u;

  it('JSX has no literal words in text or visible attributes', () => {
    const offenders: string[] = [];
    for (const file of files('renderer/src', /\.tsx$/)) {
      const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
      const visit = (node: ts.Node): void => {
        if (ts.isJsxText(node) && LETTERS.test(node.text)) {
          offenders.push(`${file}:${src.getLineAndCharacterOfPosition(node.getStart()).line + 1} text "${node.text.trim()}"`);
        }
        if (ts.isJsxAttribute(node) && node.initializer && ts.isStringLiteral(node.initializer)) {
          const name = node.name.getText(src);
          if (VISIBLE_ATTRS.has(name) && LETTERS.test(node.initializer.text)) {
            offenders.push(`${file}:${src.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${name}="${node.initializer.text}"`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(src);
    }
    // Product names and notation that are the same in both languages.
    // Product names, acronyms (RNN, LSTM) and math notation (hₜ) read the same in both languages.
    const allowed = /text "(RMSprop|Adam|SGD|[A-Z][A-Z0-9+-]*|[a-zA-Z][\u2080-\u209C]+)"$/;
    expect(offenders.filter((o) => !allowed.test(o))).toEqual([]);
  });
});
