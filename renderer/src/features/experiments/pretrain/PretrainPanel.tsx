/**
 * The pretrain experiment's tab (issue #6): greedy layer-wise pretraining of a dense
 * autoencoder stack on real MNIST digits, then fine-tuning with few labels against the same
 * network from random initialisation. Settings, Start/Stop, stage-by-stage reconstructions,
 * the two learning curves (mean over seeds), the test-accuracy table and the PCA of the code
 * layer before and after pretraining.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ScatterChart } from 'echarts/charts';
import { langOf } from '../../../../../shared/views/text';
import { PRETRAIN_LABELS, PRETRAIN_MAX_SEEDS, PRETRAIN_SIZE_NAMES, type PretrainConfig, type PretrainResult, type PretrainStage } from '../../../../../shared/ipc/pretrain';
import { Chart, echarts } from '../../runs/Chart';
import { useFormat } from '../../../use-format';
import { curveChart, pcaChart, type CurvePoint, type PretrainChartText } from './charts';
import { liveMeans, meanSpread, setPretrainConfig, startPretrain, stopPretrain, usePretrain, wirePretrain } from './pretrain-store';
import './pretrain.css';

echarts.use([ScatterChart]);

const SIDE = 28;

/** One 28 x 28 digit, ink dark on white, scaled up without smoothing. */
function DigitCanvas({ pixels, label }: { pixels: number[]; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(SIDE, SIDE);
    for (let i = 0; i < SIDE * SIDE; i++) {
      const v = 255 - (pixels[i] ?? 0);
      img.data[4 * i] = v;
      img.data[4 * i + 1] = v;
      img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels]);
  return <canvas ref={ref} width={SIDE} height={SIDE} className="digit" role="img" aria-label={label} />;
}

function useChartText(): PretrainChartText {
  const { t, i18n } = useTranslation('pretrain');
  const f = useFormat();
  return useMemo(
    () => ({
      lang: langOf(i18n.language),
      epoch: t('chart.epoch'),
      accuracy: t('chart.accuracy'),
      loss: t('chart.loss'),
      pretrained: t('model.pretrained'),
      random: t('model.random'),
      digit: (d: number) => t('digit', { value: f.int(d) }),
      pc1: t('chart.pc1'),
      pc2: t('chart.pc2'),
    }),
    [t, i18n.language],
  );
}

function Settings() {
  const { t } = useTranslation('pretrain');
  const f = useFormat();
  const config = usePretrain((s) => s.config);
  const busy = usePretrain((s) => s.status !== 'idle');
  return (
    <form className="pretrain-settings" onSubmit={(e) => e.preventDefault()} aria-label={t('settings.title')}>
      <label>
        <span>{t('settings.labels')}</span>
        <select data-testid="pretrain-labels" value={config.labels} disabled={busy} onChange={(e) => setPretrainConfig({ labels: Number(e.target.value) as PretrainConfig['labels'] })}>
          {PRETRAIN_LABELS.map((n) => (
            <option key={n} value={n}>
              {t('settings.labelsOption', { value: f.int(n), perClass: f.int(n / 10) })}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('settings.seeds')}</span>
        <select data-testid="pretrain-seeds" value={config.seeds} disabled={busy} onChange={(e) => setPretrainConfig({ seeds: Number(e.target.value) })}>
          {Array.from({ length: PRETRAIN_MAX_SEEDS }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {f.int(n)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('settings.size')}</span>
        <select data-testid="pretrain-size" value={config.size} disabled={busy} onChange={(e) => setPretrainConfig({ size: e.target.value as PretrainConfig['size'] })}>
          {PRETRAIN_SIZE_NAMES.map((n) => (
            <option key={n} value={n}>
              {t(`settings.sizes.${n}`)}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}

function ProgressLine() {
  const { t } = useTranslation('pretrain');
  const f = useFormat();
  const p = usePretrain((s) => s.progress);
  const status = usePretrain((s) => s.status);
  if (status === 'idle' || !p) return status === 'starting' ? <p className="muted">{t('progress.starting')}</p> : null;
  const common = { seed: f.int(p.seedIndex + 1), seeds: f.int(p.seeds), seconds: f.int(p.elapsedSeconds) };
  return (
    <p aria-live="polite" data-testid="pretrain-progress" data-phase={p.phase}>
      {p.phase === 'loading'
        ? t('progress.loading', common)
        : t(`progress.${p.phase}`, {
            ...common,
            stage: f.int(p.stage),
            stages: f.int(p.stages),
            epoch: f.int(p.epoch),
            epochs: f.int(p.epochs),
            batch: f.int(p.batch),
            batches: f.int(p.batches),
            loss: p.loss === null ? '–' : f.num(p.loss, 4),
          })}
      {status === 'stopping' && <span className="muted"> {t('progress.stopping')}</span>}
    </p>
  );
}

interface StageView {
  stage: number;
  inputSize: number;
  units: number;
  losses: number[];
  reconstructions: number[][];
}

/** Originals once, then one row of reconstructions per finished stage. */
function Reconstructions({ originals, labels, stages }: { originals: number[][]; labels: number[]; stages: StageView[] }) {
  const { t } = useTranslation('pretrain');
  const f = useFormat();
  return (
    <div className="recon" data-testid="pretrain-recon">
      <div className="recon-row">
        <span className="recon-head">{t('recon.originals')}</span>
        <div className="digits">
          {originals.map((px, i) => (
            <DigitCanvas key={i} pixels={px} label={t('recon.original', { digit: f.int(labels[i] ?? 0) })} />
          ))}
        </div>
      </div>
      {stages.map((s) => (
        <div key={s.stage} className="recon-row" data-testid={`pretrain-stage-${s.stage}`}>
          <span className="recon-head">
            <strong>{t('recon.stage', { stage: f.int(s.stage) })}</strong>
            <span className="muted">
              <bdi dir="ltr">{t('recon.shape', { input: f.int(s.inputSize), units: f.int(s.units) })}</bdi>
            </span>
            <span className="muted">
              {t('recon.loss', { first: f.num(s.losses[0] ?? NaN, 3), last: f.num(s.losses[s.losses.length - 1] ?? NaN, 3) })}
            </span>
          </span>
          <div className="digits">
            {s.reconstructions.map((px, i) => (
              <DigitCanvas key={i} pixels={px} label={t('recon.reconstruction', { digit: f.int(labels[i] ?? 0), stage: f.int(s.stage) })} />
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}

function AccuracyTable({ result }: { result: PretrainResult }) {
  const { t } = useTranslation('pretrain');
  const f = useFormat();
  const pct = (v: number) => t('percent', { value: f.num(v * 100, 1) });
  const rows = [
    { id: 'pretrained' as const, acc: result.pretrained.testAccuracy },
    { id: 'random' as const, acc: result.random.testAccuracy },
  ];
  const gain = meanSpread(result.pretrained.testAccuracy.map((a, i) => a - (result.random.testAccuracy[i] ?? NaN)));
  return (
    <table className="pretrain-table" data-testid="pretrain-accuracy">
      <caption>{t('table.caption', { test: f.int(result.sizes.test), labels: f.int(result.config.labels), seeds: f.int(result.config.seeds) })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('table.model')}</th>
          <th scope="col">{t('table.mean')}</th>
          <th scope="col">{t('table.spread')}</th>
          <th scope="col">{t('table.perSeed')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const m = meanSpread(r.acc);
          return (
            <tr key={r.id} data-testid={`pretrain-acc-${r.id}`} data-mean={m.mean}>
              <th scope="row">{t(`model.${r.id}`)}</th>
              <td className="num">{pct(m.mean)}</td>
              <td className="num">{r.acc.length > 1 ? t('plusMinus', { value: pct(m.sd) }) : '–'}</td>
              <td className="num">{r.acc.map(pct).join(t('listSeparator'))}</td>
            </tr>
          );
        })}
        <tr>
          <th scope="row">{t('table.gain')}</th>
          <td className="num">{t('table.points', { value: f.num(gain.mean * 100, 1) })}</td>
          <td className="num">{rows[0]!.acc.length > 1 ? t('plusMinus', { value: t('table.points', { value: f.num(gain.sd * 100, 1) }) }) : '–'}</td>
          <td />
        </tr>
      </tbody>
    </table>
  );
}

export function PretrainPanel() {
  const { t } = useTranslation('pretrain');
  const f = useFormat();
  const ct = useChartText();
  const status = usePretrain((s) => s.status);
  const liveStages = usePretrain((s) => s.stages);
  const liveEpochs = usePretrain((s) => s.epochs);
  const result = usePretrain((s) => s.result);
  const ended = usePretrain((s) => s.ended);
  useEffect(() => wirePretrain(), []);

  const running = status !== 'idle';
  // While running: the live stages and epochs; afterwards: the result.
  const recon = useMemo(() => {
    if (running || !result) {
      const first: PretrainStage | undefined = liveStages[0];
      return first ? { originals: first.originals, labels: first.labels, stages: liveStages as StageView[] } : null;
    }
    const r = result.reconstructions;
    return {
      originals: r.originals,
      labels: r.labels,
      stages: result.stages.map((s, i) => ({ ...s, reconstructions: r.stages[i] ?? [] })),
    };
  }, [running, result, liveStages]);

  const curves = useMemo(() => {
    const pts = (values: number[]): CurvePoint[] => values.map((value, i) => ({ epoch: i + 1, value }));
    if (running || !result) {
      const p = liveMeans(liveEpochs, 'pretrained');
      const r = liveMeans(liveEpochs, 'random');
      return {
        acc: curveChart(ct, 'accuracy', p.map((e) => ({ epoch: e.epoch, value: e.valAccuracy })), r.map((e) => ({ epoch: e.epoch, value: e.valAccuracy }))),
        loss: curveChart(ct, 'loss', p.map((e) => ({ epoch: e.epoch, value: e.valLoss })), r.map((e) => ({ epoch: e.epoch, value: e.valLoss }))),
      };
    }
    return {
      acc: curveChart(ct, 'accuracy', pts(result.pretrained.valAccuracy), pts(result.random.valAccuracy)),
      loss: curveChart(ct, 'loss', pts(result.pretrained.valLoss), pts(result.random.valLoss)),
    };
  }, [running, result, liveEpochs, ct]);

  const pcaBefore = useMemo(() => (result ? pcaChart(ct, result.pca.before, result.pca.labels) : null), [result, ct]);
  const pcaAfter = useMemo(() => (result ? pcaChart(ct, result.pca.after, result.pca.labels) : null), [result, ct]);
  const shown = !running && result;

  return (
    <div className="card wide pretrain" data-testid="pretrain-panel" data-status={status}>
      <h3>{t('title')}</h3>
      <p className="muted">{t('intro')}</p>
      <Settings />
      <div className="actions">
        <button type="button" className="primary" data-testid="pretrain-start" disabled={running} onClick={() => void startPretrain()}>
          {t('start')}
        </button>
        <button type="button" data-testid="pretrain-stop" disabled={status !== 'running'} onClick={() => void stopPretrain()}>
          {t('stop')}
        </button>
      </div>
      <ProgressLine />
      {ended && !running && (
        <p className="warn" data-testid="pretrain-ended">
          {t(`ended.${ended}`)}
        </p>
      )}

      <h4>{t('recon.title')}</h4>
      <p className="muted">{t('recon.help')}</p>
      {recon ? <Reconstructions {...recon} /> : <p className="muted">{t('recon.empty')}</p>}

      <h4>{t('curves.title')}</h4>
      <p className="muted">{t('curves.help')}</p>
      <div className="chart-row">
        <Chart option={curves.acc} label={t('curves.accuracy')} testId="pretrain-curve-accuracy" />
        <Chart option={curves.loss} label={t('curves.loss')} testId="pretrain-curve-loss" />
      </div>

      {shown && (
        <>
          <h4>{t('table.title')}</h4>
          <AccuracyTable result={result} />
          <p className="muted" data-testid="pretrain-meta">
            {t('meta', {
              units: [result.architecture.input, ...result.architecture.units].map((u) => f.int(u)).join(' → '),
              activation: result.architecture.activation,
              pool: f.int(result.sizes.pool),
              seconds: f.int(result.seconds),
              backend: result.backend ?? '–',
            })}
          </p>

          <h4>{t('pca.title')}</h4>
          <p className="muted">{t('pca.help')}</p>
          <div className="chart-row" data-testid="pretrain-pca">
            <figure>
              <figcaption>{t('pca.before', { a: f.num(result.pca.before.explained[0]! * 100, 0), b: f.num(result.pca.before.explained[1]! * 100, 0) })}</figcaption>
              <Chart option={pcaBefore!} height={320} label={t('pca.beforeLabel')} testId="pretrain-pca-before" />
            </figure>
            <figure>
              <figcaption>{t('pca.after', { a: f.num(result.pca.after.explained[0]! * 100, 0), b: f.num(result.pca.after.explained[1]! * 100, 0) })}</figcaption>
              <Chart option={pcaAfter!} height={320} label={t('pca.afterLabel')} testId="pretrain-pca-after" />
            </figure>
          </div>
        </>
      )}
    </div>
  );
}
