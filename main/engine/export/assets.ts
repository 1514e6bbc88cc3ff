/**
 * The files the plot and report exports need at run time, read from node_modules:
 *
 *   node_modules/vazirmatn/fonts/webfonts/Vazirmatn-Regular.woff2   embedded (base64) in SVG and HTML
 *   node_modules/vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf          given to resvg (PNG) and used to
 *                                                                   measure text for the chart layout
 *   node_modules/@resvg/resvg-wasm/index_bg.wasm                    the SVG -> PNG renderer
 *
 * They are resolved like any package file (createRequire from this bundle), so the esbuild bundle
 * (dist/main/*.cjs, packages external) and the packaged app find them beside the other modules.
 * In a packaged app whose node_modules sit in app.asar, the same path under app.asar.unpacked is
 * tried as well, so these files can also be listed in electron-builder's asarUnpack.
 */
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { AppError } from '../../../shared/errors';
import { FONT_FAMILY } from '../../../shared/views/charts';

declare const __filename: string | undefined;

function resolver(): NodeJS.Require {
  const base = typeof __filename === 'string' && __filename ? __filename : path.join(process.cwd(), 'index.js');
  return createRequire(base);
}

/** Candidate absolute paths of a file inside an npm package. */
function candidates(pkg: string, rel: string): string[] {
  const out: string[] = [];
  try {
    const root = path.dirname(resolver().resolve(`${pkg}/package.json`));
    out.push(path.join(root, rel));
  } catch {
    // Package exports may hide package.json; fall back to node_modules below.
  }
  out.push(path.join(process.cwd(), 'node_modules', pkg, rel));
  return [...out, ...out.filter((p) => p.includes(`app.asar${path.sep}`)).map((p) => p.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`))];
}

const cache = new Map<string, Promise<Buffer>>();

/** Reads a package file once (cached); E_INTERNAL { detail: 'missing <pkg>/<rel>' } when absent. */
export function packageFile(pkg: string, rel: string): Promise<Buffer> {
  const key = `${pkg}/${rel}`;
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      for (const c of candidates(pkg, rel)) {
        try {
          return await fs.readFile(c);
        } catch {
          // try the next place
        }
      }
      throw new AppError('E_INTERNAL', { detail: `missing ${key}` });
    })();
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}

export const fontTtf = (): Promise<Buffer> => packageFile('vazirmatn', 'fonts/ttf/Vazirmatn-Regular.ttf');
export const fontWoff2 = (): Promise<Buffer> => packageFile('vazirmatn', 'fonts/webfonts/Vazirmatn-Regular.woff2');
export const resvgWasm = (): Promise<Buffer> => packageFile('@resvg/resvg-wasm', 'index_bg.wasm');

/** `@font-face` for the embedded font (one weight, Regular, as WOFF2 in a data: URL). */
export async function fontFaceCss(): Promise<string> {
  const b64 = (await fontWoff2()).toString('base64');
  return `@font-face{font-family:${FONT_FAMILY};font-style:normal;font-weight:100 900;src:url(data:font/woff2;base64,${b64}) format('woff2')}`;
}

// ------------------------------------------------------------------ text measuring

/**
 * Advance widths from a TrueType font (cmap format 4/12 + hmtx), so the chart layout (legend
 * spacing, label room) is computed from the real font in Node, where there is no canvas.
 * Arabic-script shaping changes widths a little; isolated forms are close enough for layout.
 */
export interface FontMetrics {
  measure(text: string, fontSize: number): number;
}

export function parseTtfMetrics(buf: Uint8Array): FontMetrics {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const numTables = dv.getUint16(4);
  const tables = new Map<string, number>();
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    const tag = String.fromCharCode(dv.getUint8(rec), dv.getUint8(rec + 1), dv.getUint8(rec + 2), dv.getUint8(rec + 3));
    tables.set(tag, dv.getUint32(rec + 8));
  }
  const head = tables.get('head');
  const hhea = tables.get('hhea');
  const hmtx = tables.get('hmtx');
  const cmap = tables.get('cmap');
  if (head === undefined || hhea === undefined || hmtx === undefined || cmap === undefined) throw new Error('not a TrueType font');
  const unitsPerEm = dv.getUint16(head + 18);
  const numHMetrics = dv.getUint16(hhea + 34);
  const advance = (glyph: number): number => dv.getUint16(hmtx + 4 * Math.min(glyph, numHMetrics - 1));

  // Pick a Unicode subtable: format 12 (full range) if present, else format 4 (BMP).
  let sub4 = -1;
  let sub12 = -1;
  const n = dv.getUint16(cmap + 2);
  for (let i = 0; i < n; i++) {
    const platform = dv.getUint16(cmap + 4 + i * 8);
    const encoding = dv.getUint16(cmap + 6 + i * 8);
    const off = cmap + dv.getUint32(cmap + 8 + i * 8);
    if (!(platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10)))) continue;
    const format = dv.getUint16(off);
    if (format === 12) sub12 = off;
    else if (format === 4) sub4 = off;
  }
  const glyphOf = (cp: number): number => {
    if (sub12 >= 0) {
      const groups = dv.getUint32(sub12 + 12);
      for (let g = 0; g < groups; g++) {
        const r = sub12 + 16 + g * 12;
        const start = dv.getUint32(r);
        const end = dv.getUint32(r + 4);
        if (cp >= start && cp <= end) return dv.getUint32(r + 8) + (cp - start);
      }
      return 0;
    }
    if (sub4 < 0 || cp > 0xffff) return 0;
    const segX2 = dv.getUint16(sub4 + 6);
    const ends = sub4 + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const ranges = deltas + segX2;
    for (let s = 0; s < segX2; s += 2) {
      if (cp > dv.getUint16(ends + s)) continue;
      const start = dv.getUint16(starts + s);
      if (cp < start) return 0;
      const delta = dv.getInt16(deltas + s);
      const ro = dv.getUint16(ranges + s);
      if (ro === 0) return (cp + delta) & 0xffff;
      const g = dv.getUint16(ranges + s + ro + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const widths = new Map<number, number>();
  return {
    measure(text: string, fontSize: number): number {
      let units = 0;
      for (const ch of text) {
        const cp = ch.codePointAt(0)!;
        let w = widths.get(cp);
        if (w === undefined) {
          w = advance(glyphOf(cp));
          widths.set(cp, w);
        }
        units += w;
      }
      return (units / unitsPerEm) * fontSize;
    },
  };
}
