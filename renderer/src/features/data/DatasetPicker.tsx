import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { DatasetRef } from '../../../../shared/experiment';
import { formatNumber } from '../../../../shared/views/format';
import { langOf } from '../../../../shared/views/text';
import { cancelImport, clearImportError, importFile, selectDataset, setMissingPolicy, useData, type MissingPolicy } from './data-store';
import { useDataFormat } from './format';

const POLICIES: MissingPolicy[] = ['fill-previous', 'drop-row', 'fail'];
const BUILTIN_ORDER = ['synthetic-jena', 'starter-series', 'order-task', 'bidirectional-task'];

function numOpt(ref: DatasetRef, name: string): number | undefined {
  if (ref.kind !== 'builtin') return undefined;
  const v = ref.options?.[name];
  return typeof v === 'number' ? v : undefined;
}

/** Choosing a dataset: the generated ones, and CSV files imported by dialog or drop. */
export function DatasetPicker() {
  const { t } = useTranslation('dataUi');
  const fmt = useDataFormat();
  const dataset = useData((s) => s.dataset);
  const pending = useData((s) => s.pending);
  const builtins = useData((s) => s.builtins);
  const imports = useData((s) => s.imports);
  const fullRows = useData((s) => s.jenaFullRows);
  const missing = useData((s) => s.missing);
  const importing = useData((s) => s.importing);
  const importError = useData((s) => s.importError);
  const input = useRef<HTMLInputElement>(null);
  const busy = pending !== null || importing !== null;

  const builtinRef = (id: string): DatasetRef => {
    const b = builtins.find((x) => x.id === id)!;
    const options: Record<string, number> = {};
    for (const [k, o] of Object.entries(b.options)) options[k] = o.default;
    // Keep the size and seed chosen before for the same dataset.
    if (dataset.kind === 'builtin' && dataset.id === id) Object.assign(options, dataset.options ?? {});
    return { kind: 'builtin', id, options };
  };
  const jena = builtins.find((b) => b.id === 'synthetic-jena');
  const jenaRows = dataset.kind === 'builtin' && dataset.id === 'synthetic-jena' ? (numOpt(dataset, 'rows') ?? jena?.options.rows?.default) : undefined;
  const jenaSeed = dataset.kind === 'builtin' && dataset.id === 'synthetic-jena' ? (numOpt(dataset, 'seed') ?? jena?.options.seed?.default) : jena?.options.seed?.default;

  const sorted = [...builtins].sort((a, b) => BUILTIN_ORDER.indexOf(a.id) - BUILTIN_ORDER.indexOf(b.id));
  const progress = importing ? (importing.total > 0 ? importing.bytes / importing.total : 0) : 0;

  return (
    <section className="card data-picker" aria-labelledby="data-picker-title">
      <h2 id="data-picker-title">{t('picker.title')}</h2>
      <ul className="dataset-list" role="radiogroup" aria-label={t('picker.title')}>
        {sorted.map((b) => {
          const selected = dataset.kind === 'builtin' && dataset.id === b.id;
          return (
            <li key={b.id} className={selected ? 'dataset-item selected' : 'dataset-item'}>
              <label>
                <input type="radio" name="dataset" checked={selected} disabled={busy} onChange={() => void selectDataset(builtinRef(b.id))} />
                <span className="dataset-name">{t(`data:builtin.${b.id}`)}</span>
              </label>
              <p className="muted small">{t(`picker.about.${b.id}`)}</p>
              {b.id === 'synthetic-jena' && (
                <div className="jena-size">
                  <p className="small synthetic-note" data-testid="synthetic-note">
                    {t('picker.syntheticNote', { seed: fmt.int(jenaSeed ?? 42) })}
                  </p>
                  {selected && jenaRows !== undefined && (
                    <p className="small">
                      {t('picker.jenaSize', { rows: fmt.int(jenaRows), years: fmt.num(jenaRows / 52_560, 1) })}
                    </p>
                  )}
                  <div className="actions">
                    <button
                      type="button"
                      disabled={busy || (selected && jenaRows === jena?.options.rows?.default)}
                      onClick={() => void selectDataset({ kind: 'builtin', id: 'synthetic-jena', options: { rows: jena?.options.rows?.default ?? 52_560, seed: jenaSeed ?? 42 } })}
                    >
                      {t('picker.oneYear')}
                    </button>
                    <button
                      type="button"
                      disabled={busy || (selected && jenaRows === fullRows)}
                      onClick={() => void selectDataset({ kind: 'builtin', id: 'synthetic-jena', options: { rows: fullRows, seed: jenaSeed ?? 42 } })}
                    >
                      {t('picker.fullSize', { rows: fmt.int(fullRows) })}
                    </button>
                  </div>
                </div>
              )}
            </li>
          );
        })}
        {imports.map((f) => {
          const ref: DatasetRef = { kind: 'file', fileId: f.fileId, name: f.name, missing };
          const selected = dataset.kind === 'file' && dataset.fileId === f.fileId;
          return (
            <li key={f.fileId} className={selected ? 'dataset-item selected' : 'dataset-item'}>
              <label>
                <input type="radio" name="dataset" checked={selected} disabled={busy} onChange={() => void selectDataset(ref)} />
                <span className="dataset-name" dir="auto">
                  {f.name}
                </span>
              </label>
              <p className="muted small">{t('picker.importedFile', { size: fmt.bytes(f.bytes), date: fmt.date(Date.parse(f.importedAt)) })}</p>
            </li>
          );
        })}
      </ul>
      {pending && <p className="muted small" role="status">{t('picker.loading')}</p>}

      <h3>{t('import.title')}</h3>
      <p className="muted small">{t('import.hint')}</p>
      <label className="data-field">
        <span>{t('import.policy')}</span>
        <select value={missing} onChange={(e) => setMissingPolicy(e.target.value as MissingPolicy)} disabled={busy}>
          {POLICIES.map((p) => (
            <option key={p} value={p}>
              {t(`data:policy.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <div className="actions">
        <button type="button" className="primary" disabled={busy} onClick={() => input.current?.click()}>
          {t('import.choose')}
        </button>
        <input
          ref={input}
          type="file"
          accept=".csv,text/csv"
          className="visually-hidden"
          data-testid="csv-input"
          aria-label={t('import.choose')}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void importFile(file);
          }}
        />
      </div>
      {importing && (
        <div className="import-progress" role="status" data-testid="import-progress">
          <p className="small">
            {importing.phase === 'upload'
              ? t('import.uploading', { name: importing.name, percent: fmt.int(progress * 100) })
              : t('import.parsing', { name: importing.name, rows: fmt.int(importing.rows), percent: fmt.int(progress * 100) })}
          </p>
          <progress max={1} value={progress} />
          {importing.phase === 'upload' && (
            <button type="button" className="link" onClick={cancelImport} data-testid="import-cancel">
              {t('import.cancel')}
            </button>
          )}
        </div>
      )}
      {importError && (
        <div className="import-error" role="alert" data-testid="import-error">
          <p>{t('import.failed')}</p>
          <ErrorText code={importError.code} params={importError.params ?? {}} />
          <p className="muted small">{t('import.keptPrevious')}</p>
          <button type="button" onClick={clearImportError}>
            {t('import.dismiss')}
          </button>
        </div>
      )}
    </section>
  );
}

/** An error code as a sentence (data errors first, then the common ones). */
export function ErrorText({ code, params }: { code: string; params: Record<string, string | number> }) {
  const { t, i18n } = useTranslation('dataUi');
  const p: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) p[k] = typeof v === 'number' ? formatNumber(v, langOf(i18n.language)) : v;
  if (typeof p.kind === 'string' && i18n.exists(`data:valueKind.${p.kind}`)) p.kind = t(`data:valueKind.${p.kind}`);
  for (const ns of ['dataUi', 'data', 'common']) {
    if (i18n.exists(`${ns}:errors.${code}`)) return <p className="error-text">{t(`${ns}:errors.${code}`, p)}</p>;
  }
  return <p className="error-text">{t('common:errors.unknown', { code })}</p>;
}
