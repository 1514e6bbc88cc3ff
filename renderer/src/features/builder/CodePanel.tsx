import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toPythonCode } from '../../../../shared/model';
import { useBuilder } from './builder-store';

/** "Show code": Python Keras code that builds exactly this model. */
export function CodePanel() {
  const { t } = useTranslation('builderUi');
  const graph = useBuilder((s) => s.graph);
  const ok = useBuilder((s) => s.report.ok);
  const [copied, setCopied] = useState(false);
  const code = useMemo(() => {
    if (!ok) return null;
    try {
      return toPythonCode(graph);
    } catch {
      return null;
    }
  }, [graph, ok]);
  if (!code) return <p className="muted">{t('codeNeedsValidModel')}</p>;
  return (
    <div className="code-panel">
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(code).then(() => setCopied(true));
        }}
      >
        {copied ? t('copied') : t('copyCode')}
      </button>
      <pre dir="ltr" data-testid="python-code">
        <code>{code}</code>
      </pre>
    </div>
  );
}
