import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../../../shared/views/format';
import { langOf } from '../../../../shared/views/text';
import i18n from '../../i18n';
import { clearError, useApp } from '../../store';

/** Data (CSV import) errors: line numbers in the language's digits, the kind of bad value as a word. */
function dataParams(params: Record<string, string | number>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'number' ? formatNumber(v, langOf(i18n.language)) : v;
  if (typeof params.kind === 'string') out.kind = i18n.t(`data:valueKind.${params.kind}`, { defaultValue: params.kind });
  return out;
}

/** Shows the current error, translated from its code; nothing the user had is touched. */
export function ErrorBanner() {
  const { t, i18n } = useTranslation();
  const error = useApp((s) => s.error);
  const notice = useApp((s) => s.engineNotice);
  return (
    <>
      {notice && (
        <div className={`banner ${notice === 'crashed' ? 'banner-warn' : 'banner-info'}`} role="status">
          {t(`engine.${notice}`)}
        </div>
      )}
      {error && (
        <div className="banner banner-error" role="alert">
          <span>
            {i18n.exists(`errors.${error.code}`)
              ? // `what` picks a variant where one is written (E_ENGINE_BUSY_uploads), else the plain text.
                t(`errors.${error.code}`, { ...dataParams(error.params ?? {}), context: typeof error.params?.what === 'string' ? error.params.what : undefined })
              : i18n.exists(`data:errors.${error.code}`)
                ? t(`data:errors.${error.code}`, dataParams(error.params ?? {}))
                : t('errors.unknown', { code: error.code })}
          </span>
          <button type="button" className="link" onClick={clearError} aria-label={t('actions.close')} title={t('actions.close')}>
            ×
          </button>
        </div>
      )}
    </>
  );
}
