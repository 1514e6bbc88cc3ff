/** Chart options built from run data; language-aware labels and digits, time left to right. */
import type { EpochLog } from '../../../../shared/ipc/contract';
import type { Forecast, RunRecord } from '../../../../shared/runs';
import { formatNumber } from '../../i18n';
import type { ChartOption } from './Chart';

export interface ChartText {
  lang: string;
  epoch: string;
  batch: string;
  loss: string;
  train: string;
  validation: string;
  baseline: string;
  best: string;
  truth: string;
  prediction: string;
  naive: string;
  hours: string;
  count: string;
  error: string;
  valLoss: string;
}

/** What every chart shares: the app font, no animation, the plot margins, an axis tooltip. */
const COMMON = {
  textStyle: { fontFamily: 'Vazirmatn, sans-serif' },
  animation: false,
  grid: { left: 64, right: 24, top: 40, bottom: 48 },
  tooltip: { trigger: 'axis' as const },
};
const LEGEND = { top: 4 };

/** Axis digits in the current language. */
const base = (t: ChartText) => ({
  numFmt: (v: number) => formatNumber(v, t.lang, { maximumFractionDigits: 3 }),
});

/** Keeps a baseline line inside the plotted range. */
function withBaseline(baseline: number | null) {
  return baseline === null ? undefined : (v: { max: number }) => Number((Math.max(v.max, baseline) * 1.05).toPrecision(3));
}

export function epochChart(t: ChartText, epochs: EpochLog[], baseline: number | null, bestEpoch: number | null): ChartOption {
  const b = base(t);
  const series: unknown[] = [
    { name: t.train, type: 'line', data: epochs.map((e) => [e.epoch, e.loss]), symbolSize: 6 },
    {
      name: t.validation,
      type: 'line',
      data: epochs.filter((e) => e.valLoss !== null).map((e) => [e.epoch, e.valLoss]),
      symbolSize: 6,
      markPoint:
        bestEpoch !== null
          ? { symbol: 'pin', symbolSize: 36, label: { formatter: t.best }, data: epochs.filter((e) => e.epoch === bestEpoch && e.valLoss !== null).map((e) => ({ coord: [e.epoch, e.valLoss], name: t.best })) }
          : undefined,
      markLine:
        baseline !== null
          ? { symbol: 'none', lineStyle: { type: 'dashed', color: '#a15c00' }, label: { formatter: `${t.baseline} ${b.numFmt(baseline)}`, position: 'insideEndTop' }, data: [{ yAxis: baseline, name: t.baseline }] }
          : undefined,
    },
  ];
  return {
    ...COMMON,
    legend: LEGEND,
    xAxis: { type: 'value', name: t.epoch, nameLocation: 'middle', nameGap: 28, minInterval: 1, axisLabel: { formatter: b.numFmt } },
    yAxis: { type: 'value', name: t.loss, scale: true, max: withBaseline(baseline), axisLabel: { formatter: b.numFmt } },
    series,
  };
}

export function batchChart(t: ChartText, curve: [number, number][]): ChartOption {
  const b = base(t);
  return {
    ...COMMON,
    xAxis: { type: 'value', name: t.batch, nameLocation: 'middle', nameGap: 28, axisLabel: { formatter: b.numFmt } },
    yAxis: { type: 'value', name: t.loss, scale: true, axisLabel: { formatter: b.numFmt } },
    series: [{ name: t.loss, type: 'line', data: curve, showSymbol: false, sampling: 'lttb', lineStyle: { width: 1.5 } }],
  };
}

export function overlayChart(t: ChartText, runs: RunRecord[], label: (r: RunRecord) => string): ChartOption {
  const b = base(t);
  const baselines = runs.map((r) => r.done.baselineValLoss).filter((v): v is number => v !== null);
  return {
    ...COMMON,
    grid: { ...COMMON.grid, top: 56 },
    legend: { ...LEGEND, type: 'scroll' },
    xAxis: { type: 'value', name: t.epoch, nameLocation: 'middle', nameGap: 28, minInterval: 1, axisLabel: { formatter: b.numFmt } },
    yAxis: { type: 'value', name: t.valLoss, scale: true, max: withBaseline(baselines[0] ?? null), axisLabel: { formatter: b.numFmt } },
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
              color: '#a15c00',
              symbol: 'none',
              lineStyle: { type: 'dashed', color: '#a15c00' },
              markLine: {
                symbol: 'none',
                lineStyle: { type: 'dashed', color: '#a15c00' },
                // Inside the plot, so the label is never cut off at the edge.
                label: { formatter: `${t.baseline} ${b.numFmt(baselines[0]!)}`, position: 'insideEndTop' },
                data: [{ yAxis: baselines[0] }],
              },
            },
          ]
        : []),
    ],
  };
}

export function forecastChart(t: ChartText, f: Forecast, stride: number): ChartOption {
  const b = base(t);
  // Hours since the first point: from the timestamps when the data has them (else 10-minute rows).
  const t0 = f.time?.[0];
  const hours = (i: number) => (f.time && t0 !== undefined ? (f.time[i]! - t0) / 3_600_000 : (i * stride) / 6);
  const unit = f.unit ? ` (${f.unit})` : '';
  return {
    ...COMMON,
    legend: LEGEND,
    xAxis: { type: 'value', name: t.hours, nameLocation: 'middle', nameGap: 28, axisLabel: { formatter: b.numFmt } },
    yAxis: { type: 'value', name: `${t.truth}${unit}`, scale: true, axisLabel: { formatter: b.numFmt } },
    series: [
      { name: t.truth, type: 'line', showSymbol: false, data: f.truth.map((v, i) => [hours(i), v]), lineStyle: { width: 2, color: '#1d2330' }, itemStyle: { color: '#1d2330' } },
      { name: t.prediction, type: 'line', showSymbol: false, data: f.prediction.map((v, i) => [hours(i), v]), lineStyle: { width: 2, color: '#2160c4' }, itemStyle: { color: '#2160c4' } },
      { name: t.naive, type: 'line', showSymbol: false, data: f.naive.map((v, i) => [hours(i), v]), lineStyle: { width: 1, type: 'dashed', color: '#a15c00' }, itemStyle: { color: '#a15c00' } },
    ],
  };
}

export function errorHistogram(t: ChartText, f: Forecast, bins = 24): ChartOption {
  const b = base(t);
  const errs = f.prediction.map((p, i) => p - f.truth[i]!);
  const lo = Math.min(...errs, 0);
  const hi = Math.max(...errs, 0);
  const w = (hi - lo) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const e of errs) counts[Math.min(bins - 1, Math.floor((e - lo) / w))]!++;
  return {
    ...COMMON,
    xAxis: { type: 'category', name: t.error, nameLocation: 'middle', nameGap: 28, data: counts.map((_, i) => b.numFmt(lo + (i + 0.5) * w)) },
    yAxis: { type: 'value', name: t.count, axisLabel: { formatter: b.numFmt } },
    series: [{ type: 'bar', data: counts, itemStyle: { color: '#2160c4' } }],
  };
}
