import { useTranslation } from 'react-i18next';
import { startTraining, stopTraining, useApp } from '../../store';
import { useFormat } from '../../use-format';

/** The shell's starter experiment: Train / Stop, live progress, result beside the baseline. */
export function StarterPanel() {
  const { t } = useTranslation();
  const f = useFormat();
  const starter = useApp((s) => s.starter);
  const training = useApp((s) => s.training);
  const { progress, done, status, epochs } = training;

  if (!starter) return null;
  const gru = starter.model.config.layers[0]!.config as { units?: number };
  const w = starter.windowing;
  const s = starter.training;
  const busy = status !== 'idle';

  return (
    <section className="card" aria-labelledby="starter-title">
      <h2 id="starter-title">{t('starter.title')}</h2>
      <p>{t('starter.description', { units: f.int(gru.units ?? 0), lookback: f.int(w.lookback), delay: f.int(w.delay) })}</p>
      <p className="muted">{t('starter.synthetic')}</p>
      <p className="muted">
        {t('starter.settings', { epochs: f.int(s.epochs), steps: f.int(s.stepsPerEpoch), batch: f.int(w.batchSize), optimizer: s.optimizer.toUpperCase(), loss: s.loss.toUpperCase() })}
      </p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void startTraining(starter)} disabled={busy}>
          {t('starter.train')}
        </button>
        <button type="button" onClick={() => void stopTraining()} disabled={status !== 'running'}>
          {status === 'stopping' ? t('starter.stopping') : t('starter.stop')}
        </button>
      </div>

      {progress && (
        <div className="progress-block" aria-live="polite">
          <h3>{t('progress.title')}</h3>
          <progress
            max={progress.epochs * progress.batches}
            value={(progress.epoch - 1) * progress.batches + progress.batch}
            aria-label={t('progress.title')}
          />
          <dl className="stats" data-testid="progress">
            <div>
              <dt>{t('progress.epoch')}</dt>
              <dd data-testid="progress-epoch">
                {f.int(progress.epoch)} / {f.int(progress.epochs)}
              </dd>
            </div>
            <div>
              <dt>{t('progress.batch')}</dt>
              <dd data-testid="progress-batch">
                {f.int(progress.batch)} / {f.int(progress.batches)}
              </dd>
            </div>
            <div>
              <dt>{t('progress.loss')}</dt>
              <dd data-testid="progress-loss">{f.num(progress.smoothedLoss, 4)}</dd>
            </div>
            <div>
              <dt>{t('progress.speed')}</dt>
              <dd data-testid="progress-speed">{f.int(progress.samplesPerSecond)}</dd>
            </div>
            <div>
              <dt>{t('progress.eta')}</dt>
              <dd data-testid="progress-eta">{t('progress.seconds', { value: f.int(progress.etaSeconds) })}</dd>
            </div>
            <div>
              <dt>{t('progress.elapsed')}</dt>
              <dd>{t('progress.seconds', { value: f.num(progress.elapsedSeconds, 1) })}</dd>
            </div>
          </dl>
        </div>
      )}

      {done && (
        <div className="result-block" data-testid="result" data-status={done.status}>
          <h3>{t('result.title')}</h3>
          <p role="status" data-testid="result-status">
            {t(`result.status.${done.status}`)}
          </p>
          <dl className="stats">
            {done.finalLoss !== null && (
              <div>
                <dt>{t('result.finalLoss')}</dt>
                <dd data-testid="final-loss">{f.num(done.finalLoss, 4)}</dd>
              </div>
            )}
            {done.finalValLoss !== null && (
              <div>
                <dt>{t('result.finalValLoss')}</dt>
                <dd data-testid="final-val-loss">{f.num(done.finalValLoss, 4)}</dd>
              </div>
            )}
            {done.baselineValLoss !== null && (
              <div>
                <dt>{t('result.baseline')}</dt>
                <dd data-testid="baseline">{f.num(done.baselineValLoss, 4)}</dd>
              </div>
            )}
            {done.bestEpoch !== null && (
              <div>
                <dt>{t('result.bestEpoch')}</dt>
                <dd>{f.int(done.bestEpoch)}</dd>
              </div>
            )}
            <div>
              <dt>{t('result.wall')}</dt>
              <dd>{t('progress.seconds', { value: f.num(done.wallSeconds, 1) })}</dd>
            </div>
          </dl>
          {done.finalValLoss !== null && done.baselineValLoss !== null && (
            <p className={done.finalValLoss < done.baselineValLoss ? 'good' : 'warn'}>
              {done.finalValLoss < done.baselineValLoss ? t('result.beatsBaseline') : t('result.losesToBaseline')}
            </p>
          )}
        </div>
      )}

      {epochs.length > 0 && (
        <table className="history" aria-label={t('result.history')}>
          <caption>{t('result.history')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('result.colEpoch')}</th>
              <th scope="col">{t('result.colLoss')}</th>
              <th scope="col">{t('result.colValLoss')}</th>
              <th scope="col">{t('result.colSeconds')}</th>
            </tr>
          </thead>
          <tbody>
            {epochs.map((e) => (
              <tr key={e.epoch}>
                <td>{f.int(e.epoch)}</td>
                <td>{f.num(e.loss, 4)}</td>
                <td>{e.valLoss === null ? '–' : f.num(e.valLoss, 4)}</td>
                <td>{f.num(e.seconds, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
