/** Chart options of the pretraining tab: learning curves (mean over seeds) and the PCA scatter. */
import type { Language } from '../../../../../shared/ipc/contract';
import type { ChartOption } from '../../../../../shared/views/charts';
import { formatNumber } from '../../../../../shared/views/format';

export interface PretrainChartText {
  lang: Language;
  epoch: string;
  accuracy: string;
  loss: string;
  pretrained: string;
  random: string;
  digit: (d: number) => string;
  pc1: string;
  pc2: string;
}

/** Ten distinguishable colours, one per digit (Tableau 10). */
export const DIGIT_COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#7f7f7f'];
export const MODEL_COLOURS = { pretrained: '#2160c4', random: '#a15c00' } as const;

const COMMON = {
  textStyle: { fontFamily: 'Vazirmatn, sans-serif' },
  animation: false,
  grid: { left: 64, right: 24, top: 40, bottom: 48 },
};

export interface CurvePoint {
  epoch: number;
  value: number;
}

/** One metric per epoch for both networks; time (epochs) left to right in both languages. */
export function curveChart(t: PretrainChartText, metric: 'accuracy' | 'loss', pretrained: CurvePoint[], random: CurvePoint[]): ChartOption {
  const fmt = (v: number) => formatNumber(v, t.lang, metric === 'accuracy' ? { style: 'percent', maximumFractionDigits: 0 } : { maximumFractionDigits: 2 });
  const line = (name: string, data: CurvePoint[], color: string) => ({
    name,
    type: 'line',
    symbolSize: 5,
    data: data.map((p) => [p.epoch, p.value]),
    lineStyle: { width: 2, color },
    itemStyle: { color },
  });
  return {
    ...COMMON,
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt(v) },
    legend: { top: 4 },
    xAxis: { type: 'value', name: t.epoch, nameLocation: 'middle', nameGap: 28, minInterval: 1, axisLabel: { formatter: (v: number) => formatNumber(v, t.lang) } },
    yAxis: { type: 'value', name: metric === 'accuracy' ? t.accuracy : t.loss, scale: metric === 'loss', min: metric === 'accuracy' ? 0 : undefined, max: metric === 'accuracy' ? 1 : undefined, axisLabel: { formatter: fmt } },
    series: [line(t.pretrained, pretrained, MODEL_COLOURS.pretrained), line(t.random, random, MODEL_COLOURS.random)],
  };
}

/** The code layer of test digits projected on its first two principal components, one colour per digit. */
export function pcaChart(t: PretrainChartText, view: { x: number[]; y: number[] }, labels: number[]): ChartOption {
  const fmt = (v: number) => formatNumber(v, t.lang, { maximumSignificantDigits: 2 });
  const byDigit = Array.from({ length: 10 }, (): [number, number][] => []);
  labels.forEach((d, i) => byDigit[d]?.push([view.x[i]!, view.y[i]!]));
  return {
    ...COMMON,
    grid: { ...COMMON.grid, top: 56 },
    tooltip: { trigger: 'item', formatter: (p: { seriesIndex: number }) => t.digit(p.seriesIndex) },
    // Legend entries are the digits themselves (in the language's numerals), so ten fit on one line.
    legend: { top: 4, itemWidth: 12, itemHeight: 12, itemGap: 8 },
    xAxis: { type: 'value', name: t.pc1, nameLocation: 'middle', nameGap: 28, scale: true, axisLabel: { formatter: fmt } },
    yAxis: { type: 'value', name: t.pc2, scale: true, axisLabel: { formatter: fmt } },
    series: byDigit.map((points, d) => ({
      name: formatNumber(d, t.lang),
      type: 'scatter',
      symbolSize: 5,
      data: points,
      itemStyle: { color: DIGIT_COLOURS[d], opacity: 0.75 },
    })),
  };
}
