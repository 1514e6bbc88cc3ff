// shared/views: the window and the exports share their views. The charts the engine renders to
// files are the builders the Runs page uses (same series, colours, axis names, bins, digits; only
// the frame differs), with the same words (shared/views/text.ts, merged into the renderer's i18n)
// and the one number formatting (shared/views/format.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import type { Language } from '../../shared/ipc/contract';
import type { Forecast, RunRecord } from '../../shared/runs';
import { CHART_COLORS, epochChart, errorHistogram, forecastChart, type ChartOption } from '../../shared/views/charts';
import { formatNum, formatNumber, formatPlain, formatValue, toPersianDigits } from '../../shared/views/format';
import { binCentre, errorBins } from '../../shared/views/histogram';
import { CHART_WORDS, chartText, langOf, viewText, type ChartText } from '../../shared/views/text';
import { withViewWords } from '../../renderer/src/i18n/view-words';
import { plotOptions } from '../../main/engine/export/plots';

/** A finished forecasting run: validation loss lowest at epoch 4, the baseline 0.29. */
function record(): RunRecord {
  const history = [1, 2, 3, 4, 5, 6].map((epoch) => ({
    epoch,
    loss: 0.5 / epoch + 0.1,
    valLoss: [0.45, 0.36, 0.3, 0.25, 0.27, 0.28][epoch - 1]!,
    valLossPhysical: [3.6, 2.9, 2.4, 2.0, 2.2, 2.3][epoch - 1]!,
    seconds: 1,
  }));
  return {
    id: 'run-views',
    createdAt: '2026-11-01T10:00:00.000Z',
    experiment: STARTER_EXPERIMENT,
    backend: 'cpu',
    params: 321,
    done: {
      runId: 'run-views', status: 'completed', history, finalLoss: history[5]!.loss, finalValLoss: 0.28, baselineValLoss: 0.29, bestEpoch: 4, wallSeconds: 6,
      lossName: 'mae', targetUnit: 'degC', baselineValLossPhysical: 2.35, bestValLoss: 0.25, bestValLossPhysical: 2.0,
    },
  };
}

/** The forecast as the window gets it over IPC (shared/runs Forecast): errors of ±0.5 and 1.5. */
function forecast(): Forecast {
  const truth = Array.from({ length: 48 }, (_, i) => 8 + 6 * Math.sin((i / 24) * 2 * Math.PI));
  const prediction = truth.map((v, i) => v + (i % 4 === 3 ? 1.5 : i % 2 ? 0.5 : -0.5));
  return { runId: 'run-views', split: 'test', unit: 'degC', time: null, truth, prediction, naive: truth.map((_, i) => truth[Math.max(0, i - 6)]!), available: 48 };
}

/** The window's chart words, as RunsPage reads them: t('chart.<word>') from the i18n `runs` namespace. */
function rendererText(lang: Language): ChartText {
  const load = (l: string) => JSON.parse(readFileSync(`renderer/src/i18n/locales/${l}/runs.json`, 'utf8')) as Record<string, unknown>;
  const resources = withViewWords({ fa: { runs: load('fa') }, en: { runs: load('en') } });
  const chart = resources[lang]!.runs!.chart as Record<string, string>;
  return { lang, ...Object.fromEntries(CHART_WORDS.map((k) => [k, chart[k]!])) } as ChartText;
}

/** An option as data: every function (axis label formatter) replaced by what it writes for 12.5. */
function plain(v: unknown): unknown {
  if (typeof v === 'function') return `fn(12.5)=${(v as (x: number) => string)(12.5)}`;
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** What a chart shows, whatever its look: the axes (without the name gap) and the series (without `silent`). */
function content(o: ChartOption) {
  const axis = (a: unknown) => {
    const { nameGap: _g, ...rest } = a as Record<string, unknown>;
    return plain(rest);
  };
  const series = (o.series as Record<string, unknown>[]).map(({ silent: _s, ...rest }) => plain(rest));
  return { xAxis: axis(o.xAxis), yAxis: axis(o.yAxis), series };
}

describe('shared/views/text: one table of words', () => {
  it('titles and axis words in Persian and English', () => {
    expect(viewText('fa').lossTitle).toBe('خطا در هر دوره');
    expect(viewText('en').lossTitle).toBe('Loss per epoch');
    expect(viewText('fa').errorsTitle).toBe('توزیع خطای پیش‌بینی');
    expect(chartText('en')).toMatchObject({ lang: 'en', epoch: 'Epoch', best: 'Best epoch', truth: 'True value', valLoss: 'Validation loss' });
    expect(chartText('fa')).toMatchObject({ lang: 'fa', epoch: 'دوره', baseline: 'خط پایهٔ ساده', truth: 'مقدار واقعی' });
    for (const lang of ['fa', 'en'] as const) expect(Object.keys(viewText(lang)).sort()).toEqual(Object.keys(viewText('en')).sort());
    expect([langOf('fa'), langOf('fa-IR'), langOf('en'), langOf('en-US'), langOf(undefined)]).toEqual(['fa', 'fa', 'en', 'en', 'en']);
  });

  it('the window reads the same chart words the exports use (merged into runs.json, not copied there)', () => {
    for (const lang of ['fa', 'en'] as const) {
      expect(rendererText(lang)).toEqual(chartText(lang));
      const json = JSON.parse(readFileSync(`renderer/src/i18n/locales/${lang}/runs.json`, 'utf8')) as { chart: Record<string, string>; forecast: Record<string, string> };
      for (const w of CHART_WORDS) expect(json.chart[w], `runs.json chart.${w}`).toBeUndefined();
      const runs = withViewWords({ [lang]: { runs: json } })[lang]!.runs as typeof json;
      expect(runs.forecast.title).toBe(viewText(lang).forecastTitle);
      expect(runs.forecast.errors).toBe(viewText(lang).errorsTitle);
      // The window's own words stay.
      expect(runs.chart.epochTitle).toBe(json.chart.epochTitle);
    }
  });
});

describe('shared/views/format: numbers for people', () => {
  it('Persian digits and decimal sign in Persian, Latin in English', () => {
    expect(formatNum(12.5, 'fa')).toBe('۱۲٫۵');
    expect(formatNum(12.5, 'en')).toBe('12.5');
    expect(formatNum(0.29, 'fa', 3)).toBe('۰٫۲۹');
    expect(formatNum(0.2718, 'fa', 4, 4)).toBe('۰٫۲۷۱۸');
    expect(formatNum(2, 'en', 2, 2)).toBe('2.00');
    expect(formatNum(1 / 3, 'en')).toBe('0.333');
    expect(formatNumber(12345, 'fa')).toBe('۱۲٬۳۴۵');
    expect(formatNumber(0.5, 'en', { style: 'percent' })).toBe('50%');
    expect(formatNumber(Number.NaN, 'fa')).toBe('NaN');
    expect(formatValue(1234.56, 'en')).toBe('1,234.6');
    expect(formatValue(0.123456, 'fa')).toBe('۰٫۱۲۳۵');
    expect(formatValue(null, 'en')).toBe('–');
    expect(formatPlain(0.29, 'fa')).toBe('۰٫۲۹');
    expect(formatPlain(-1, 'en')).toBe('−1');
    expect(formatPlain(0.5, 'fa', 3)).toBe('۰٫۵۰۰');
    expect(toPersianDigits('24')).toBe('۲۴');
  });
});

describe('shared/views/histogram: one error histogram', () => {
  it('bins a known error array; the range always holds zero', () => {
    const b = errorBins({ truth: [0, 0, 0, 0, 0], prediction: [-1, -0.5, 0.5, 1, 0.9] }, 4);
    expect(b).toEqual({ lo: -1, width: 0.5, counts: [1, 1, 0, 3] });
    expect([0, 1, 2, 3].map((i) => binCentre(b, i))).toEqual([-0.75, -0.25, 0.25, 0.75]);
    const up = errorBins({ truth: [1, 1, 1], prediction: [2, 3, 4] }, 3);
    expect(up.lo).toBe(0);
    expect(up.lo + 3 * up.width).toBe(3);
    expect(up.counts).toEqual([0, 1, 2]);
    // All errors zero: one unit-wide range, everything in the first bin.
    expect(errorBins({ truth: [5, 5], prediction: [5, 5] }, 2)).toEqual({ lo: 0, width: 1, counts: [2, 0] });
  });
});

describe('shared/views/charts: the window and the files draw the same chart', () => {
  it('the export renders exactly the builders (document look) for a run', () => {
    for (const lang of ['fa', 'en'] as const) {
      const r = record();
      const f = { ...forecast(), stride: 6, split: 'test' as const };
      const plots = plotOptions(r, { lang, forecast: f });
      expect(plots.map((p) => p.name)).toEqual(['loss', 'metrics', 'forecast', 'errors']);
      const v = viewText(lang);
      const t = chartText(lang);
      const byName = Object.fromEntries(plots.map((p) => [p.name, p]));
      expect(plain(byName.loss!.option)).toEqual(plain(epochChart(t, r.done.history, 0.29, 4, { theme: 'document', title: v.lossTitle, lossName: 'mae' })));
      expect(plain(byName.forecast!.option)).toEqual(plain(forecastChart(t, f, 6, { theme: 'document', title: v.forecastTitle })));
      expect(plain(byName.errors!.option)).toEqual(plain(errorHistogram(t, f, { theme: 'document', title: v.errorsTitle })));
      expect(byName.loss!.title).toBe(v.lossTitle);
    }
  });

  it('screen and document: same axes, series, colours, bins and digits; only the frame differs', () => {
    for (const lang of ['fa', 'en'] as const) {
      const r = record();
      const f = forecast();
      const screenText = rendererText(lang);
      const docs = Object.fromEntries(plotOptions(r, { lang, forecast: { ...f, split: 'test', stride: 6 } }).map((p) => [p.name, p.option]));
      // What RunsPage passes: forecastChart(ct, forecast, 6), errorHistogram(ct, forecast), epochChart(ct, history, baseline, best).
      expect(content(forecastChart(screenText, f, 6))).toEqual(content(docs.forecast!));
      expect(content(errorHistogram(screenText, f))).toEqual(content(docs.errors!));
      const screenLoss = content(epochChart(screenText, r.done.history, 0.29, 4));
      const docLoss = content(docs.loss!);
      expect(screenLoss.series).toEqual(docLoss.series);
      expect(screenLoss.xAxis).toEqual(docLoss.xAxis);
      // The window has no loss name to hand (its y axis says 'Loss'); the file names it.
      expect((screenLoss.yAxis as { name: string }).name).toBe(viewText(lang).loss);
      expect((docLoss.yAxis as { name: string }).name).toBe(`${viewText(lang).loss} (MAE)`);
      // The frames: the window has a tooltip and no title; the file a white page with its title, static series.
      const screen = forecastChart(screenText, f, 6);
      expect(screen.tooltip).toEqual({ trigger: 'axis' });
      expect(screen.title).toBeUndefined();
      expect(docs.forecast!.title).toMatchObject({ text: viewText(lang).forecastTitle });
      expect(docs.forecast!.backgroundColor).toBe('#ffffff');
      expect((docs.forecast!.series as { silent?: boolean }[]).every((s) => s.silent)).toBe(true);
    }
  });

  it('words, colours, bins and digits of the charts', () => {
    const f = forecast();
    const fa = epochChart(chartText('fa'), record().done.history, 0.29, 4);
    const series = fa.series as { name: string; color?: string; endLabel?: { formatter: string }; markPoint?: { label: { formatter: string } } }[];
    expect(series.map((s) => s.name)).toEqual(['آموزش', 'اعتبارسنجی', 'بهترین دوره', 'خط پایهٔ ساده']);
    expect(series.map((s) => s.color)).toEqual([CHART_COLORS.train, CHART_COLORS.validation, CHART_COLORS.best, CHART_COLORS.baseline]);
    expect(series[3]!.endLabel!.formatter).toBe('۰٫۲۹');
    expect(series[1]!.markPoint!.label.formatter).toBe('۴');
    const axis = fa.xAxis as { name: string; min: number; max: number; axisLabel: { formatter: (v: number) => string } };
    expect([axis.name, axis.min, axis.max, axis.axisLabel.formatter(12.5)]).toEqual(['دوره', 1, 6, '۱۲٫۵']);
    expect((epochChart(chartText('en'), [], null, null).xAxis as { axisLabel: { formatter: (v: number) => string } }).axisLabel.formatter(12.5)).toBe('12.5');

    // The histogram shows errorBins of the forecast, labelled with the bins' middles in the language's digits.
    const bins = errorBins(f);
    expect(bins.counts.reduce((a, b) => a + b, 0)).toBe(48);
    for (const lang of ['fa', 'en'] as const) {
      const h = errorHistogram(chartText(lang), f);
      expect((h.series as { data: number[] }[])[0]!.data).toEqual(bins.counts);
      const x = h.xAxis as { name: string; data: string[] };
      expect(x.name).toBe(`${viewText(lang).error} (degC)`);
      expect(x.data).toEqual(bins.counts.map((_, i) => formatNum(binCentre(bins, i), lang, 2)));
    }
    expect((errorHistogram(chartText('fa'), f).xAxis as { data: string[] }).data.every((s) => !/[0-9]/.test(s))).toBe(true);
    // Forecast: hours from the rows (stride 6 = one hour), the true value in the target's unit.
    const fc = forecastChart(chartText('en'), f, 6);
    expect((fc.yAxis as { name: string }).name).toBe('True value (degC)');
    expect((fc.xAxis as { max: number }).max).toBe(47);
    expect((fc.series as { data: number[][] }[])[1]!.data[2]).toEqual([2, f.prediction[2]]);
  });
});

describe('one implementation, used by both sides', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = path.join(dir, name);
      return statSync(p).isDirectory() ? sources(p) : /\.(ts|tsx)$/.test(name) ? [p] : [];
    });
  const all = ['renderer/src', 'main', 'shared'].flatMap(sources);

  it('numbers are formatted, and errors binned, in shared/views only', () => {
    expect(all.filter((f) => readFileSync(f, 'utf8').includes('Intl.NumberFormat('))).toEqual([path.join('shared', 'views', 'format.ts')]);
    expect(all.filter((f) => /function errorBins\b/.test(readFileSync(f, 'utf8')))).toEqual([path.join('shared', 'views', 'histogram.ts')]);
  });

  it('the Runs page and the plot export import the same chart builders', () => {
    expect(readFileSync('renderer/src/features/runs/RunsPage.tsx', 'utf8')).toMatch(/from '\.\.\/\.\.\/\.\.\/\.\.\/shared\/views\/charts'/);
    expect(readFileSync('main/engine/export/plots.ts', 'utf8')).toMatch(/from '\.\.\/\.\.\/\.\.\/shared\/views\/charts'/);
    expect(readFileSync('main/engine/export/report.ts', 'utf8')).toMatch(/from '\.\.\/\.\.\/\.\.\/shared\/views\/format'/);
  });
});
