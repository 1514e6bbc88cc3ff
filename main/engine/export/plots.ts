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
 *   plotOptions(record, { lang, forecast }) -> the ECharts options runPlots renders: the
 *       builders of shared/views/charts.ts in their 'document' look, the same the window uses
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
import type { Language } from '../../../shared/ipc/contract';
import type { RunRecord } from '../../../shared/runs';
import { epochChart, errorHistogram, FONT_FAMILY, forecastChart, metricsChart, type ChartOption, type ForecastSeries } from '../../../shared/views/charts';
import { chartText, viewText } from '../../../shared/views/text';
import { predictRange } from '../training/evaluate';
import { type TrainedRun } from '../training/train';
import { fontFaceCss, fontTtf, parseTtfMetrics, resvgWasm, type FontMetrics } from './assets';

export type PlotName = 'loss' | 'metrics' | 'forecast' | 'errors';

export interface Plot {
  name: PlotName;
  title: string;
  /** Without the embedded font (see embedFont). */
  svg: string;
}

export interface ForecastData extends ForecastSeries {
  /** Rows between two consecutive points (for the hour axis without timestamps: 10-minute rows). */
  stride: number;
  /** The split shown: the test split, or validation for data without one (default 'test'). */
  split?: 'test' | 'validation';
}

export interface PlotOptions {
  lang: Language;
  forecast?: ForecastData | null;
  width?: number;
  height?: number;
}

export const PLOT_WIDTH = 800;
export const PLOT_HEIGHT = 450;

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

function render(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** The run's charts as ECharts options (what runPlots renders), with their names and titles. */
export function plotOptions(record: RunRecord, opts: Pick<PlotOptions, 'lang' | 'forecast'>): { name: PlotName; title: string; option: ChartOption }[] {
  const v = viewText(opts.lang);
  const t = chartText(opts.lang);
  const d = record.done;
  const out: { name: PlotName; title: string; option: ChartOption }[] = [];
  if (d.history.length) {
    const lossName = d.lossName ?? record.experiment.training.loss;
    out.push({ name: 'loss', title: v.lossTitle, option: epochChart(t, d.history, d.baselineValLoss ?? null, d.bestEpoch ?? null, { theme: 'document', title: v.lossTitle, lossName }) });
  }
  const m = metricsChart({ ...t, accuracy: v.accuracy, baselineAccuracy: v.baselineAccuracy }, d, { theme: 'document', title: v.metricsTitle });
  if (m) out.push({ name: 'metrics', title: v.metricsTitle, option: m });
  const f = opts.forecast;
  if (f && f.truth.length > 1) {
    const title = f.split === 'validation' ? v.forecastTitleVal : v.forecastTitle;
    out.push({ name: 'forecast', title, option: forecastChart(t, f, f.stride, { theme: 'document', title }) });
    out.push({ name: 'errors', title: v.errorsTitle, option: errorHistogram(t, f, { theme: 'document', title: v.errorsTitle }) });
  }
  return out;
}

/** The run's charts, as SVG strings (without the embedded font; see embedFont). */
export async function runPlots(record: RunRecord, opts: PlotOptions): Promise<Plot[]> {
  await useFontMetrics();
  const w = opts.width ?? PLOT_WIDTH;
  const h = opts.height ?? PLOT_HEIGHT;
  return plotOptions(record, opts).map((p) => ({ name: p.name, title: p.title, svg: render(p.option, w, h) }));
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
