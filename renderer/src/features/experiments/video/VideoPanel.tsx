/**
 * The video experiment's tab (issue #6): three video classifiers (per-frame CNN + LSTM,
 * Conv3D, ConvLSTM2D) trained one after another on the same generated clips, a table of
 * test accuracy, parameters and seconds per epoch against chance, and a clip player that
 * steps through the frames of a test clip with the true class and each model's guess.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { VIDEO_CLASSES, VIDEO_MODELS, VIDEO_SIZES, VIDEO_SIZE_NAMES, type VideoClip, type VideoModelId, type VideoModelResult, type VideoSizeName } from '../../../../../shared/ipc/video';
import { useFormat } from '../../../use-format';
import { loadClip, setFrame, setPlaying, setVideoSize, startVideo, stopVideo, useVideo, wireVideo } from './video-store';
import './video.css';

const FRAME_MS = 300;

function Settings() {
  const { t } = useTranslation('video');
  const f = useFormat();
  const size = useVideo((s) => s.size);
  const status = useVideo((s) => s.status);
  const busy = status !== 'idle';
  return (
    <div className="video-settings">
      <label>
        <span>{t('settings.size')}</span>
        <select data-testid="video-size" value={size} disabled={busy} onChange={(e) => setVideoSize(e.target.value as VideoSizeName)}>
          {VIDEO_SIZE_NAMES.map((n) => {
            const s = VIDEO_SIZES[n];
            return (
              <option key={n} value={n}>
                {t(`settings.sizes.${n}`, { frames: f.int(s.frames), side: f.int(s.side), train: f.int(s.trainClips), test: f.int(s.testClips), epochs: f.int(s.epochs) })}
              </option>
            );
          })}
        </select>
      </label>
      <button type="button" className="primary" data-testid="video-train" disabled={busy} onClick={() => void startVideo()}>
        {t('actions.train')}
      </button>
      <button type="button" data-testid="video-stop" disabled={status !== 'running' && status !== 'starting'} onClick={() => void stopVideo()}>
        {status === 'stopping' ? t('actions.stopping') : t('actions.stop')}
      </button>
    </div>
  );
}

function ProgressList() {
  const { t } = useTranslation('video');
  const f = useFormat();
  const status = useVideo((s) => s.status);
  const progress = useVideo((s) => s.progress);
  const finished = useVideo((s) => s.finished);
  if (status === 'idle') return null;
  return (
    <ul className="video-progress" aria-live="polite">
      {VIDEO_MODELS.map((m) => {
        const p = progress[m];
        const r = finished.find((x) => x.model === m);
        let text: string;
        let value = 0;
        if (r) {
          text = t(`progress.finished.${r.status}`);
          value = 1;
        } else if (!p) {
          text = status === 'starting' ? t('progress.starting') : t('progress.waiting');
        } else if (p.phase === 'training') {
          text = t('progress.training', { epoch: f.int(p.epoch), epochs: f.int(p.epochs), batch: f.int(p.batch), batches: f.int(p.batches), loss: f.num(p.loss, 3), accuracy: f.num(p.accuracy * 100, 1), seconds: f.int(p.elapsedSeconds) });
          value = ((p.epoch - 1) * p.batches + p.batch) / (p.epochs * p.batches);
        } else {
          text = t(`progress.${p.phase}`);
          value = p.phase === 'testing' ? 1 : 0;
        }
        return (
          <li key={m} data-testid={`video-progress-${m}`}>
            <span className="video-model-name">{t(`models.${m}.name`)}</span>
            <progress max={1} value={value} />
            <span className="muted">{text}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** The rows of the table: the finished job's, or those of the job in progress so far. */
function useRows(): { rows: VideoModelResult[]; chance: number } {
  const status = useVideo((s) => s.status);
  const finished = useVideo((s) => s.finished);
  const done = useVideo((s) => s.done);
  if (status !== 'idle') return { rows: finished, chance: 1 / VIDEO_CLASSES.length };
  return { rows: done?.results ?? [], chance: done?.chance ?? 1 / VIDEO_CLASSES.length };
}

function ResultsTable() {
  const { t } = useTranslation('video');
  const f = useFormat();
  const { rows, chance } = useRows();
  const done = useVideo((s) => s.done);
  const status = useVideo((s) => s.status);
  if (rows.length === 0) return null;
  const best = Math.max(...rows.map((r) => r.testAccuracy ?? -1));
  return (
    <table className="video-table" data-testid="video-table" data-status={status === 'idle' ? (done?.status ?? '') : 'running'}>
      <caption>
        {status === 'idle' && done
          ? t('table.caption', { clips: f.int(done.testClips), size: t(`settings.short.${done.size}`) })
          : t('table.captionRunning')}
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('table.model')}</th>
          <th scope="col">{t('table.accuracy')}</th>
          <th scope="col">{t('table.params')}</th>
          <th scope="col">{t('table.secondsPerEpoch')}</th>
          <th scope="col">{t('table.backend')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.model} data-testid={`video-row-${r.model}`} data-status={r.status} className={r.testAccuracy !== null && r.testAccuracy === best ? 'best' : undefined}>
            <th scope="row">
              {t(`models.${r.model}.name`)}
              <div className="muted small">{t(`models.${r.model}.how`)}</div>
            </th>
            <td className="num" data-testid={`video-acc-${r.model}`} data-value={r.testAccuracy ?? ''}>
              {r.testAccuracy !== null ? t('table.percent', { value: f.num(r.testAccuracy * 100, 1) }) : r.error ? <ErrorText error={r.error} /> : t(`progress.finished.${r.status}`)}
            </td>
            <td className="num" data-testid={`video-params-${r.model}`} data-value={r.params ?? ''}>
              {r.params !== null ? f.int(r.params) : '–'}
            </td>
            <td className="num" data-testid={`video-spe-${r.model}`} data-value={r.secondsPerEpoch ?? ''}>
              {r.secondsPerEpoch !== null ? f.num(r.secondsPerEpoch, 1) : '–'}
            </td>
            <td>{r.backend}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{t('table.chance')}</th>
          <td className="num" data-testid="video-chance" data-value={chance}>
            {t('table.percent', { value: f.num(chance * 100, 1) })}
          </td>
          <td colSpan={3} className="muted small">
            {t('table.chanceNote', { classes: f.int(VIDEO_CLASSES.length) })}
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

function ErrorText({ error }: { error: { code: string; params?: Record<string, string | number> } }) {
  const { t } = useTranslation('common');
  return <span className="error-text">{t(`errors.${error.code}`, { ...(error.params ?? {}), defaultValue: error.code })}</span>;
}

/** One frame of a clip, grey values, scaled up without smoothing. */
function FrameCanvas({ clip, frame, className, label }: { clip: VideoClip; frame: number; className: string; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const n = clip.side * clip.side;
    const img = ctx.createImageData(clip.side, clip.side);
    for (let i = 0; i < n; i++) {
      const v = clip.pixels[frame * n + i] ?? 0;
      img.data[4 * i] = v;
      img.data[4 * i + 1] = v;
      img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [clip, frame]);
  return <canvas ref={ref} width={clip.side} height={clip.side} className={className} role="img" aria-label={label} />;
}

function ClipPlayer() {
  const { t } = useTranslation('video');
  const f = useFormat();
  const done = useVideo((s) => s.done);
  const player = useVideo((s) => s.player);
  const { clip, frame, playing, index } = player;
  useEffect(() => {
    if (!playing || !clip) return;
    const id = window.setInterval(() => setFrame(useVideo.getState().player.frame + 1), FRAME_MS);
    return () => window.clearInterval(id);
  }, [playing, clip]);
  if (!done || !clip) return null;
  const shown = Math.max(1, Math.min(done.testClips, ...done.results.map((r) => r.predictions.length).filter((n) => n > 0)));
  const className = (c: number): string => t(`classes.${VIDEO_CLASSES[c]!}`);
  return (
    <section className="video-player" data-testid="video-player" aria-label={t('player.title')}>
      <h4>{t('player.title')}</h4>
      <p className="muted">{t('player.intro')}</p>
      <div className="video-player-controls">
        <button type="button" data-testid="video-clip-prev" onClick={() => void loadClip(index - 1)} aria-label={t('player.prevClip')}>
          {t('player.prevClip')}
        </button>
        <span data-testid="video-clip-index">{t('player.clip', { index: f.int(index + 1), count: f.int(shown) })}</span>
        <button type="button" data-testid="video-clip-next" onClick={() => void loadClip(index + 1)} aria-label={t('player.nextClip')}>
          {t('player.nextClip')}
        </button>
      </div>
      <div className="video-stage">
        <FrameCanvas clip={clip} frame={frame} className="video-frame-big" label={t('player.frameLabel', { frame: f.int(frame + 1), frames: f.int(clip.frames) })} />
        <div className="video-verdicts">
          <p data-testid="video-true" data-value={clip.label}>
            {t('player.truth')} <strong>{className(clip.label)}</strong>
          </p>
          <ul>
            {done.results.map((r) => {
              const p = r.predictions[index];
              const prob = r.probabilities[index]?.[p ?? 0];
              return (
                <li key={r.model} data-testid={`video-pred-${r.model}`} data-value={p ?? ''} className={p === undefined ? 'muted' : p === clip.label ? 'right' : 'wrong'}>
                  <span className="video-model-name">{t(`models.${r.model}.name`)}</span>
                  {p === undefined
                    ? t('player.noPrediction')
                    : t(p === clip.label ? 'player.predictedRight' : 'player.predictedWrong', { label: className(p), probability: f.num((prob ?? 0) * 100, 0) })}
                </li>
              );
            })}
          </ul>
        </div>
      </div>
      <div className="video-player-controls">
        <button type="button" data-testid="video-step-back" onClick={() => setFrame(frame - 1)} aria-label={t('player.stepBack')}>
          {t('player.stepBack')}
        </button>
        <button type="button" data-testid="video-play" onClick={() => setPlaying(!playing)} aria-pressed={playing}>
          {playing ? t('player.pause') : t('player.play')}
        </button>
        <button type="button" data-testid="video-step-forward" onClick={() => setFrame(frame + 1)} aria-label={t('player.stepForward')}>
          {t('player.stepForward')}
        </button>
        <span data-testid="video-frame-index" data-value={frame}>
          {t('player.frameLabel', { frame: f.int(frame + 1), frames: f.int(clip.frames) })}
        </span>
      </div>
      {/* Frames in time order, left to right in both languages. */}
      <div className="video-strip" data-testid="video-strip">
        {Array.from({ length: clip.frames }, (_, k) => (
          <button key={k} type="button" className={k === frame ? 'video-thumb current' : 'video-thumb'} onClick={() => setFrame(k)} aria-label={t('player.frameLabel', { frame: f.int(k + 1), frames: f.int(clip.frames) })} aria-current={k === frame}>
            <FrameCanvas clip={clip} frame={k} className="video-frame-small" label="" />
          </button>
        ))}
      </div>
    </section>
  );
}

export function VideoPanel() {
  const { t } = useTranslation('video');
  const error = useVideo((s) => s.error);
  const status = useVideo((s) => s.status);
  const done = useVideo((s) => s.done);
  useEffect(() => {
    wireVideo();
  }, []);
  return (
    <div className="card video" data-testid="video-panel">
      <h3>{t('title')}</h3>
      <p className="muted">{t('intro')}</p>
      <ul className="video-models">
        {VIDEO_MODELS.map((m: VideoModelId) => (
          <li key={m}>
            <strong>{t(`models.${m}.name`)}</strong> {t(`models.${m}.how`)}
          </li>
        ))}
      </ul>
      <Settings />
      {error && (
        <p className="error-text" role="alert" data-testid="video-error">
          <ErrorText error={error} />
        </p>
      )}
      <ProgressList />
      {status === 'idle' && done && done.status !== 'completed' && (
        <p className="muted" data-testid="video-ended">
          {t(`ended.${done.status}`)}
        </p>
      )}
      <ResultsTable />
      {status === 'idle' && done && done.status === 'completed' && <p className="muted">{t('table.lesson')}</p>}
      <ClipPlayer />
    </div>
  );
}
