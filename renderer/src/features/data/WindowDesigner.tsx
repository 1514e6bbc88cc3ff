import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Windowing } from '../../../../shared/experiment';
import { ErrorText } from './DatasetPicker';
import { clearWindowing, setWindowing, useData } from './data-store';
import { useDataFormat } from './format';
import { LineChart } from './LineChart';

type NumField = 'lookback' | 'step' | 'delay' | 'batchSize';
const FIELDS: { key: NumField; min: number; max: number }[] = [
  { key: 'lookback', min: 1, max: 100_000 },
  { key: 'step', min: 1, max: 10_000 },
  { key: 'delay', min: 0, max: 100_000 },
  { key: 'batchSize', min: 1, max: 4096 },
];

/** How a table is cut into samples, and what that gives: counts, shape, memory, one sample drawn. */
export function WindowDesigner() {
  const { t } = useTranslation('dataUi');
  const fmt = useDataFormat();
  const d = useData((s) => s.description);
  const w = useData((s) => s.windowing);
  const info = useData((s) => s.windowInfo);
  const error = useData((s) => s.windowError);
  if (!d) return null;

  if (d.kind === 'task') {
    return (
      <section className="card window-designer" aria-labelledby="window-title">
        <h2 id="window-title">{t('window.title')}</h2>
        <p data-testid="window-not-applicable">{t('window.notForTasks', { length: fmt.int(d.task?.length ?? 0), features: fmt.int(d.task?.features ?? 0) })}</p>
        <dl className="stats">
          {(['train', 'validation', 'test'] as const).map((s) => (
            <div key={s}>
              <dt>{t(`data:split.${s}`)}</dt>
              <dd>{t('window.samplesN', { n: fmt.int(d.defaultSplits[s]) })}</dd>
            </div>
          ))}
        </dl>
      </section>
    );
  }

  const cols = d.columns;
  // Rows are steps of the data's interval: the fields also say how long that is ("24 steps = 1 day").
  const iv = d.time?.interval ?? null;
  const inputs = w.inputColumns ?? cols.map((c) => c.index);
  const splits = w.splits ?? { train: d.defaultSplits.train, validation: d.defaultSplits.validation };
  const testRows = Math.max(0, d.rows - splits.train - splits.validation);
  const setNum = (key: NumField, raw: string, min: number, max: number) => {
    const v = Math.floor(Number(raw));
    if (!Number.isFinite(v) || raw === '') return;
    setWindowing({ [key]: Math.min(max, Math.max(min, v)) } as Partial<Windowing>);
  };
  const toggleInput = (c: number) => {
    const next = inputs.includes(c) ? inputs.filter((x) => x !== c) : [...inputs, c].sort((a, b) => a - b);
    if (next.length === 0) return;
    if (next.length === cols.length) clearWindowing(['inputColumns']);
    else setWindowing({ inputColumns: next });
  };
  const setSplit = (key: 'train' | 'validation', raw: string) => {
    const v = Math.floor(Number(raw));
    if (!Number.isFinite(v) || v < 1) return;
    setWindowing({ splits: { ...splits, [key]: v } });
  };
  const emptySplit = info && (info.counts.train === 0 || info.counts.validation === 0);

  return (
    <section className="card window-designer" aria-labelledby="window-title">
      <h2 id="window-title">{t('window.title')}</h2>
      <p className="muted small">{t('window.intro')}</p>
      <div className="window-grid">
        <div className="window-form">
          {FIELDS.map((f) => (
            <label key={f.key} className="data-field">
              <span>{t(`window.${f.key}`)}</span>
              <NumberInput min={f.min} max={f.max} value={w[f.key]} onCommit={(v) => setNum(f.key, String(v), f.min, f.max)} testId={`window-${f.key}`} />
              <small className="muted">{t(`window.${f.key}Help`)}</small>
              {iv && f.key !== 'batchSize' && w[f.key] > 0 && (
                <small data-testid={`window-${f.key}-time`}>{t('window.asTime', { steps: fmt.int(w[f.key]), time: fmt.steps(w[f.key], iv) })}</small>
              )}
            </label>
          ))}
          <label className="data-field">
            <span>{t('window.target')}</span>
            <select value={w.targetColumn} onChange={(e) => setWindowing({ targetColumn: Number(e.target.value) })} data-testid="window-target">
              {cols.map((c) => (
                <option key={c.index} value={c.index}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="inputs-fieldset">
            <legend>{t('window.inputs')}</legend>
            <div className="checks">
              {cols.map((c) => (
                <label key={c.index} className="check">
                  <input type="checkbox" checked={inputs.includes(c.index)} onChange={() => toggleInput(c.index)} />
                  <span dir="ltr">{c.name}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset className="splits-fieldset">
            <legend>{t('window.splitTitle')}</legend>
            <p className="muted small">{t('window.splitHelp')}</p>
            <div className="split-inputs">
              <label className="data-field">
                <span>{t('window.trainRows')}</span>
                <NumberInput min={1} max={d.rows} value={splits.train} onCommit={(v) => setSplit('train', String(v))} testId="split-train" />
              </label>
              <label className="data-field">
                <span>{t('window.validationRows')}</span>
                <NumberInput min={1} max={d.rows} value={splits.validation} onCommit={(v) => setSplit('validation', String(v))} testId="split-validation" />
              </label>
              <div className="data-field">
                <span>{t('window.testRows')}</span>
                <output data-testid="split-test">{fmt.int(testRows)}</output>
              </div>
            </div>
            <SplitBar rows={d.rows} train={splits.train} validation={splits.validation} />
            {w.splits && (
              <button type="button" onClick={() => clearWindowing(['splits'])}>
                {t('window.splitDefault')}
              </button>
            )}
          </fieldset>
        </div>

        <div className="window-result" aria-live="polite">
          {error && (
            <div className="import-error">
              <WindowError code={error.code} params={error.params ?? {}} />
            </div>
          )}
          {info && (
            <>
              <dl className="stats">
                {(['train', 'validation', 'test'] as const).map((s) => (
                  <div key={s}>
                    <dt>{t('window.samplesIn', { split: t(`data:split.${s}`) })}</dt>
                    <dd data-testid={`count-${s}`}>{fmt.int(info.counts[s])}</dd>
                  </div>
                ))}
                <div>
                  <dt>{t('window.timesteps')}</dt>
                  <dd data-testid="timesteps">{fmt.int(info.timesteps)}</dd>
                </div>
                <div>
                  <dt>{t('window.features')}</dt>
                  <dd data-testid="features">{fmt.int(info.features)}</dd>
                </div>
                <div>
                  <dt>{t('window.batchMemory')}</dt>
                  <dd data-testid="batch-bytes">{fmt.bytes(info.batchBytes)}</dd>
                </div>
              </dl>
              <p className="small">
                {t('window.shape')}{' '}
                <code dir="ltr">
                  ({fmt.int(info.batchSize)}, {fmt.int(info.timesteps)}, {fmt.int(info.features)})
                </code>
              </p>
              {emptySplit && <p className="warn small" data-testid="window-too-long">{t('window.tooLong')}</p>}
              <p className="small">
                {t('window.norm', {
                  column: cols[info.targetColumn]?.name ?? '',
                  mean: fmt.value(info.mean[info.targetColumn]),
                  std: fmt.value(info.std[info.targetColumn]),
                })}
              </p>
              {info.example && <SamplePicture />}
            </>
          )}
        </div>
      </div>
    </section>
  );
}

/** A whole-number field that lets the user clear it while typing; valid values are committed as they come. */
function NumberInput({ value, min, max, onCommit, testId }: { value: number; min: number; max: number; onCommit: (v: number) => void; testId: string }) {
  const [draft, setDraft] = useState(String(value));
  useEffect(() => setDraft(String(value)), [value]);
  return (
    <input
      type="number"
      inputMode="numeric"
      min={min}
      max={max}
      value={draft}
      data-testid={testId}
      onChange={(e) => {
        setDraft(e.target.value);
        const v = Number(e.target.value);
        if (e.target.value !== '' && Number.isInteger(v) && v >= min && v <= max) onCommit(v);
      }}
      onBlur={() => setDraft(String(value))}
    />
  );
}

function WindowError({ code, params }: { code: string; params: Record<string, string | number> }) {
  const { t, i18n } = useTranslation('dataUi');
  const issue = typeof params.issue === 'string' ? params.issue : '';
  if (code === 'E_VALIDATION' && i18n.exists(`dataUi:window.issue.${issue}`)) return <p className="error-text">{t(`window.issue.${issue}`)}</p>;
  return <ErrorText code={code} params={params} />;
}

function SplitBar({ rows, train, validation }: { rows: number; train: number; validation: number }) {
  const { t } = useTranslation('dataUi');
  const pct = (n: number) => `${Math.max(0, Math.min(100, (n / Math.max(1, rows)) * 100))}%`;
  return (
    <div className="split-bar" dir="ltr" aria-hidden="true" title={t('window.splitBar')}>
      <span className="split-train" style={{ width: pct(train) }} />
      <span className="split-validation" style={{ width: pct(validation) }} />
      <span className="split-test" style={{ width: pct(rows - train - validation) }} />
    </div>
  );
}

/** One training sample: the target column over the input window, the gap (delay), and the point to predict. */
function SamplePicture() {
  const { t } = useTranslation('dataUi');
  const fmt = useDataFormat();
  const info = useData((s) => s.windowInfo);
  const d = useData((s) => s.description);
  const w = useData((s) => s.windowing);
  if (!info?.example || !d) return null;
  const ex = info.example;
  const end = ex.targetRow - w.delay;
  // x: rows relative to the sample's end (inputs are before 0, the target at +delay).
  const x = ex.inputRows.map((r) => r - end);
  const col = d.columns[info.targetColumn];
  const lastInput = x[x.length - 1] ?? 0;
  return (
    <figure className="sample-picture" data-testid="sample-picture">
      <LineChart
        title={t('window.pictureTitle')}
        height={210}
        dots={x.length <= 60}
        series={[{ x, min: ex.input, max: ex.input }]}
        markers={ex.target === null ? [] : [{ x: ex.targetRow - end, y: ex.target, label: t('window.targetPoint') }]}
        spans={w.delay > 0 ? [{ from: lastInput, to: ex.targetRow - end, color: 'rgba(161, 92, 0, 0.10)', label: t('window.gap') }] : []}
        yLabel={col?.unit ?? undefined}
        formatX={(v) => fmt.int(v)}
        formatY={(v) => fmt.value(v)}
      />
      <figcaption className="small muted">
        {t('window.pictureCaption', {
          n: fmt.int(ex.inputRows.length),
          column: col?.name ?? '',
          lookback: fmt.int(w.lookback),
          step: fmt.int(w.step),
          delay: fmt.int(w.delay),
          target: fmt.value(ex.target),
        })}
        {ex.targetTime !== null && ` ${t('window.pictureWhen', { time: fmt.dateTime(ex.targetTime) })}`}
      </figcaption>
    </figure>
  );
}
