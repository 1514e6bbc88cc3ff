import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DescribeResponse, SeriesResponse } from '../../../../shared/ipc/data';
import { api } from '../../api';
import { toUiError, type UiError } from '../../store';
import { ErrorText } from './DatasetPicker';
import { selectDataset, useData } from './data-store';
import { useDataFormat } from './format';
import { LineChart } from './LineChart';

/** What the selected dataset holds: size, problems, per-column statistics, the first rows, and a plot. */
export function DatasetView() {
  const { t } = useTranslation('dataUi');
  const fmt = useDataFormat();
  const d = useData((s) => s.description);
  const dataset = useData((s) => s.dataset);
  if (!d) return <section className="card data-view"><p className="muted">{t('view.loading')}</p></section>;
  const title = dataset.kind === 'file' ? (dataset.name ?? dataset.fileId) : t(`data:builtin.${dataset.id}`);
  const p = d.problems;
  const iv = d.time?.interval ?? null;
  const unit = iv?.unit ?? null;
  return (
    <section className="card data-view" aria-labelledby="data-view-title">
      <h2 id="data-view-title" dir="auto">{title}</h2>
      <dl className="stats">
        <div>
          <dt>{d.kind === 'task' ? t('view.samples') : t('view.rows')}</dt>
          <dd data-testid="row-count">{fmt.int(d.rows)}</dd>
        </div>
        <div>
          <dt>{d.kind === 'task' ? t('view.features') : t('view.columns')}</dt>
          <dd>{fmt.int(d.columns.length)}</dd>
        </div>
        {d.task && (
          <div>
            <dt>{t('view.length')}</dt>
            <dd>{fmt.int(d.task.length)}</dd>
          </div>
        )}
        {d.timeRange && (
          <>
            {d.time && (
              <div>
                <dt>{t('view.timeIndex')}</dt>
                <dd data-testid="time-index">
                  <span dir="ltr">{d.time.column}</span> ({t(`view.timeFormat.${d.time.format.replace(/\./g, '')}`)})
                </dd>
              </div>
            )}
            <div>
              <dt>{t('view.from')}</dt>
              <dd>{fmt.time(d.timeRange.start, unit)}</dd>
            </div>
            <div>
              <dt>{t('view.to')}</dt>
              <dd>{fmt.time(d.timeRange.end, unit)}</dd>
            </div>
            {iv && (
              <div>
                <dt>{t('view.interval')}</dt>
                <dd data-testid="sampling-interval">
                  {fmt.span(iv.count, iv.unit)}
                  {' · '}
                  <span data-testid="time-gaps" className={iv.gaps ? 'warn' : undefined}>
                    {iv.gaps ? t('view.gaps', { count: iv.gaps, n: fmt.int(iv.gaps), row: fmt.int((iv.firstGapRow ?? 0) + 1) }) : t('view.noGaps')}
                  </span>
                  {iv.irregular > 0 && <> · {t('view.intervalIrregular', { n: fmt.int(iv.irregular) })}</>}
                </dd>
              </div>
            )}
          </>
        )}
      </dl>
      <TimeReading d={d} />
      <Problems d={d} />
      {p.missing + p.malformed + p.sentinel === 0 && !d.excluded.some((e) => e.reason !== 'time') && !p.headerShort && d.kind === 'table' && <p className="good small">{t('view.clean')}</p>}

      <h3>{t('view.statsTitle')}</h3>
      <div className="table-scroll">
        <table className="data-table" data-testid="column-stats">
          <thead>
            <tr>
              <th scope="col">{t('view.column')}</th>
              <th scope="col">{t('view.unit')}</th>
              <th scope="col">{t('view.min')}</th>
              <th scope="col">{t('view.max')}</th>
              <th scope="col">{t('view.mean')}</th>
              <th scope="col">{t('view.std')}</th>
              {d.kind === 'table' && <th scope="col">{t('view.issues')}</th>}
            </tr>
          </thead>
          <tbody>
            {d.columns.map((c) => (
              <tr key={c.index}>
                <th scope="row" dir="ltr">{c.name}</th>
                <td dir="ltr">{c.unit ?? '–'}</td>
                <td>{fmt.value(c.min)}</td>
                <td>{fmt.value(c.max)}</td>
                <td>{fmt.value(c.mean)}</td>
                <td>{fmt.value(c.std)}</td>
                {d.kind === 'table' && <td>{c.missing.count + c.malformed.count + c.sentinel.count > 0 ? fmt.int(c.missing.count + c.malformed.count + c.sentinel.count) : '–'}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>{d.kind === 'task' ? t('view.previewTask', { n: fmt.int(d.preview.rows.length) }) : t('view.previewTitle', { n: fmt.int(d.preview.rows.length) })}</h3>
      <div className="table-scroll preview-scroll">
        <table className="data-table" data-testid="preview">
          <thead>
            <tr>
              <th scope="col">{d.kind === 'task' ? t('view.step') : t('view.row')}</th>
              {d.preview.timestamps && <th scope="col">{t('view.time')}</th>}
              {d.columns.map((c) => (
                <th key={c.index} scope="col" dir="ltr">
                  {c.name}
                </th>
              ))}
              {d.preview.target && d.task && d.task.targetSize > 1 && <th scope="col">{t('view.target')}</th>}
            </tr>
          </thead>
          <tbody>
            {d.preview.rows.map((r, i) => (
              <tr key={i}>
                <td>{fmt.int(i + 1)}</td>
                {d.preview.timestamps && <td className="nowrap">{fmt.time(d.preview.timestamps[i], unit)}</td>}
                {r.map((v, j) => (
                  <td key={j}>{fmt.value(v)}</td>
                ))}
                {d.preview.target && d.task && d.task.targetSize > 1 && <td>{fmt.int(d.preview.target[i] ?? 0)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {d.preview.target && d.task && d.task.targetSize === 1 && <p className="small">{t('view.taskTarget', { y: fmt.int(d.preview.target[0] ?? 0) })}</p>}
      {d.kind === 'table' && <SeriesPlot d={d} />}
    </section>
  );
}

/**
 * How an imported file's time is read: a wide table (a row per year, a column per month) can
 * become one monthly series, previewed first; numeric time columns (year, month) can be fed
 * to the model as features too. Each choice reloads the same file with other read options.
 */
function TimeReading({ d }: { d: DescribeResponse }) {
  const { t } = useTranslation('dataUi');
  const fmt = useDataFormat();
  const dataset = useData((s) => s.dataset);
  if (dataset.kind !== 'file') return null;
  const numericTime = d.time && ['year', 'year-month', 'year-quarter'].includes(d.time.format) && !d.reshaped;
  return (
    <>
      {d.wide && (
        <div className="card-inset" data-testid="wide-offer">
          <p>{t('wide.offer', { year: d.wide.yearColumn, rows: fmt.int(d.wide.rows) })}</p>
          <table className="data-table compact" data-testid="wide-preview">
            <thead>
              <tr>
                <th scope="col">{t('view.time')}</th>
                <th scope="col">{t('wide.value')}</th>
              </tr>
            </thead>
            <tbody>
              {d.wide.preview.map((r) => (
                <tr key={r.time}>
                  <td>{fmt.time(r.time, 'month')}</td>
                  <td>{fmt.value(r.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" onClick={() => void selectDataset({ ...dataset, reshape: 'wide-months' })} data-testid="wide-apply">
            {t('wide.apply')}
          </button>
        </div>
      )}
      {d.reshaped && (
        <p className="small" data-testid="wide-applied">
          {t('wide.applied')}{' '}
          <button type="button" className="link" onClick={() => void selectDataset(withoutKey(dataset, 'reshape'))}>
            {t('wide.undo')}
          </button>
        </p>
      )}
      {numericTime && (
        <label className="check small">
          <input
            type="checkbox"
            checked={dataset.timeAsFeature === true}
            onChange={(e) => void selectDataset(e.target.checked ? { ...dataset, timeAsFeature: true } : withoutKey(dataset, 'timeAsFeature'))}
            data-testid="time-as-feature"
          />
          <span>{t('view.timeAsFeature')}</span>
        </label>
      )}
    </>
  );
}

function withoutKey<T extends object, K extends keyof T>(o: T, k: K): Omit<T, K> {
  const { [k]: _drop, ...rest } = o;
  return rest;
}

function Problems({ d }: { d: DescribeResponse }) {
  const { t } = useTranslation('dataUi');
  const fmt = useDataFormat();
  const p = d.problems;
  const items: string[] = [];
  for (const c of d.columns) {
    if (c.missing.count) items.push(t('data:problems.missing', { count: fmt.int(c.missing.count), line: fmt.int(c.missing.firstLine) }) + ` — ${c.name}`);
    if (c.malformed.count) items.push(t('data:problems.malformed', { count: fmt.int(c.malformed.count), line: fmt.int(c.malformed.firstLine) }) + ` — ${c.name}`);
    if (c.sentinel.count) items.push(t('data:problems.sentinel', { count: fmt.int(c.sentinel.count), value: fmt.value(c.sentinel.value), line: fmt.int(c.sentinel.firstLine) }) + ` — ${c.name}`);
  }
  if (p.ragged.count) items.push(t('data:problems.ragged', { count: fmt.int(p.ragged.count), line: fmt.int(p.ragged.firstLine) }));
  if (p.truncatedLine !== null) items.push(t('data:problems.truncated', { line: fmt.int(p.truncatedLine) }));
  if (p.droppedRows) items.push(t('view.dropped', { n: fmt.int(p.droppedRows) }));
  if (p.filledCells) items.push(t('view.filled', { n: fmt.int(p.filledCells) }));
  if (p.headerShort) items.push(t('data:problems.headerShort', { line: fmt.int(p.headerShort.line), named: fmt.int(p.headerShort.named), found: fmt.int(p.headerShort.found), first: fmt.int(p.headerShort.named + 1) }));
  // The time index's columns are not a problem: the stats above name them.
  for (const e of d.excluded) if (e.reason !== 'time') items.push(t(`data:problems.excluded.${e.reason}`, { columnNumber: fmt.int(e.columnNumber), name: e.name }));
  if (items.length === 0) return null;
  return (
    <div className="problems" data-testid="problems">
      <h3>{t('view.problemsTitle')}</h3>
      {p.first && (
        <p className="small warn">
          {t('view.firstProblem', { line: fmt.int(p.first.line), columnNumber: fmt.int(p.first.columnNumber), column: p.first.column, kind: t(`view.kind.${p.first.kind}`) })}
        </p>
      )}
      <ul className="small">
        {items.map((s, i) => (
          <li key={i}>{s}</li>
        ))}
      </ul>
    </div>
  );
}

/** Any column over any range of rows, downsampled by the engine (min/max per bucket). */
function SeriesPlot({ d }: { d: DescribeResponse }) {
  const { t } = useTranslation('dataUi');
  const fmt = useDataFormat();
  const dataset = useData((s) => s.dataset);
  const [column, setColumn] = useState(d.defaultTargetColumn);
  const [start, setStart] = useState(0);
  const [count, setCount] = useState(Math.min(d.rows, 1440 * 10));
  const [series, setSeries] = useState<SeriesResponse | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const col = Math.min(column, d.columns.length - 1);

  useEffect(() => {
    // A new dataset: its own target column and a fresh range.
    setColumn(d.defaultTargetColumn);
    setStart(0);
    setCount(Math.min(d.rows, 1440 * 10));
  }, [d]);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      api
        .invoke('data.series', { dataset, column: col, start: Math.min(start, Math.max(0, d.rows - 1)), count: Math.max(1, count), maxPoints: 700 })
        .then((s) => {
          if (live) {
            setSeries(s);
            setError(null);
          }
        })
        .catch((e: unknown) => live && setError(toUiError(e)));
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [dataset, col, start, count, d.rows]);

  const info = d.columns[col];
  const useTime = series?.time != null;
  // Yearly or monthly data label the axis in years or months; finer data by day or by minute.
  const unit = d.time?.interval?.unit;
  const coarse = unit === 'year' || unit === 'quarter' || unit === 'month' ? unit : null;
  const spanMs = series && series.time && series.time.length > 1 ? series.time[series.time.length - 1]! - series.time[0]! : 0;
  return (
    <div className="series-plot">
      <h3>{t('plot.title')}</h3>
      <div className="plot-controls">
        <label className="data-field">
          <span>{t('plot.column')}</span>
          <select value={col} onChange={(e) => setColumn(Number(e.target.value))} data-testid="plot-column">
            {d.columns.map((c) => (
              <option key={c.index} value={c.index}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="data-field">
          <span>{t('plot.start')}</span>
          <input type="number" min={0} max={Math.max(0, d.rows - 1)} value={start} onChange={(e) => setStart(Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
        </label>
        <label className="data-field">
          <span>{t('plot.count')}</span>
          <input type="number" min={1} max={d.rows} value={count} onChange={(e) => setCount(Math.max(1, Math.floor(Number(e.target.value) || 1)))} />
        </label>
        <button type="button" onClick={() => { setStart(0); setCount(d.rows); }}>
          {t('plot.all')}
        </button>
      </div>
      <input
        type="range"
        className="plot-slider"
        dir="ltr"
        min={0}
        max={Math.max(0, d.rows - count)}
        value={Math.min(start, Math.max(0, d.rows - count))}
        onChange={(e) => setStart(Number(e.target.value))}
        aria-label={t('plot.start')}
      />
      {error && <ErrorText code={error.code} params={error.params ?? {}} />}
      {series && (
        <>
          <LineChart
            testId="series-chart"
            title={t('plot.chartTitle', { column: info?.name ?? '' })}
            yLabel={info?.unit ?? undefined}
            series={[{ x: useTime ? series.time! : series.row, min: series.min, max: series.max }]}
            formatX={(x) => (useTime ? fmt.time(x, coarse ?? (spanMs > 3 * 86_400_000 ? 'day' : null)) : fmt.int(x + 1))}
            formatY={(y) => fmt.value(y)}
          />
          <p className="muted small">
            {series.bucket > 1
              ? t('plot.downsampled', { rows: fmt.int(series.count), bucket: fmt.int(series.bucket) })
              : t('plot.everyRow', { rows: fmt.int(series.count) })}
          </p>
        </>
      )}
    </div>
  );
}
