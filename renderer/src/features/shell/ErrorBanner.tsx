import { useTranslation } from 'react-i18next';
import { clearError, useApp } from '../../store';

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
            {i18n.exists(`errors.${error.code}`) ? t(`errors.${error.code}`, error.params ?? {}) : t('errors.unknown', { code: error.code })}
          </span>
          <button type="button" className="link" onClick={clearError} aria-label={t('actions.close')} title={t('actions.close')}>
            ×
          </button>
        </div>
      )}
    </>
  );
}
