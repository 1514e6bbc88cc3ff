/**
 * A run's charts as files, made in Node without a window (the app and the CLI alike):
 *
 *   runPlots(record, { lang, forecast }) -> Plot[]       SVG strings (ECharts server-side rendering)
 *       loss      training and validation loss per epoch, the naive baseline as a dashed
 *                 horizontal line, the best epoch marked
 *       metrics   validation accuracy (classification) or validation loss in the target's
 *                 unit (forecasting), when the history has them
 *       forecast  predicted vs true (and the naive forecast) over a stretch of the test split
 *       errors    histogram of prediction - truth over that stretch
 *   embedFont(svg) -> svg with @font-face (Vazirmatn Regular, WOFF2 base64): renders the same anywhere
 *   svgToPng(svg, scale) -> PNG bytes (resvg-wasm, the Vazirmatn TTF as its only font; it shapes
 *       Arabic script, so Persian text comes out joined)
 *   forecastForPlots(run) -> the stretch of the test split the forecast plots show (null when
 *       the run has no model, or is a classification task)
 *
 * Labels, legend and titles are in the chosen language, digits Persian in Persian; the time
 * (epoch, hours) axis runs left to right in both.
 */
import * as echarts from 'echarts';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import type { RunRecord } from '../../../shared/runs';
import { predictRange } from '../training/evaluate';
import { type TrainedRun } from '../training/train';
import { FONT_FAMILY, fontFaceCss, fontTtf, parseTtfMetrics, resvgWasm, type FontMetrics } from './assets';
import { docText, formatNum, type DocLang } from './text';

export type PlotName = 'loss' | 'metrics' | 'forecast' | 'errors';

export interface Plot {
  name: PlotName;
  title: string;
  /** Without the embedded font (see embedFont). */
  svg: string;
}

export interface ForecastData {
  truth: ArrayLike<number>;
  prediction: ArrayLike<number>;
  naive: ArrayLike<number>;
  /** Timestamps (ms) of the targets, when the data has them. */
  time: ArrayLike<number> | null;
  unit: string | null;
  /** Rows between two consecutive points (for the hour axis without timestamps: 10-minute rows). */
  stride: number;
  /** The split shown: the test split, or validation for data without one (default 'test'). */
  split?: 'test' | 'validation';
}

export interface PlotOptions {
  lang: DocLang;
  forecast?: ForecastData | null;
  width?: number;
  height?: number;
}

export const PLOT_WIDTH = 800;
export const PLOT_HEIGHT = 450;

const COLORS = { train: '#2160c4', validation: '#c2410c', baseline: '#a15c00', truth: '#1d2330', prediction: '#2160c4', best: '#15803d' };

let metrics: FontMetrics | null = null;

/** Lets ECharts measure text with the real font (Node has no canvas); once per process. */
async function useFontMetrics(): Promise<void> {
  if (metrics) return;
  metrics = parseTtfMetrics(await fontTtf());
  const m = metrics;
  echarts.setPlatformAPI({
    measureText(text: string, font?: string) {
      const px = /(\d+(?:\.\d+)?)px/.exec(font ?? '');
      return { width: m.measure(text ?? '', px ? Number(px[1]) : 12) } as TextMetrics;
    },
  });
}

function base(title: string, lang: DocLang) {
  return {
    backgroundColor: '#ffffff',
    animation: false,
    textStyle: { fontFamily: FONT_FAMILY, fontSize: 12, color: '#1d2330' },
    title: { text: title, left: 'center', top: 8, textStyle: { fontFamily: FONT_FAMILY, fontSize: 16, fontWeight: 'normal' } },
    legend: { top: 38, textStyle: { fontFamily: FONT_FAMILY } },
    grid: { left: 72, right: 32, top: 84, bottom: 56 },
    fmt: (v: number) => formatNum(v, lang, 3),
  };
}

function render(option: Record<string, unknown>, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * A horizontal reference (the naive baseline) as a dashed two-point series across the epochs:
 * unlike a markLine it is in the legend and the axis range always includes it. Its value is
 * written at its end.
 */
function refLine(name: string, value: number, h: { epoch: number }[], fmt: (v: number) => string) {
  const first = h.length ? h[0]!.epoch : 0;
  const last = h.length ? h[h.length - 1]!.epoch : 1;
  return {
    name,
    type: 'line',
    color: COLORS.baseline,
    silent: true,
    showSymbol: false,
    lineStyle: { type: 'dashed', width: 1.5 },
    endLabel: { show: true, formatter: fmt(value), color: COLORS.baseline, align: 'right', verticalAlign: 'bottom', offset: [-4, -4] },
    data: [
      [first, value],
      [last, value],
    ],
  };
}

function lossOption(record: RunRecord, lang: DocLang) {
  const t = docText(lang);
  const { fmt, ...b } = base(t.lossTitle, lang);
  const h = record.done.history;
  const baseline = record.done.baselineValLoss ?? null;
  const best = record.done.bestEpoch;
  const lossName = (record.done.lossName ?? record.experiment.training.loss).toUpperCase();
  const bestPoint = h.find((e) => e.epoch === best && e.valLoss !== null);
  return {
    ...b,
    xAxis: { type: 'value', name: t.epoch, nameLocation: 'middle', nameGap: 30, minInterval: 1, min: h.length ? h[0]!.epoch : 0, max: h.length ? h[h.length - 1]!.epoch : 1, axisLabel: { formatter: fmt } },
    yAxis: { type: 'value', name: `${t.loss} (${lossName})`, scale: true, axisLabel: { formatter: fmt } },
    series: [
      { name: t.train, type: 'line', data: h.map((e) => [e.epoch, e.loss]), symbolSize: 6, color: COLORS.train, silent: true },
      {
        name: t.validation,
        type: 'line',
        color: COLORS.validation,
        silent: true,
        symbolSize: 6,
        data: h.filter((e) => e.valLoss !== null).map((e) => [e.epoch, e.valLoss]),
        markPoint: bestPoint
          ? { symbol: 'pin', symbolSize: 44, itemStyle: { color: COLORS.best }, label: { formatter: fmt(bestPoint.epoch), color: '#fff' }, data: [{ coord: [bestPoint.epoch, bestPoint.valLoss], name: t.best }] }
          : undefined,
      },
      ...(bestPoint ? [{ name: t.best, type: 'scatter', data: [], color: COLORS.best, symbol: 'pin' }] : []),
      ...(baseline !== null ? [refLine(t.baseline, baseline, h, fmt)] : []),
    ],
  };
}

function metricsOption(record: RunRecord, lang: DocLang) {
  const t = docText(lang);
  const h = record.done.history;
  const acc = h.filter((e) => e.valAccuracy != null);
  const phys = h.filter((e) => e.valLossPhysical != null);
  if (!acc.length && !phys.length) return null;
  const { fmt, ...b } = base(t.metricsTitle, lang);
  const useAcc = acc.length > 0;
  const unit = record.done.targetUnit ? ` (${record.done.lossName === 'mse' ? `${record.done.targetUnit}²` : record.done.targetUnit})` : '';
  const ref = useAcc ? (record.done.baselineValAccuracy ?? null) : (record.done.baselineValLossPhysical ?? null);
  const name = useAcc ? t.accuracy : `${t.valPhysical}${unit}`;
  return {
    ...b,
    xAxis: { type: 'value', name: t.epoch, nameLocation: 'middle', nameGap: 30, minInterval: 1, min: h.length ? h[0]!.epoch : 0, max: h.length ? h[h.length - 1]!.epoch : 1, axisLabel: { formatter: fmt } },
    yAxis: { type: 'value', name, scale: true, axisLabel: { formatter: fmt } },
    series: [
      { name, type: 'line', color: COLORS.validation, silent: true, symbolSize: 6, data: (useAcc ? acc : phys).map((e) => [e.epoch, useAcc ? e.valAccuracy : e.valLossPhysical]) },
      ...(ref !== null ? [refLine(useAcc ? t.baselineAccuracy : t.baseline, ref, useAcc ? acc : phys, fmt)] : []),
    ],
  };
}

function hoursOf(f: ForecastData): (i: number) => number {
  const t0 = f.time?.[0];
  return (i) => (f.time && t0 !== undefined ? (f.time[i]! - t0) / 3_600_000 : (i * f.stride) / 6);
}

const forecastTitle = (f: ForecastData, lang: DocLang): string => (f.split === 'validation' ? docText(lang).forecastTitleVal : docText(lang).forecastTitle);

function forecastOption(f: ForecastData, lang: DocLang) {
  const t = docText(lang);
  const { fmt, ...b } = base(forecastTitle(f, lang), lang);
  const hours = hoursOf(f);
  const unit = f.unit ? ` (${f.unit})` : '';
  const line = (arr: ArrayLike<number>) => Array.from(arr, (v, i) => [hours(i), v]);
  const n = f.truth.length;
  return {
    ...b,
    xAxis: { type: 'value', name: t.hours, nameLocation: 'middle', nameGap: 30, min: 0, max: n ? Math.ceil(hours(n - 1)) : 1, axisLabel: { formatter: fmt } },
    yAxis: { type: 'value', name: `${t.truth}${unit}`, scale: true, axisLabel: { formatter: fmt } },
    series: [
      { name: t.truth, type: 'line', showSymbol: false, silent: true, data: line(f.truth), color: COLORS.truth, lineStyle: { width: 2 } },
      { name: t.prediction, type: 'line', showSymbol: false, silent: true, data: line(f.prediction), color: COLORS.prediction, lineStyle: { width: 2 } },
      { name: t.naive, type: 'line', showSymbol: false, silent: true, data: line(f.naive), color: COLORS.baseline, lineStyle: { width: 1, type: 'dashed' } },
    ],
  };
}

/** Counts of prediction - truth in `bins` equal bins (the range always holds 0). */
export function errorBins(f: Pick<ForecastData, 'truth' | 'prediction'>, bins = 24): { lo: number; width: number; counts: number[] } {
  const errs = Array.from(f.prediction, (p, i) => p - f.truth[i]!);
  let lo = 0;
  let hi = 0;
  for (const e of errs) {
    if (e < lo) lo = e;
    if (e > hi) hi = e;
  }
  const width = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const e of errs) counts[Math.min(bins - 1, Math.floor((e - lo) / width))]!++;
  return { lo, width, counts };
}

function errorsOption(f: ForecastData, lang: DocLang) {
  const t = docText(lang);
  const { fmt, legend: _legend, ...b } = base(t.errorsTitle, lang);
  const { lo, width, counts } = errorBins(f);
  const unit = f.unit ? ` (${f.unit})` : '';
  return {
    ...b,
    grid: { ...b.grid, top: 56 },
    xAxis: { type: 'category', name: `${t.error}${unit}`, nameLocation: 'middle', nameGap: 30, data: counts.map((_, i) => formatNum(lo + (i + 0.5) * width, lang, 2)) },
    yAxis: { type: 'value', name: t.count, minInterval: 1, axisLabel: { formatter: fmt } },
    series: [{ name: t.count, type: 'bar', data: counts, color: COLORS.prediction, silent: true }],
  };
}

/** The run's charts, as SVG strings (without the embedded font; see embedFont). */
export async function runPlots(record: RunRecord, opts: PlotOptions): Promise<Plot[]> {
  await useFontMetrics();
  const t = docText(opts.lang);
  const w = opts.width ?? PLOT_WIDTH;
  const h = opts.height ?? PLOT_HEIGHT;
  const plots: Plot[] = [];
  if (record.done.history.length) plots.push({ name: 'loss', title: t.lossTitle, svg: render(lossOption(record, opts.lang), w, h) });
  const m = metricsOption(record, opts.lang);
  if (m) plots.push({ name: 'metrics', title: t.metricsTitle, svg: render(m, w, h) });
  const f = opts.forecast;
  if (f && f.truth.length > 1) {
    plots.push({ name: 'forecast', title: forecastTitle(f, opts.lang), svg: render(forecastOption(f, opts.lang), w, h) });
    plots.push({ name: 'errors', title: t.errorsTitle, svg: render(errorsOption(f, opts.lang), w, h) });
  }
  return plots;
}

/** Puts the font into the SVG (an @font-face with the WOFF2 as base64), right after the <svg> tag. */
export async function embedFont(svg: string): Promise<string> {
  const css = await fontFaceCss();
  const end = svg.indexOf('>', svg.indexOf('<svg'));
  if (end < 0) return svg;
  return `${svg.slice(0, end + 1)}\n<style>${css}</style>${svg.slice(end + 1)}`;
}

let wasmReady: Promise<void> | null = null;

function initResvg(): Promise<void> {
  if (!wasmReady) {
    wasmReady = resvgWasm().then((bytes) => initWasm(bytes));
    wasmReady.catch(() => {
      wasmReady = null;
    });
  }
  return wasmReady;
}

/** Renders an SVG to PNG at `scale` times its size (1-4), on white, with the Vazirmatn font. */
export async function svgToPng(svg: string, scale = 1): Promise<Uint8Array> {
  await initResvg();
  const font = new Uint8Array(await fontTtf());
  const s = Math.min(4, Math.max(1, scale));
  const r = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: s },
    font: { fontBuffers: [font], defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY, serifFamily: FONT_FAMILY, monospaceFamily: FONT_FAMILY },
  });
  try {
    const img = r.render();
    try {
      return img.asPng();
    } finally {
      img.free();
    }
  } finally {
    r.free();
  }
}

/** How much of the test split the forecast plots show: a week of hourly points (10-minute rows, stride 6). */
export const FORECAST_POINTS = 168;
export const FORECAST_STRIDE = 6;

/**
 * The forecast over the first week of the test split (or what it holds; the validation split for
 * data without a test split), or null without a model or for classification.
 */
export async function forecastForPlots(run: TrainedRun): Promise<ForecastData | null> {
  if (!run.model || !run.data || run.done.task === 'classification' || run.data.source.kind !== 'regression') return null;
  const split = run.data.source.count('test') >= 2 ? 'test' : 'validation';
  if (run.data.source.count(split) < 2) return null;
  const f = await predictRange({ model: run.model, data: run.data }, { split, start: 0, count: FORECAST_POINTS, stride: FORECAST_STRIDE });
  // Multi-step targets: plot the first value of each window.
  const per = f.truth.length / Math.max(1, f.index.length);
  const pick = (a: Float32Array) => (per === 1 ? a : Float32Array.from({ length: f.index.length }, (_, i) => a[i * per]!));
  return { truth: pick(f.truth), prediction: pick(f.prediction), naive: pick(f.naive), time: f.time, unit: f.unit, stride: FORECAST_STRIDE, split };
}
