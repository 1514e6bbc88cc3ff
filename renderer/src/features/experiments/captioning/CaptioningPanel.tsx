/**
 * The captioning experiment's tab (issue #6): choose a size, train (progress, Stop), then pick
 * a held-out image or place two shapes in a 3x3 grid, and watch the caption written word by
 * word (greedy decoding, with the likeliest next words at each step) and the beam search's three
 * candidates; the scores on held-out images against the most-frequent-caption baseline.
 * Captions follow the UI language (Persian right to left); images and the grid are never mirrored.
 */
import { Fragment, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { COLOURS, SHAPES, type ColourName, type ShapeName } from '../../../../../shared/captioning';
import { CAPTION_SIZES, CAPTION_SIZE_FACTS, type CaptionScoresData } from '../../../../../shared/ipc/captioning';
import { useApp } from '../../../store';
import { useFormat } from '../../../use-format';
import {
  captionImage, placeShape, setCaptionSize, setSceneShape, showAllSteps, startCaptionTraining, stopCaptionTraining,
  useCaptioning, wireCaptioning, type CaptionResult,
} from './captioning-store';
import './captioning.css';

/** An RGB image (base64 bytes) drawn pixel for pixel and scaled up without smoothing. */
function RgbImage({ size, rgb, scale, label }: { size: number; rgb: string; scale: number; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const bytes = Uint8Array.from(atob(rgb), (c) => c.charCodeAt(0));
    const img = ctx.createImageData(size, size);
    for (let i = 0; i < size * size; i++) {
      img.data[4 * i] = bytes[3 * i] ?? 0;
      img.data[4 * i + 1] = bytes[3 * i + 1] ?? 0;
      img.data[4 * i + 2] = bytes[3 * i + 2] ?? 0;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [rgb, size]);
  return <canvas ref={ref} width={size} height={size} className="cap-image" style={{ width: size * scale, height: size * scale }} role="img" aria-label={label} />;
}

/** Mean loss per epoch as a small line, epochs running left to right in both languages. */
function LossLine({ losses, label }: { losses: number[]; label: string }) {
  if (losses.length < 2) return null;
  const w = 240;
  const h = 60;
  const max = Math.max(...losses);
  const min = Math.min(...losses);
  const pts = losses.map((l, i) => `${((i / (losses.length - 1)) * (w - 8) + 4).toFixed(1)},${(h - 4 - ((l - min) / (max - min || 1)) * (h - 8)).toFixed(1)}`).join(' ');
  return (
    <svg className="cap-loss" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label} data-testid="captioning-loss">
      <polyline points={pts} fill="none" stroke="currentColor" strokeWidth="2" />
    </svg>
  );
}

function ScoresTable({ scores, count }: { scores: { greedy: CaptionScoresData; beam: CaptionScoresData; baseline: CaptionScoresData }; count: number }) {
  const { t } = useTranslation('captioning');
  const { num } = useFormat();
  const rows = (['greedy', 'beam', 'baseline'] as const).map((m) => ({ m, s: scores[m] }));
  return (
    <table className="cap-scores" data-testid="captioning-scores">
      <caption>{t('metricsTitle', { count })}</caption>
      <thead>
        <tr>
          <th>{t('col.method')}</th>
          <th>{t('col.exact')}</th>
          {[1, 2, 3, 4].map((n) => (
            <th key={n}>{t('col.bleu', { n })}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map(({ m, s }) => (
          <tr key={m} data-testid={`captioning-score-${m}`}>
            <th scope="row">{t(`method.${m}`)}</th>
            <td>{t('percent', { value: num(s.exact * 100, 1) })}</td>
            {s.bleu.map((b, i) => (
              <td key={i}>{num(b, 3)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Editor() {
  const { t } = useTranslation('captioning');
  const { int } = useFormat();
  const scene = useCaptioning((s) => s.scene);
  const busy = useCaptioning((s) => s.captioning);
  const selected = useRef(0);
  return (
    <div className="cap-editor" data-testid="captioning-editor">
      <h4>{t('drawTitle')}</h4>
      <p className="muted small">{t('drawHint')}</p>
      {scene.map((s, i) => (
        <div key={i} className="cap-shape-row">
          <label>
            <input type="radio" name="cap-selected" defaultChecked={i === 0} onChange={() => (selected.current = i)} />
            {t('shapeN', { n: int(i + 1) })}
          </label>
          <select value={s.shape} onChange={(e) => setSceneShape(i, { shape: e.target.value as ShapeName })} aria-label={t('shapeN', { n: int(i + 1) })}>
            {SHAPES.map((x) => (
              <option key={x} value={x}>
                {t(`shapes.${x}`)}
              </option>
            ))}
          </select>
          <select value={s.colour} onChange={(e) => setSceneShape(i, { colour: e.target.value as ColourName })} aria-label={t('shapeN', { n: int(i + 1) })} data-testid={`captioning-colour-${i}`}>
            {COLOURS.map((x) => (
              <option key={x} value={x}>
                {t(`colours.${x}`)}
              </option>
            ))}
          </select>
        </div>
      ))}
      <div className="cap-grid" dir="ltr">
        {[0, 1, 2].flatMap((row) =>
          [0, 1, 2].map((col) => {
            const here = scene.findIndex((s) => s.col === col && s.row === row);
            const s = here >= 0 ? scene[here]! : null;
            return (
              <button
                key={`${col}-${row}`}
                type="button"
                className="cap-cell"
                data-testid={`captioning-cell-${col}-${row}`}
                aria-label={t('cell', { col: int(col + 1), row: int(row + 1) })}
                onClick={() => placeShape(selected.current, col, row)}
              >
                {s && <span className={`cap-glyph cap-${s.shape} cap-c-${s.colour}`} />}
              </button>
            );
          }),
        )}
      </div>
      <button type="button" data-testid="captioning-caption-scene" disabled={busy} onClick={() => void captionImage({ kind: 'scene' })}>
        {t('captionScene')}
      </button>
    </div>
  );
}

function CaptionView({ result }: { result: CaptionResult }) {
  const { t, i18n } = useTranslation('captioning');
  const { num } = useFormat();
  const shown = useCaptioning((s) => s.shown);
  const source = useCaptioning((s) => s.source);
  const dir = i18n.language === 'fa' ? 'rtl' : 'ltr';
  const word = (w: string) => (w === '<end>' ? t('endToken') : w);
  const steps = result.greedy.slice(0, shown);
  const current = result.greedy[Math.max(0, shown - 1)];
  const greedyWords = result.greedy.filter((s) => s.word !== '<end>').map((s) => s.word);
  const finished = shown >= result.greedy.length;
  const same = (words: string[]) => result.truth !== null && words.join(' ') === result.truth.join(' ');
  return (
    <div className="cap-view" data-testid="captioning-view">
      <div dir="ltr" className="cap-view-image">
        <RgbImage size={result.image.size} rgb={result.image.rgb} scale={6} label={t('imageAlt')} />
      </div>
      <div className="cap-view-text">
        <p>
          <span className="muted">{t('reference')}: </span>
          {result.truth ? (
            <span dir={dir} data-testid="captioning-truth">{result.truth.join(' ')}</span>
          ) : (
            <span className="muted">{t('noReference')}</span>
          )}
        </p>
        <h4>{t('greedyTitle')}</h4>
        <p className="cap-words" dir={dir} data-testid="captioning-greedy">
          {steps.map((s, i) => (
            <Fragment key={i}>
              {i > 0 && ' '}
              <span className={s.word === '<end>' ? 'cap-word cap-end' : 'cap-word'} title={num(s.prob, 3)}>
                {word(s.word)}
              </span>
            </Fragment>
          ))}
        </p>
        {finished && result.truth && (
          <p className={same(greedyWords) ? 'good small' : 'warn small'} data-testid="captioning-greedy-verdict">
            {same(greedyWords) ? t('correct') : t('wrong')}
          </p>
        )}
        {current && shown > 0 && (
          <div className="cap-top">
            <span className="muted small">{t('stepOf', { step: num(shown) })}</span>
            <ol dir={dir}>
              {current.top.map((x) => (
                <li key={x.word}>
                  <span className="cap-top-word">{word(x.word)}</span>
                  <span className="cap-bar" style={{ inlineSize: `${Math.round(x.prob * 100)}px` }} />
                  <span className="small">{num(x.prob, 3)}</span>
                </li>
              ))}
            </ol>
          </div>
        )}
        <div className="actions">
          <button type="button" onClick={showAllSteps} disabled={finished}>
            {t('showAll')}
          </button>
          <button type="button" onClick={() => source && void captionImage(source)}>
            {t('replay')}
          </button>
        </div>
        {finished && (
          <>
            <h4>{t('beamTitle')}</h4>
            <ol className="cap-beams" data-testid="captioning-beams">
              {result.beams.map((b, i) => (
                <li key={i}>
                  <span dir={dir}>{b.words.join(' ')}</span>{' '}
                  <span className="muted small">({t('logProb', { value: num(b.logProb, 3) })})</span>
                  {result.truth && <span className={same(b.words) ? 'good small' : 'warn small'}> {same(b.words) ? '✓' : '✗'}</span>}
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
    </div>
  );
}

export function CaptioningPanel() {
  const { t } = useTranslation('captioning');
  const { num, int } = useFormat();
  const language = useApp((s) => s.language);
  const st = useCaptioning();

  useEffect(() => wireCaptioning(), []);
  // The caption follows the UI language: switching it captions the same image again.
  const lastLanguage = useRef(language);
  useEffect(() => {
    if (lastLanguage.current === language) return;
    lastLanguage.current = language;
    const { source } = useCaptioning.getState();
    if (source) void captionImage(source, language);
  }, [language]);

  const running = st.status !== 'idle';
  const p = st.progress;
  const model = st.model;
  const scores = model?.scores?.[language] ?? null;

  return (
    <div className="card captioning" data-testid="captioning-panel">
      <p className="muted">{t('intro')}</p>

      <div className="cap-controls">
        <fieldset disabled={running}>
          <legend>{t('sizeLabel')}</legend>
          {CAPTION_SIZES.map((size) => (
            <label key={size} className="cap-size">
              <input type="radio" name="cap-size" value={size} checked={st.size === size} onChange={() => setCaptionSize(size)} data-testid={`captioning-size-${size}`} />
              {t(`sizes.${size}`, { train: int(CAPTION_SIZE_FACTS[size].trainImages), epochs: int(CAPTION_SIZE_FACTS[size].epochs) })}
            </label>
          ))}
        </fieldset>
        <div className="actions">
          <button type="button" className="primary" data-testid="captioning-train" disabled={running} onClick={() => void startCaptionTraining()}>
            {t('train')}
          </button>
          <button type="button" data-testid="captioning-stop" disabled={st.status !== 'running'} onClick={() => void stopCaptionTraining()}>
            {st.status === 'stopping' ? t('stopping') : t('stop')}
          </button>
        </div>
      </div>

      {running && (
        <div className="cap-progress" data-testid="captioning-progress">
          {p ? (
            <>
              <progress max={Math.max(1, p.epochs * p.batches)} value={p.phase === 'training' ? (p.epoch - 1) * p.batches + p.batch : p.phase === 'evaluating' ? 1 : 0} />
              <span>
                {t(`phase.${p.phase}`, { epoch: int(p.epoch), epochs: int(p.epochs), batch: int(p.batch), batches: int(p.batches), loss: num(p.loss, 3) })}
              </span>
              <span className="muted small">{t('elapsed', { elapsed: int(p.elapsedSeconds), eta: int(p.etaSeconds) })}</span>
            </>
          ) : (
            <span>{t('working')}</span>
          )}
          <LossLine losses={st.losses} label={t('lossTitle')} />
        </div>
      )}
      {!running && st.ended && <p className="warn">{t(`ended.${st.ended}`)}</p>}

      {!model && !running && <p data-testid="captioning-no-model">{t('noModel')}</p>}

      {model && (
        <>
          <p className="muted small" data-testid="captioning-model-info">
            {t('modelInfo', { train: int(model.trainImages), epochs: int(model.epochsDone), seconds: int(model.seconds), params: int(model.params), backend: model.backend })}
          </p>
          <LossLine losses={model.history} label={t('lossTitle')} />
          {scores ? (
            <>
              <ScoresTable scores={scores} count={model.testImages} />
              <p className="muted small">{t('metricsNote')}</p>
              <p className="small">{t('baselineCaption', { caption: scores.baselineCaption.join(' ') })}</p>
            </>
          ) : (
            <p className="warn">{t('stoppedModel', { epochs: int(model.epochsDone) })}</p>
          )}

          <div className="cap-work">
            <div className="cap-pick">
              <h4>{t('pickTitle')}</h4>
              <p className="muted small">{t('pickHint')}</p>
              <div className="cap-thumbs" dir="ltr" data-testid="captioning-thumbs">
                {st.samples.map((s) => (
                  <button
                    key={s.index}
                    type="button"
                    className={st.source?.kind === 'test' && st.source.index === s.index ? 'cap-thumb active' : 'cap-thumb'}
                    data-testid={`captioning-thumb-${s.index}`}
                    onClick={() => void captionImage({ kind: 'test', index: s.index })}
                  >
                    <RgbImage size={s.image.size} rgb={s.image.rgb} scale={2} label={t('thumb', { n: int(s.index + 1) })} />
                  </button>
                ))}
              </div>
              <Editor />
            </div>
            <div className="cap-result">
              <h4>{t('viewTitle')}</h4>
              {st.result ? <CaptionView result={st.result} /> : st.captioning ? <p>{t('working')}</p> : null}
            </div>
          </div>
        </>
      )}
    </div>
  );
}
