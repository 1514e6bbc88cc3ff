/**
 * The one-page run report: a self-contained HTML file (inline CSS, inline SVG charts, the
 * Vazirmatn font embedded, no script, no outside address), printable on A4. In Persian it is
 * right to left (dir=rtl); the charts keep time left to right.
 *
 *   reportHtml(record, { lang, plots }) -> string
 *
 * Contents: run facts (date, status, backend, seed, wall time, parameters), final and best
 * figures beside the naive baseline, the model summary (layer, output shape, parameters, from
 * shared/model/summary.ts), dataset and windowing, training settings, and the curves.
 * The desktop app prints this HTML to report.pdf (main/app/pdf.ts); in browser mode the HTML is
 * the printable report.
 */
import { buildSummary, fromKerasSpec, type ModelSummary } from '../../../shared/model';
import type { RunRecord } from '../../../shared/runs';
import type { Language } from '../../../shared/ipc/contract';
import { FONT_FAMILY } from '../../../shared/views/charts';
import { formatNum } from '../../../shared/views/format';
import { viewText, type ViewText } from '../../../shared/views/text';
import { fontFaceCss } from './assets';
import type { Plot } from './plots';

export interface ReportOptions {
  lang: Language;
  /** Charts to show (runPlots), without their own embedded font: the page embeds it once. */
  plots: Plot[];
}

/** The page's policy: nothing may be fetched or run, only inline styles and data: fonts/images. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function summaryOf(record: RunRecord): ModelSummary | null {
  try {
    return buildSummary(fromKerasSpec(record.experiment.model));
  } catch {
    return null;
  }
}

/**
 * The SVG sized by its container (its viewBox keeps the proportions), labelled for readers. Its
 * ids and classes (ECharts names them zr<n>-...) get the plot's name, so that several charts in
 * one page never share a clip path or a style.
 */
function inlineSvg(p: Plot): string {
  return p.svg.replace(/\bzr(\d+)-/g, `zr$1${p.name}-`).replace(/^<svg\b([^>]*?)\swidth="[\d.]+"\sheight="[\d.]+"/, `<svg$1 role="img" aria-label="${esc(p.title)}"`);
}

function row(cells: string[], head = false): string {
  const tag = head ? 'th' : 'td';
  return `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
}

function factsTable(record: RunRecord, t: ViewText, lang: Language): string {
  const n = (v: number, d = 3) => formatNum(v, lang, d);
  const d = record.done;
  const date = (() => {
    const when = new Date(record.createdAt);
    return Number.isNaN(when.getTime()) ? esc(record.createdAt) : esc(new Intl.DateTimeFormat(lang === 'fa' ? 'fa-IR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(when));
  })();
  const items: [string, string][] = [
    [t.runId, `<bdi dir="ltr">${esc(record.id)}</bdi>`],
    [t.created, date],
    [t.status, esc(t[d.status])],
    [t.backend, `<bdi dir="ltr">${esc(record.backend)}</bdi>`],
    [t.seed, n(record.experiment.training.seed, 0)],
    [t.wall, `${n(d.wallSeconds, 1)} ${esc(t.seconds)}`],
  ];
  if (record.params !== null) items.push([t.totalParams, n(record.params, 0)]);
  return `<table class="facts">${items.map(([k, v]) => row([esc(k), v])).join('')}</table>`;
}

function metricsTable(record: RunRecord, t: ViewText, lang: Language): string {
  const d = record.done;
  const unit = d.targetUnit ? (d.lossName === 'mse' ? `${d.targetUnit}²` : d.targetUnit) : '';
  const fig = (v: number | null | undefined, phys?: number | null, digits = 4) =>
    v == null ? '–' : `${formatNum(v, lang, digits, digits)}${phys != null ? ` <span class="muted">(${formatNum(phys, lang, 2, 2)} <bdi dir="ltr">${esc(unit)}</bdi>)</span>` : ''}`;
  const rows: string[] = [row([esc(t.metric), esc(t.model), esc(t.naiveBaseline)], true)];
  const best = d.bestValLoss ?? d.finalValLoss;
  rows.push(`<tr data-metric="best-val">${[esc(t.bestVal), fig(best, d.bestValLossPhysical), fig(d.baselineValLoss, d.baselineValLossPhysical)].map((c) => `<td>${c}</td>`).join('')}</tr>`);
  if (d.testLoss != null) rows.push(`<tr data-metric="test">${[esc(t.test), fig(d.testLoss, d.testLossPhysical), fig(d.baselineTestLoss, d.baselineTestLossPhysical)].map((c) => `<td>${c}</td>`).join('')}</tr>`);
  if (d.valAccuracy != null) rows.push(row([esc(t.valAcc), fig(d.valAccuracy, null, 3), fig(d.baselineValAccuracy, null, 3)]));
  if (d.testAccuracy != null) rows.push(row([esc(t.testAcc), fig(d.testAccuracy, null, 3), fig(d.baselineTestAccuracy, null, 3)]));
  rows.push(row([esc(t.finalTrain), fig(d.finalLoss), '–']));
  rows.push(row([esc(t.finalVal), fig(d.finalValLoss), '–']));
  if (d.bestEpoch != null) rows.push(row([esc(t.bestEpoch), formatNum(d.bestEpoch, lang, 0), '–']));
  let verdict = '';
  if (best != null && d.baselineValLoss != null) {
    const beats = best < d.baselineValLoss;
    verdict = `<p class="${beats ? 'good' : 'warn'}">${esc(beats ? t.beats : t.loses)}</p>`;
  }
  if (d.earlyStopped) verdict += `<p class="muted">${esc(t.earlyStopped)}</p>`;
  return `<table class="metrics">${rows.join('')}</table>${verdict}`;
}

function modelTable(record: RunRecord, t: ViewText, lang: Language): string {
  const s = summaryOf(record);
  if (!s) return `<p class="muted">${esc(t.noModel)}</p>`;
  const rows = [row([esc(t.layer), esc(t.outputShape), esc(t.params)], true)];
  for (const r of s.rows) rows.push(row([`<bdi dir="ltr">${esc(r.layer)}</bdi>`, `<bdi dir="ltr">${esc(r.outputShapeText)}</bdi>`, formatNum(r.params, lang, 0)]));
  rows.push(`<tr class="total">${[esc(t.totalParams), '', formatNum(s.totals.total, lang, 0)].map((c) => `<td>${c}</td>`).join('')}</tr>`);
  rows.push(row([esc(t.trainableParams), '', formatNum(s.totals.trainable, lang, 0)]));
  return `<table class="model">${rows.join('')}</table>`;
}

function settingsTables(record: RunRecord, t: ViewText, lang: Language): string {
  const e = record.experiment;
  const n = (v: number) => formatNum(v, lang, 6);
  const w = e.windowing;
  const ds = e.dataset.kind === 'builtin' ? e.dataset.id : (e.dataset.name ?? e.dataset.fileId);
  const data: [string, string][] = [
    [t.dataset, `<bdi dir="ltr">${esc(ds)}</bdi>`],
    [t.lookback, n(w.lookback)],
    [t.step, n(w.step)],
    [t.delay, n(w.delay)],
    [t.batchSize, n(w.batchSize)],
    [t.targetColumn, n(w.targetColumn)],
    [t.inputColumns, w.inputColumns ? w.inputColumns.map(n).join('، ') : esc(t.all)],
  ];
  if (w.splits) data.push([t.splits, `${n(w.splits.train)} / ${n(w.splits.validation)}`]);
  const tr = e.training;
  const training: [string, string][] = [
    [t.optimizer, `<bdi dir="ltr">${esc(tr.optimizer)}</bdi>`],
    [t.learningRate, n(tr.learningRate)],
    [t.lossFn, `<bdi dir="ltr">${esc(tr.loss)}</bdi>`],
    [t.epochs, n(tr.epochs)],
    [t.stepsPerEpoch, n(tr.stepsPerEpoch)],
    [t.validationSteps, n(tr.validationSteps)],
    [t.seed, n(tr.seed)],
  ];
  if (tr.patience) training.push([t.patience, n(tr.patience)]);
  const table = (title: string, items: [string, string][]) =>
    `<section class="half"><h2>${esc(title)}</h2><table class="facts">${items.map(([k, v]) => row([esc(k), v])).join('')}</table></section>`;
  return `<div class="pair">${table(t.sectionData, data)}${table(t.sectionTraining, training)}</div>`;
}

const CSS = `
*{box-sizing:border-box}
body{font-family:${FONT_FAMILY},sans-serif;color:#1d2330;margin:0 auto;padding:16px 24px;max-width:210mm;font-size:11pt;line-height:1.45;background:#fff}
h1{font-size:17pt;margin:0 0 2px}
h2{font-size:12.5pt;margin:14px 0 6px;border-bottom:1px solid #d4d8e0;padding-bottom:2px}
.sub{color:#5b6270;margin:0 0 8px}
table{border-collapse:collapse;width:100%;font-size:10pt}
th,td{border:1px solid #d4d8e0;padding:3px 6px;text-align:start;vertical-align:top}
th{background:#f1f3f7;font-weight:600}
table.facts td:first-child{color:#5b6270;width:45%}
table.metrics td:not(:first-child),table.model td:last-child{font-variant-numeric:tabular-nums}
tr.total td{border-top:2px solid #8a93a3}
.muted{color:#5b6270}
.good{color:#15803d;font-weight:600}
.warn{color:#a15c00;font-weight:600}
.pair{display:flex;gap:16px}
.pair>.half{flex:1;min-width:0}
.top{display:flex;gap:16px}
.top>*{flex:1;min-width:0}
.plots{display:grid;grid-template-columns:1fr 1fr;gap:8px}
.plots figure{margin:0;break-inside:avoid}
.plots figure{direction:ltr}
.plots svg{width:100%;height:auto;display:block;border:1px solid #eceef2;direction:ltr}
footer{margin-top:10px;font-size:8.5pt;color:#5b6270}
@page{size:A4;margin:12mm}
@media print{
  body{padding:0;max-width:none;font-size:8.5pt;line-height:1.3}
  h1{font-size:14pt}
  h2{font-size:10.5pt;margin:6px 0 3px}
  .sub{margin:0 0 4px}
  p{margin:4px 0}
  table{font-size:8.5pt}
  th,td{padding:1px 4px}
  section,table,figure{break-inside:avoid}
  .plots{gap:4px}
}
`;

/** The report page (see the file comment). */
export async function reportHtml(record: RunRecord, opts: ReportOptions): Promise<string> {
  const { lang } = opts;
  const t = viewText(lang);
  const font = await fontFaceCss();
  // Charts are laid out left to right in both languages (SVG text anchors follow the direction).
  const plots = opts.plots.map((p) => `<figure data-plot="${p.name}" dir="ltr">${inlineSvg(p)}</figure>`).join('');
  return `<!doctype html>
<html lang="${lang}" dir="${lang === 'fa' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(t.reportTitle)} — ${esc(record.experiment.name)}</title>
<style>${font}${CSS}</style>
</head>
<body>
<header>
<h1>${esc(t.reportTitle)}: <bdi>${esc(record.experiment.name)}</bdi></h1>
<p class="sub">${esc(t.generated)}</p>
</header>
<div class="top">
<section><h2>${esc(t.sectionRun)}</h2>${factsTable(record, t, lang)}</section>
<section><h2>${esc(t.sectionSummary)}</h2>${metricsTable(record, t, lang)}</section>
</div>
<section><h2>${esc(t.sectionModel)}</h2>${modelTable(record, t, lang)}</section>
${settingsTables(record, t, lang)}
${plots ? `<section><h2>${esc(t.sectionCurves)}</h2><div class="plots">${plots}</div></section>` : ''}
</body>
</html>
`;
}
