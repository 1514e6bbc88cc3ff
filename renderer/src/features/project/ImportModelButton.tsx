import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../use-format';
import { importModelFiles, useProject } from './project-store';

/** "Open trained model…": model.json + its .bin shards, or a Keras .h5, into the builder. */
export function ImportModelButton() {
  const { t } = useTranslation('project');
  const f = useFormat();
  const busy = useProject((s) => s.busy);
  const imported = useProject((s) => s.imported);
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" disabled={busy} title={t('import.hint')} onClick={() => input.current?.click()} data-testid="import-model">
        {t('import.button')}
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        accept=".json,.bin,.h5,.hdf5,.keras"
        data-testid="model-file-input"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          if (files.length) void importModelFiles(files);
        }}
      />
      {imported && (
        <p className="import-note small" role="status" data-testid="import-result">
          {t('import.done', { name: imported.name, params: f.int(imported.params) })}
        </p>
      )}
    </>
  );
}
