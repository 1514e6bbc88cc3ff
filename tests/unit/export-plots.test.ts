// Plots as files (main/engine/export/plots.ts, drawing the charts of shared/views/charts.ts): SVG
// from ECharts' server-side renderer with the font embedded and the labels in the chosen language;
// PNG from resvg at the chosen scale; and the plot files of a really trained tiny run, through
// exportRun and the CLI.
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Experiment } from '../../shared/experiment';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import type { RunRecord } from '../../shared/runs';
import { initBackend } from '../../main/engine/platform/backend';
import { errorBins } from '../../shared/views/histogram';
import { embedFont, exportRun, runPlots, svgToPng, type ForecastData } from '../../main/engine/export';
import { trainModel, type TrainedRun } from '../../main/engine/training/train';

/** A finished run with a known history: validation loss is lowest at epoch 4, the baseline 0.29. */
function record(): RunRecord {
  const history = [1, 2, 3, 4, 5, 6].map((epoch) => ({
    epoch,
    loss: 0.5 / epoch + 0.1,
    valLoss: [0.45, 0.36, 0.3, 0.25, 0.27, 0.28][epoch - 1]!,
    valLossPhysical: [3.6, 2.9, 2.4, 2.0, 2.2, 2.3][epoch - 1]!,
    seconds: 1,
  }));
  return {
    id: 'run-plots',
    createdAt: '2026-11-01T10:00:00.000Z',
    experiment: STARTER_EXPERIMENT,
    backend: 'cpu',
    params: 321,
    done: {
      runId: 'run-plots', status: 'completed', history, finalLoss: history[5]!.loss, finalValLoss: 0.28, baselineValLoss: 0.29, bestEpoch: 4, wallSeconds: 6,
      lossName: 'mae', targetUnit: 'degC', baselineValLossPhysical: 2.35, bestValLoss: 0.25, bestValLossPhysical: 2.0,
    },
  };
}

/** A week of hourly temperatures and a prediction off by a known pattern. */
function forecast(): ForecastData {
  const truth = Array.from({ length: 168 }, (_, i) => 8 + 6 * Math.sin((i / 24) * 2 * Math.PI));
  return { truth, prediction: truth.map((v, i) => v + (i % 2 ? 0.5 : -0.5)), naive: truth.map((_, i) => truth[Math.max(0, i - 6)]!), time: null, unit: 'degC', stride: 6 };
}

/** Every <text> string and every <style> body of an SVG, found by a real XML parser. */
function parseSvg(svg: string): { texts: string[]; styles: string[]; root: Record<string, unknown> } {
  const parser = new XMLParser({ ignoreAttributes: false, preserveOrder: false, cdataPropName: '#cdata', textNodeName: '#text' });
  const doc = parser.parse(svg, true) as { svg: Record<string, unknown> };
  expect(doc.svg).toBeTruthy();
  const texts: string[] = [];
  const styles: string[] = [];
  const walk = (node: unknown, key: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, key));
    if (node === null || node === undefined) return;
    if (typeof node !== 'object') {
      if (key === 'text') texts.push(String(node));
      if (key === 'style') styles.push(String(node));
      return;
    }
    const o = node as Record<string, unknown>;
    if (key === 'text' && o['#text'] !== undefined) texts.push(String(o['#text']));
    if (key === 'style') styles.push(String(o['#text'] ?? o['#cdata'] ?? ''));
    for (const [k, v] of Object.entries(o)) if (!k.startsWith('@_') && k !== '#text') walk(v, k);
  };
  walk(doc.svg, 'svg');
  return { texts, styles, root: doc.svg };
}

function pixelStats(png: PNG, box?: { x0: number; y0: number; x1: number; y1: number }): { variance: number; dark: number } {
  const { x0 = 0, y0 = 0, x1 = png.width, y1 = png.height } = box ?? {};
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  let dark = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * png.width + x) * 4;
      const g = (png.data[i]! + png.data[i + 1]! + png.data[i + 2]!) / 3;
      sum += g;
      sum2 += g * g;
      n++;
      if (g < 128) dark++;
    }
  }
  const mean = sum / n;
  return { variance: sum2 / n - mean * mean, dark };
}

describe('plots as SVG and PNG', () => {
  it('Persian SVG: parses, has the Persian axis title, legend and digits in <text>, and embeds the font', async () => {
    const plots = await runPlots(record(), { lang: 'fa', forecast: forecast() });
    expect(plots.map((p) => p.name)).toEqual(['loss', 'metrics', 'forecast', 'errors']);
    const svg = await embedFont(plots[0]!.svg);
    const { texts, styles, root } = parseSvg(svg);
    expect(root['@_width']).toBe('800');
    expect(root['@_height']).toBe('450');
    for (const label of ['خطا در هر دوره', 'دوره', 'خطا (MAE)', 'آموزش', 'اعتبارسنجی', 'خط پایهٔ ساده', 'بهترین دوره']) expect(texts).toContain(label);
    // Epoch ticks in Persian digits, and no Latin digit on the epoch axis.
    for (const d of ['۱', '۲', '۳', '۴', '۵', '۶']) expect(texts).toContain(d);
    expect(texts).toContain('۰٫۲۹'); // the baseline's value at its line
    expect(texts.some((t) => /^[0-9.]+$/.test(t))).toBe(false);
    const face = styles.find((s) => s.includes('@font-face'));
    expect(face).toBeDefined();
    const m = /font-family:Vazirmatn;.*url\(data:font\/woff2;base64,([A-Za-z0-9+/=]+)\)/.exec(face!);
    expect(m).not.toBeNull();
    const font = Buffer.from(m![1]!, 'base64');
    expect(font.subarray(0, 4).toString('latin1')).toBe('wOF2');
    expect(font.length).toBeGreaterThan(30_000);
    // One weight only: the file stays small enough to mail.
    expect(svg.length).toBeLessThan(200_000);
  });

  it('English SVG: the same charts with English words and Latin digits; time runs left to right', async () => {
    const plots = await runPlots(record(), { lang: 'en', forecast: forecast() });
    const loss = parseSvg(plots[0]!.svg).texts;
    for (const label of ['Loss per epoch', 'Epoch', 'Loss (MAE)', 'Training', 'Validation', 'Naive baseline', 'Best epoch']) expect(loss).toContain(label);
    const fc = parseSvg(plots[2]!.svg);
    for (const label of ['Hours', 'True value', 'Prediction', 'Naive forecast', 'True value (degC)']) expect(fc.texts).toContain(label);
    // Hour ticks increase from left to right (their x positions grow with the value).
    const ticks = [...plots[2]!.svg.matchAll(/<text[^>]*transform="translate\(([\d.]+) ([\d.]+)\)"[^>]*>(\d+)<\/text>/g)]
      .map((m) => ({ x: Number(m[1]), y: Number(m[2]), v: Number(m[3]) }))
      .filter((t) => t.y > 380);
    expect(ticks.length).toBeGreaterThan(3);
    const sorted = [...ticks].sort((a, b) => a.v - b.v);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.x).toBeGreaterThan(sorted[i - 1]!.x);
    // The metrics chart is in the target's unit.
    expect(parseSvg(plots[1]!.svg).texts).toContain('Validation loss (degC)');
  });

  it('error histogram: counts every prediction once, in bins that hold zero', () => {
    const f = forecast();
    const { lo, width, counts } = errorBins(f, 10);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(168);
    expect(lo).toBeCloseTo(-0.5, 6);
    expect(lo + 10 * width).toBeCloseTo(0.5, 6);
    expect(counts[0]).toBe(84); // -0.5
    expect(counts[9]).toBe(84); // +0.5
  });

  it('PNG: scale 1 and 2 give 800x450 and 1600x900 pixels, not blank, with the Persian title drawn', async () => {
    const [loss] = await runPlots(record(), { lang: 'fa' });
    const svg = await embedFont(loss!.svg);
    const two = PNG.sync.read(Buffer.from(await svgToPng(svg, 2)));
    expect([two.width, two.height]).toEqual([1600, 900]);
    expect(pixelStats(two).variance).toBeGreaterThan(100);
    // The title band (text only: no lines there) has ink, so the font was found and used.
    expect(pixelStats(two, { x0: 500, y0: 8, x1: 1100, y1: 56 }).dark).toBeGreaterThan(200);
    // Without the title the same band (at scale 1) is empty: the ink above is the text.
    const untitled = svg.replace(/<text[^>]*>خطا در هر دوره<\/text>/, '');
    expect(untitled.length).toBeLessThan(svg.length);
    const bare = PNG.sync.read(Buffer.from(await svgToPng(untitled, 1)));
    expect([bare.width, bare.height]).toEqual([800, 450]);
    expect(pixelStats(bare, { x0: 250, y0: 4, x1: 550, y1: 28 }).dark).toBe(0);
  });
});

const tiny: Experiment = {
  ...STARTER_EXPERIMENT,
  name: 'plots',
  training: { ...STARTER_EXPERIMENT.training, epochs: 2, stepsPerEpoch: 3, validationSteps: 2, testSteps: 0 },
};

describe('plot files of a trained run', () => {
  let trained: TrainedRun;
  let rec: RunRecord;
  let dir: string;

  beforeAll(async () => {
    await initBackend({ prefer: 'cpu' });
    trained = await trainModel(tiny, 'run-plots-1');
    expect(trained.done.status).toBe('completed');
    rec = { id: 'run-plots-1', createdAt: new Date().toISOString(), experiment: tiny, backend: 'cpu', params: trained.model!.countParams(), done: trained.done };
    dir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-plots-'));
  });
  afterAll(async () => {
    trained?.dispose();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('exportRun writes loss, metrics, forecast and error plots as SVG and 3x PNG', async () => {
    const r = await exportRun(trained, rec, dir, { plotsSvg: true, plotsPng: true, pngScale: 3 }, { lang: 'en' });
    const names = ['loss', 'metrics', 'forecast', 'errors'];
    expect(r.files.sort()).toEqual(names.flatMap((n) => [`plots/${n}.png`, `plots/${n}.svg`]).sort());
    const png = PNG.sync.read(await fs.readFile(path.join(r.dir, 'plots', 'forecast.png')));
    expect([png.width, png.height]).toEqual([2400, 1350]);
    const svg = await fs.readFile(path.join(r.dir, 'plots', 'forecast.svg'), 'utf8');
    const { texts, styles } = parseSvg(svg);
    expect(texts).toContain('Prediction');
    expect(styles.some((s) => s.includes('@font-face'))).toBe(true);
    // The forecast plot holds the model's predictions: one point per hour (every 6th sample) of
    // the first week of the split the run has (the starter series has no test split: validation).
    expect(texts).toContain('Predictions against the truth (validation split)');
    const points = Math.min(168, Math.ceil(trained.data!.source.count('validation') / 6));
    const lines = [...svg.matchAll(/<path d="M([^"]+)"[^>]*stroke="#2160c4"/g)];
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]![1]!.split('L').length).toBe(points);
  });

  it('CLI: --plots svg,png --scale 1 --report --lang fa', async () => {
    const { exportCommand } = await import('../../main/cli/export');
    const expFile = path.join(dir, 'experiment.json');
    await fs.writeFile(expFile, JSON.stringify({ ...tiny, training: { ...tiny.training, epochs: 1 } }));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await exportCommand([expFile, '--out', path.join(dir, 'bad'), '--plots', 'gif'])).toBe(2);
      expect(await exportCommand([expFile, '--out', path.join(dir, 'bad'), '--scale', '9'])).toBe(2);
      expect(await exportCommand([expFile, '--out', path.join(dir, 'cli'), '--h5', '--plots', 'svg,png', '--scale', '1', '--report', '--lang', 'fa'])).toBe(0);
      const folder = (await fs.readdir(path.join(dir, 'cli')))[0]!;
      const files = (await fs.readdir(path.join(dir, 'cli', folder), { recursive: true })).map(String).sort();
      expect(files).toEqual(expect.arrayContaining(['model.h5', 'history.csv', 'report.html', path.join('plots', 'loss.svg'), path.join('plots', 'loss.png')]));
      const png = PNG.sync.read(await fs.readFile(path.join(dir, 'cli', folder, 'plots', 'loss.png')));
      expect([png.width, png.height]).toEqual([800, 450]);
      expect(await fs.readFile(path.join(dir, 'cli', folder, 'report.html'), 'utf8')).toContain('dir="rtl"');
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  });
});
