/**
 * The charts of a run as ECharts options, built once for the window and for the files: the
 * renderer hands them to its <Chart> (renderer/src/features/runs/Chart.tsx), the engine renders
 * the same options to SVG with ECharts' server-side renderer (main/engine/export/plots.ts).
 * Pure functions of the data, the words (text.ts) and the look:
 *
 *   epochChart      training and validation loss per epoch, the naive baseline as a dashed
 *                   line (in the legend, its value at its end), the best epoch pinned
 *   metricsChart    validation accuracy (classification) or validation loss in the target's
 *                   unit (forecasting) per epoch, beside its baseline; null without them
 *   forecastChart   truth, prediction and naive forecast over hours since the first point
 *   errorHistogram  prediction - truth in equal bins (histogram.ts)
 *   batchChart      smoothed loss per batch of the run in progress (window only)
 *   overlayChart    validation loss of several runs (window only)
 *
 * The look: 'screen' (the default: the page font, an axis tooltip, the window's margins; the
 * window titles its charts outside them) or 'document' (a white picture with its own title, the
 * embedded font, nothing reacting to a pointer). Series, colours, axis names, bins and digits do
 * not depend on the look. Digits follow the language (Persian digits in Persian); the time axis
 * runs left to right in both languages.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { RunRecord } from '../runs';
import type { EpochLog, TrainDone } from '../training';
import { formatNum } from './format';
import { binCentre, errorBins } from './histogram';
import { langOf, type ChartText, type ViewText } from './text';

export type ChartOption = EChartsCoreOption;

/** Where a chart is drawn: in the window, or into a file (then with its title). */
export type ChartLook = { theme?: 'screen' } | { theme: 'document'; title: string };

/** The font of every chart: the window loads it as a web font, the files embed it. */
export const FONT_FAMILY = 'Vazirmatn';

export const CHART_COLORS = {
  ink: '#1d2330',
  train: '#2160c4',
  validation: '#c2410c',
  baseline: '#a15c00',
  truth: '#1d2330',
  prediction: '#2160c4',
  best: '#15803d',
} as const;

/** A stretch of predictions: the window's Forecast and the export's ForecastData both are one. */
export interface ForecastSeries {
  truth: ArrayLike<number>;
  prediction: ArrayLike<number>;
  naive: ArrayLike<number>;
  /** Timestamps (ms) of the targets, when the data has them. */
  time: ArrayLike<number> | null;
  unit: string | null;
}

/** The words of the metrics chart beyond the chart words (only the files draw it). */
export type MetricsText = ChartText & Pick<ViewText, 'accuracy' | 'baselineAccuracy'>;

type Part = Record<string, unknown>;
type Legend = 'none' | 'plain' | 'scroll';

/** Axis digits in the chart's language. */
const digits = (t: ChartText) => {
  const lang = langOf(t.lang);
  return (v: number) => formatNum(v, lang, 3);
};

/** The look's frame around the axes and series (which are the same in every look). */
function framed(look: ChartLook, legend: Legend, body: { xAxis: Part; yAxis: Part; series: Part[] }): ChartOption {
  const doc = look.theme === 'document';
  const gap = (a: Part): Part => (a.nameLocation === 'middle' ? { ...a, nameGap: doc ? 30 : 28 } : a);
  // A file is a picture: nothing in it reacts to a pointer (no hover styles in the SVG).
  const axes = { xAxis: gap(body.xAxis), yAxis: gap(body.yAxis), series: doc ? body.series.map((s) => ({ ...s, silent: true })) : body.series };
  if (look.theme === 'document') {
    const fontFamily = FONT_FAMILY;
    return {
      backgroundColor: '#ffffff',
      animation: false,
      textStyle: { fontFamily, fontSize: 12, color: CHART_COLORS.ink },
      title: { text: look.title, left: 'center', top: 8, textStyle: { fontFamily, fontSize: 16, fontWeight: 'normal' } },
      ...(legend === 'none' ? {} : { legend: { top: 38, ...(legend === 'scroll' ? { type: 'scroll' } : {}), textStyle: { fontFamily } } }),
      grid: { left: 72, right: 32, top: legend === 'none' ? 56 : 84, bottom: 56 },
      ...axes,
    };
  }
  return {
    textStyle: { fontFamily: `${FONT_FAMILY}, sans-serif` },
    animation: false,
    // Room above the plot for the legend row and, under it, the value axis's name.
    grid: { left: 64, right: 24, top: legend === 'none' ? 40 : 56, bottom: 48 },
    tooltip: { trigger: 'axis' },
    ...(legend === 'none' ? {} : { legend: { top: 4, ...(legend === 'scroll' ? { type: 'scroll' } : {}) } }),
    ...axes,
  };
}

/** The first and last epoch (0 and 1 before the first epoch): the epoch axis spans exactly these. */
function epochRange(h: readonly { epoch: number }[]): [number, number] {
  return h.length ? [h[0]!.epoch, h[h.length - 1]!.epoch] : [0, 1];
}

const epochAxis = (t: ChartText, h: readonly { epoch: number }[], fmt: (v: number) => string): Part => {
  const [min, max] = epochRange(h);
  return { type: 'value', name: t.epoch, nameLocation: 'middle', minInterval: 1, min, max, axisLabel: { formatter: fmt } };
};

/**
 * A horizontal reference (the naive baseline) as a dashed two-point series across the epochs:
 * unlike a markLine it is in the legend and the axis range always includes it. Its value is
 * written at its end.
 */
function refLine(name: string, value: number, h: readonly { epoch: number }[], fmt: (v: number) => string): Part {
  const [first, last] = epochRange(h);
  return {
    name,
    type: 'line',
    color: CHART_COLORS.baseline,
    silent: true,
    showSymbol: false,
    lineStyle: { type: 'dashed', width: 1.5 },
    endLabel: { show: true, formatter: fmt(value), color: CHART_COLORS.baseline, align: 'right', verticalAlign: 'bottom', offset: [-4, -4] },
    data: [
      [first, value],
      [last, value],
    ],
  };
}

/**
 * Loss per epoch. `lossName` (e.g. 'mae') names the loss on the value axis: 'Loss (MAE)'.
 */
export function epochChart(
  t: ChartText,
  epochs: EpochLog[],
  baseline: number | null,
  bestEpoch: number | null,
  opts: ChartLook & { lossName?: string } = {},
): ChartOption {
  const fmt = digits(t);
  const best = bestEpoch === null ? undefined : epochs.find((e) => e.epoch === bestEpoch && e.valLoss !== null);
  return framed(opts, 'plain', {
    xAxis: epochAxis(t, epochs, fmt),
    yAxis: { type: 'value', name: opts.lossName ? `${t.loss} (${opts.lossName.toUpperCase()})` : t.loss, scale: true, axisLabel: { formatter: fmt } },
    series: [
      { name: t.train, type: 'line', data: epochs.map((e) => [e.epoch, e.loss]), symbolSize: 6, color: CHART_COLORS.train },
      {
        name: t.validation,
        type: 'line',
        color: CHART_COLORS.validation,
        symbolSize: 6,
        data: epochs.filter((e) => e.valLoss !== null).map((e) => [e.epoch, e.valLoss]),
        markPoint: best
          ? { symbol: 'pin', symbolSize: 44, itemStyle: { color: CHART_COLORS.best }, label: { formatter: fmt(best.epoch), color: '#fff' }, data: [{ coord: [best.epoch, best.valLoss], name: t.best }] }
          : undefined,
      },
      // The pin's legend entry.
      ...(best ? [{ name: t.best, type: 'scatter', data: [], color: CHART_COLORS.best, symbol: 'pin' }] : []),
      ...(baseline !== null ? [refLine(t.baseline, baseline, epochs, fmt)] : []),
    ],
  });
}

/**
 * Validation accuracy (when the history has it) or validation loss in the target's unit, per
 * epoch, beside the matching baseline; null when the history has neither.
 */
export function metricsChart(t: MetricsText, done: TrainDone, opts: ChartLook = {}): ChartOption | null {
  const h = done.history;
  const acc = h.filter((e) => e.valAccuracy != null);
  const phys = h.filter((e) => e.valLossPhysical != null);
  if (!acc.length && !phys.length) return null;
  const fmt = digits(t);
  const useAcc = acc.length > 0;
  const unit = done.targetUnit ? ` (${done.lossName === 'mse' ? `${done.targetUnit}²` : done.targetUnit})` : '';
  const ref = useAcc ? (done.baselineValAccuracy ?? null) : (done.baselineValLossPhysical ?? null);
  const name = useAcc ? t.accuracy : `${t.valLoss}${unit}`;
  const shown = useAcc ? acc : phys;
  return framed(opts, 'plain', {
    xAxis: epochAxis(t, h, fmt),
    yAxis: { type: 'value', name, scale: true, axisLabel: { formatter: fmt } },
    series: [
      { name, type: 'line', color: CHART_COLORS.validation, symbolSize: 6, data: shown.map((e) => [e.epoch, useAcc ? e.valAccuracy : e.valLossPhysical]) },
      ...(ref !== null ? [refLine(useAcc ? t.baselineAccuracy : t.baseline, ref, shown, fmt)] : []),
    ],
  });
}

/** Hours since the first point: from the timestamps when the data has them, else 10-minute rows `stride` apart. */
export function hoursOf(f: Pick<ForecastSeries, 'time'>, stride: number): (i: number) => number {
  const t0 = f.time?.[0];
  return (i) => (f.time && t0 !== undefined ? (f.time[i]! - t0) / 3_600_000 : (i * stride) / 6);
}

/** Truth, prediction and the naive forecast over a stretch of a split; `stride` rows between points. */
export function forecastChart(t: ChartText, f: ForecastSeries, stride: number, opts: ChartLook = {}): ChartOption {
  const fmt = digits(t);
  const hours = hoursOf(f, stride);
  const unit = f.unit ? ` (${f.unit})` : '';
  const line = (arr: ArrayLike<number>) => Array.from(arr, (v, i) => [hours(i), v]);
  const n = f.truth.length;
  return framed(opts, 'plain', {
    xAxis: { type: 'value', name: t.hours, nameLocation: 'middle', min: 0, max: n ? Math.ceil(hours(n - 1)) : 1, axisLabel: { formatter: fmt } },
    yAxis: { type: 'value', name: `${t.truth}${unit}`, scale: true, axisLabel: { formatter: fmt } },
    series: [
      { name: t.truth, type: 'line', showSymbol: false, data: line(f.truth), color: CHART_COLORS.truth, lineStyle: { width: 2 } },
      { name: t.prediction, type: 'line', showSymbol: false, data: line(f.prediction), color: CHART_COLORS.prediction, lineStyle: { width: 2 } },
      { name: t.naive, type: 'line', showSymbol: false, data: line(f.naive), color: CHART_COLORS.baseline, lineStyle: { width: 1, type: 'dashed' } },
    ],
  });
}

/** Prediction - truth in `bins` equal bins (errorBins), each labelled with its middle. */
export function errorHistogram(t: ChartText, f: Pick<ForecastSeries, 'truth' | 'prediction' | 'unit'>, opts: ChartLook & { bins?: number } = {}): ChartOption {
  const fmt = digits(t);
  const lang = langOf(t.lang);
  const b = errorBins(f, opts.bins ?? 24);
  const unit = f.unit ? ` (${f.unit})` : '';
  return framed(opts, 'none', {
    xAxis: { type: 'category', name: `${t.error}${unit}`, nameLocation: 'middle', data: b.counts.map((_, i) => formatNum(binCentre(b, i), lang, 2)) },
    yAxis: { type: 'value', name: t.count, minInterval: 1, axisLabel: { formatter: fmt } },
    series: [{ name: t.count, type: 'bar', data: b.counts, color: CHART_COLORS.prediction }],
  });
}

/** The smoothed loss per batch of the run in progress: [batch, loss] points. */
export function batchChart(t: ChartText, curve: [number, number][], opts: ChartLook = {}): ChartOption {
  const fmt = digits(t);
  return framed(opts, 'none', {
    xAxis: { type: 'value', name: t.batch, nameLocation: 'middle', axisLabel: { formatter: fmt } },
    yAxis: { type: 'value', name: t.loss, scale: true, axisLabel: { formatter: fmt } },
    series: [{ name: t.loss, type: 'line', data: curve, showSymbol: false, sampling: 'lttb', lineStyle: { width: 1.5 } }],
  });
}

/** Keeps a baseline line inside the plotted range. */
function withBaseline(baseline: number | null) {
  return baseline === null ? undefined : (v: { max: number }) => Number((Math.max(v.max, baseline) * 1.05).toPrecision(3));
}

/** Validation loss per epoch of several runs (each named by `label`), with the first run's baseline. */
export function overlayChart(t: ChartText, runs: RunRecord[], label: (r: RunRecord) => string, opts: ChartLook = {}): ChartOption {
  const fmt = digits(t);
  const baselines = runs.map((r) => r.done.baselineValLoss).filter((v): v is number => v !== null);
  return framed(opts, 'scroll', {
    xAxis: { type: 'value', name: t.epoch, nameLocation: 'middle', minInterval: 1, axisLabel: { formatter: fmt } },
    yAxis: { type: 'value', name: t.valLoss, scale: true, max: withBaseline(baselines[0] ?? null), axisLabel: { formatter: fmt } },
    series: [
      ...runs.map((r) => ({
        name: label(r),
        type: 'line',
        symbolSize: 6,
        data: r.done.history.filter((e) => e.valLoss !== null).map((e) => [e.epoch, e.valLoss]),
      })),
      ...(baselines.length
        ? [
            {
              name: t.baseline,
              type: 'line',
              data: [],
              // The legend shows the baseline as the dashed line it is drawn with.
              color: CHART_COLORS.baseline,
              symbol: 'none',
              lineStyle: { type: 'dashed', color: CHART_COLORS.baseline },
              markLine: {
                symbol: 'none',
                lineStyle: { type: 'dashed', color: CHART_COLORS.baseline },
                // Inside the plot, so the label is never cut off at the edge.
                label: { formatter: `${t.baseline} ${fmt(baselines[0]!)}`, position: 'insideEndTop' },
                data: [{ yAxis: baselines[0] }],
              },
            },
          ]
        : []),
    ],
  });
}
