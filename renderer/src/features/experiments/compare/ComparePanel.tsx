/**
 * The book's comparison tab (issue #17.2): the naive baseline, a GRU, the 1D convnet of
 * listing 6.47, Conv1D + GRU of listing 6.49, a bidirectional and a stacked GRU trained in turn
 * on the bundled Jena-format data, one table filling as each row finishes, with the lesson's
 * conclusions beside the rows whose numbers support them (shared/compare-conclusions.ts).
 * Every row is a normal run: "open run" shows it on the Runs page.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { COMPARE_MODELS, COMPARE_SIZES, COMPARE_SIZE_NAMES, type CompareSizeName } from '../../../../../shared/compare';
import { compareConclusions } from '../../../../../shared/compare-conclusions';
import type { CompareRow } from '../../../../../shared/ipc/compare';
import { langOf } from '../../../../../shared/views/text';
import { useFormat } from '../../../use-format';
import { openCompareRun, setCompareSize, startCompare, stopCompare, useCompare, wireCompare } from './compare-store';
import './compare.css';

/** i18n keys cannot hold dots (they split on them): 'conv1d-6.47' is 'conv1d-6_47' there. */
const modelKey = (m: string): string => m.replace(/\./g, '_');

function Settings() {
  const { t } = useTranslation('compare');
  const f = useFormat();
  const size = useCompare((s) => s.size);
  const status = useCompare((s) => s.status);
  const busy = status !== 'idle';
  return (
    <div className="compare-settings">
      <label>
        <span>{t('settings.size')}</span>
        <select data-testid="compare-size" value={size} disabled={busy} onChange={(e) => setCompareSize(e.target.value as CompareSizeName)}>
          {COMPARE_SIZE_NAMES.map((n) => {
            const s = COMPARE_SIZES[n];
            return (
              <option key={n} value={n}>
                {t(`settings.sizes.${n}`, { epochs: f.int(s.epochs), steps: f.int(s.stepsPerEpoch), batch: f.int(s.batchSize), lookback: f.int(s.lookback), rows: f.int(s.rows) })}
              </option>
            );
          })}
        </select>
      </label>
      <button type="button" className="primary" data-testid="compare-train" disabled={busy} onClick={() => void startCompare()}>
        {t('actions.train')}
      </button>
      <button type="button" data-testid="compare-stop" disabled={status !== 'running' && status !== 'starting'} onClick={() => void stopCompare()}>
        {status === 'stopping' ? t('actions.stopping') : t('actions.stop')}
      </button>
    </div>
  );
}

function Progress() {
  const { t } = useTranslation('compare');
  const f = useFormat();
  const status = useCompare((s) => s.status);
  const p = useCompare((s) => s.progress);
  if (status === 'idle') return null;
  let text = t('progress.starting');
  let value = 0;
  if (p) {
    const row = p.row === 'baseline' ? t('table.baseline') : t(`models.${modelKey(p.row)}.name`);
    value = (p.rowIndex + (p.phase === 'training' && p.epochs > 0 ? ((p.epoch - 1) * p.batches + p.batch) / (p.epochs * p.batches) : 0)) / Math.max(1, p.rows);
    text = p.phase === 'training'
      ? t('progress.training', { row, index: f.int(p.rowIndex + 1), rows: f.int(p.rows), epoch: f.int(p.epoch), epochs: f.int(p.epochs), batch: f.int(p.batch), batches: f.int(p.batches), loss: f.num(p.loss, 3) })
      : t(`progress.${p.phase}`, { row, index: f.int(p.rowIndex + 1), rows: f.int(p.rows) });
  }
  return (
    <div className="compare-progress" aria-live="polite" data-testid="compare-progress">
      <progress max={1} value={value} />
      <span className="muted">{text}</span>
    </div>
  );
}

function ErrorText({ error }: { error: { code: string; params?: Record<string, string | number> } }) {
  const { t } = useTranslation('common');
  return <span className="error-text">{t(`errors.${error.code}`, { ...(error.params ?? {}), defaultValue: error.code })}</span>;
}

function Table() {
  const { t, i18n } = useTranslation('compare');
  const lang = langOf(i18n.language);
  const f = useFormat();
  const status = useCompare((s) => s.status);
  const baseline = useCompare((s) => s.baseline);
  const rows = useCompare((s) => s.rows);
  const done = useCompare((s) => s.done);
  if (!baseline && rows.length === 0) return null;
  const conclusions = compareConclusions({ baseline, rows });
  const v = (x: number | null | undefined, digits = 3): string => (x == null ? '–' : f.num(x, digits));
  const byModel = new Map(rows.map((r) => [r.model, r]));
  const cells = (r: CompareRow) => (
    <>
      <td className="num" data-testid={`compare-val-${r.model}`} data-value={r.valMae ?? ''}>{r.valMae === null && r.error ? <ErrorText error={r.error} /> : v(r.valMae)}</td>
      <td className="num">{v(r.valMaeC, 2)}</td>
      <td className="num" data-testid={`compare-test-${r.model}`} data-value={r.testMae ?? ''}>{v(r.testMae)}</td>
      <td className="num">{v(r.testMaeC, 2)}</td>
      <td className="num" data-testid={`compare-params-${r.model}`} data-value={r.params ?? ''}>{r.params === null ? '–' : f.int(r.params)}</td>
      <td className="num" data-testid={`compare-spe-${r.model}`} data-value={r.secondsPerEpoch ?? ''}>{v(r.secondsPerEpoch, 1)}</td>
      <td className="num" data-testid={`compare-steps-${r.model}`} data-value={r.recurrentSteps ?? ''}>{r.recurrentSteps === null ? '–' : f.int(r.recurrentSteps)}</td>
    </>
  );
  return (
    <table className="compare-table" data-testid="compare-table" data-status={status === 'idle' ? (done?.status ?? '') : 'running'}>
      <caption>{status === 'idle' && done ? t('table.caption', { size: t(`settings.short.${done.size}`), seconds: f.num(done.wallSeconds, 0) }) : t('table.captionRunning')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('table.model')}</th>
          <th scope="col">{t('table.valMae')}</th>
          <th scope="col">{t('table.valMaeC')}</th>
          <th scope="col">{t('table.testMae')}</th>
          <th scope="col">{t('table.testMaeC')}</th>
          <th scope="col">{t('table.params')}</th>
          <th scope="col">{t('table.secondsPerEpoch')}</th>
          <th scope="col">{t('table.recurrentSteps')}</th>
          <th scope="col">{t('table.conclusion')}</th>
        </tr>
      </thead>
      <tbody>
        <tr data-testid="compare-row-baseline" className="compare-baseline">
          <th scope="row">
            {t('table.baseline')}
            <div className="muted small">{t('table.baselineHow')}</div>
          </th>
          <td className="num" data-testid="compare-val-baseline" data-value={baseline?.valMae ?? ''}>{v(baseline?.valMae)}</td>
          <td className="num">{v(baseline?.valMaeC, 2)}</td>
          <td className="num" data-testid="compare-test-baseline" data-value={baseline?.testMae ?? ''}>{v(baseline?.testMae)}</td>
          <td className="num">{v(baseline?.testMaeC, 2)}</td>
          <td className="num">{f.int(0)}</td>
          <td className="num">–</td>
          <td className="num">–</td>
          <td />
        </tr>
        {COMPARE_MODELS.map((m) => {
          const r = byModel.get(m);
          return (
            <tr key={m} data-testid={`compare-row-${m}`} data-status={r?.status ?? 'waiting'}>
              <th scope="row">
                {t(`models.${modelKey(m)}.name`)}
                <div className="muted small">{t(`models.${modelKey(m)}.how`)}</div>
                {r?.runRecordId && (
                  <button type="button" className="link compare-open small" data-testid={`compare-open-${m}`} onClick={() => void openCompareRun(r.runRecordId!)}>
                    {t('table.openRun')}
                  </button>
                )}
              </th>
              {r ? cells(r) : <td colSpan={7} className="muted">{t('table.waiting')}</td>}
              <td className="compare-conclusion" data-testid={`compare-conclusion-${m}`}>
                {r && r.status !== 'completed' && <p className="muted">{t(`status.${r.status}`)}</p>}
                {conclusions.filter((c) => c.model === m).map((c) => (
                  <p key={c.id} data-conclusion={c.id}>
                    {c.text[lang]}
                    <span className="compare-evidence muted small">{c.evidence[lang]}</span>
                  </p>
                ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function ComparePanel() {
  const { t } = useTranslation('compare');
  const error = useCompare((s) => s.error);
  const status = useCompare((s) => s.status);
  const done = useCompare((s) => s.done);
  useEffect(() => {
    wireCompare();
  }, []);
  return (
    <div className="card wide compare" data-testid="compare-panel">
      <h3>{t('title')}</h3>
      <p className="muted">{t('intro')}</p>
      <Settings />
      {error && (
        <p className="error-text" role="alert" data-testid="compare-error">
          <ErrorText error={error} />
        </p>
      )}
      <Progress />
      {status === 'idle' && done && done.status !== 'completed' && (
        <p className="muted" data-testid="compare-ended">
          {t(`ended.${done.status}`)}
        </p>
      )}
      <Table />
      <p className="muted small">{t('table.units')}</p>
    </div>
  );
}
