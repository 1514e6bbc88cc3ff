import { useTranslation } from 'react-i18next';
import { useApp } from '../../store';
import { useFormat } from '../../use-format';

/** Bottom bar: which compute backend is active and why the better ones are not. */
export function StatusBar() {
  const { t } = useTranslation();
  const f = useFormat();
  const backend = useApp((s) => s.backend);
  const info = useApp((s) => s.info);
  const failed = backend ? backend.attempts.filter((a) => !a.ok && a.name !== backend.active) : [];
  return (
    <footer className="statusbar" role="contentinfo">
      <span className="status-item" data-testid="backend-status">
        {t('backend.label')}:{' '}
        {backend ? <strong data-backend={backend.active}>{t(`backend.names.${backend.active}`)}</strong> : t('backend.loading')}
        {backend?.fusedKernels && (
          <span className="muted" data-testid="fused-kernels" title={t('backend.fusedHint', { threads: f.int(backend.kernelThreads ?? 1) })}>
            {' '}
            · {t('backend.fused')}
            {(backend.kernelThreads ?? 1) > 1 ? <> · {t('backend.threads', { threads: f.int(backend.kernelThreads!) })}</> : null}
            {backend.kernelFma ? <> · <span data-testid="kernel-fma" title={t('backend.fmaHint')}>FMA</span></> : null}
          </span>
        )}
      </span>
      {failed.length > 0 && (
        <details className="status-item backend-why">
          <summary>{t('backend.why')}</summary>
          <ul>
            {failed.map((a) => (
              <li key={a.name}>
                <bdi>{t(`backend.names.${a.name}`)}</bdi>: {t(`backend.reasons.${a.reason ?? 'init-failed'}`)}
                {a.detail ? (
                  <>
                    {' '}
                    (<bdi dir="ltr">{a.detail}</bdi>)
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </details>
      )}
      <span className="status-spacer" />
      {info && (
        <span className="status-item" data-testid="app-mode" title={info.browserModeReason ? t(`mode.browserWhy.${info.browserModeReason}`) : undefined}>
          {t(`mode.${info.mode}`)} · <bdi dir="ltr">v{info.version}</bdi>
        </span>
      )}
    </footer>
  );
}
