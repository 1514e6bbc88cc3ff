/**
 * GRU gate explorer: step through one input window and see, for every unit, the reset gate r,
 * the update gate u (= 1 − z of Keras/tfjs), the candidate state and the new state, computed
 * from the layer's weights by the lesson's equations (shared/gru.ts, tested against tfjs).
 * Time runs left to right in both languages.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { gruDims, gruSteps, type GruStep, type GruWeights } from '../../../../shared/gru';
import type { Language } from '../../../../shared/ipc/contract';
import { formatPlain } from '../../../../shared/views/format';
import { langOf } from '../../../../shared/views/text';
import { mulberry32 } from '../../../../shared/random';

export interface GateExplorerWeights {
  kernel: number[][];
  recurrentKernel: number[][];
  bias: number[];
  /** Keras's reset_after=True form, with its recurrent bias row. */
  resetAfter?: boolean;
  recurrentBias?: number[] | null;
  activation?: string;
  recurrentActivation?: string;
}

export interface GateExplorerProps {
  weights?: GateExplorerWeights;
  window?: number[][];
}

const DEFAULT_UNITS = 8;
const DEFAULT_FEATURES = 3;
const DEFAULT_STEPS = 24;

/** The same seed gives the same "random" GRU everywhere. */
export const seededRandom = mulberry32;

/** A small untrained GRU in the Keras/tfjs layout (columns [z | r | h]) with tfjs's defaults. */
export function randomGru(seed: number, units = DEFAULT_UNITS, features = DEFAULT_FEATURES): Required<GruWeights> {
  const rand = seededRandom(seed);
  const uni = (scale: number) => (rand() * 2 - 1) * scale;
  const mat = (rows: number, cols: number, scale: number) => Array.from({ length: rows }, () => Array.from({ length: cols }, () => uni(scale)));
  return {
    kernel: mat(features, 3 * units, 1.1),
    recurrentKernel: mat(units, 3 * units, 0.9),
    bias: Array.from({ length: 3 * units }, () => uni(0.6)),
    resetAfter: false,
    recurrentBias: null,
    activation: 'tanh',
    recurrentActivation: 'hard_sigmoid',
  };
}

/**
 * A synthetic window [steps][features]: a daily-like cycle, a step change halfway (a "front"
 * arriving, where reset gates have something to react to) and light seeded noise.
 */
export function syntheticWindow(seed: number, steps = DEFAULT_STEPS, features = DEFAULT_FEATURES): number[][] {
  const rand = seededRandom(seed ^ 0x9e3779b9);
  return Array.from({ length: steps }, (_, t) =>
    Array.from({ length: features }, (_, f) => {
      const noise = (rand() * 2 - 1) * 0.15;
      if (f % 3 === 0) return Math.sin((2 * Math.PI * t) / 12) + noise;
      if (f % 3 === 1) return (t < steps / 2 ? -0.8 : 0.9) + noise;
      return Math.cos((2 * Math.PI * t) / 7 + f) * 0.6 + noise;
    }),
  );
}

// ---- colour scales ----------------------------------------------------------------------------

type Rgb = [number, number, number];
const mixRgb = (a: Rgb, b: Rgb, t: number): string => {
  const c = a.map((v, i) => Math.round(v + (b[i]! - v) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
};
const SEQ_LO: Rgb = [247, 251, 255];
const SEQ_HI: Rgb = [8, 69, 148];
const DIV_NEG: Rgb = [178, 24, 43];
const DIV_MID: Rgb = [247, 247, 247];
const DIV_POS: Rgb = [33, 102, 172];

type Scale = { kind: 'sequential'; min: number; max: number } | { kind: 'diverging'; limit: number };

export function colourFor(v: number, scale: Scale): string {
  if (scale.kind === 'sequential') {
    const t = Math.min(1, Math.max(0, (v - scale.min) / (scale.max - scale.min || 1)));
    return mixRgb(SEQ_LO, SEQ_HI, t);
  }
  const t = Math.min(1, Math.max(-1, v / (scale.limit || 1)));
  return t < 0 ? mixRgb(DIV_MID, DIV_NEG, -t) : mixRgb(DIV_MID, DIV_POS, t);
}

function scaleRange(scale: Scale): [number, number] {
  return scale.kind === 'sequential' ? [scale.min, scale.max] : [-scale.limit, scale.limit];
}

// ---- heatmap ----------------------------------------------------------------------------------

const CELL_W = 18;
const CELL_H = 15;
const LABEL_W = 64;

function Legend(props: { scale: Scale; lang: Language; label: string; gradientId: string }) {
  const [lo, hi] = scaleRange(props.scale);
  const stops = [0, 0.25, 0.5, 0.75, 1];
  return (
    <svg className="gx-legend" width={180} height={30} role="img" aria-label={props.label}>
      <defs>
        <linearGradient id={props.gradientId} x1="0" x2="1" y1="0" y2="0">
          {stops.map((s) => (
            <stop key={s} offset={s} stopColor={colourFor(lo + (hi - lo) * s, props.scale)} />
          ))}
        </linearGradient>
      </defs>
      <rect x={10} y={2} width={160} height={10} fill={`url(#${props.gradientId})`} className="gx-legend-bar" />
      <text x={10} y={24} textAnchor="middle" className="gx-tick">{formatPlain(lo, props.lang)}</text>
      <text x={90} y={24} textAnchor="middle" className="gx-tick">{formatPlain((lo + hi) / 2, props.lang)}</text>
      <text x={170} y={24} textAnchor="middle" className="gx-tick">{formatPlain(hi, props.lang)}</text>
    </svg>
  );
}

function Heatmap(props: {
  id: string;
  name: string;
  /** values[t][row] */
  values: number[][];
  rowLabel: (row: number) => string;
  step: number;
  scale: Scale;
  lang: Language;
}) {
  const { t } = useTranslation('lessons');
  const T = props.values.length;
  const rows = props.values[0]?.length ?? 0;
  const width = LABEL_W + T * CELL_W + 4;
  const height = rows * CELL_H + 26;
  const [lo, hi] = scaleRange(props.scale);
  return (
    <figure className="gx-heatmap">
      <figcaption className="gx-heatmap-title">{props.name}</figcaption>
      {/* A figure with a time axis: always laid out left to right. */}
      <div dir="ltr" className="gx-heatmap-body">
        <svg width={width} height={height} role="group" aria-label={props.name} className="gx-heatmap-svg">
          {Array.from({ length: rows }, (_, r) => (
            <text key={r} x={LABEL_W - 6} y={r * CELL_H + CELL_H / 2 + 1} textAnchor="end" dominantBaseline="middle" className="gx-rowlabel">
              {props.rowLabel(r)}
            </text>
          ))}
          {props.values.map((col, ti) =>
            col.map((v, r) => {
              const reached = ti <= props.step;
              const stepText = formatPlain(ti + 1, props.lang);
              const label = reached
                ? t('explorer.cell', { name: props.name, row: props.rowLabel(r), step: stepText, value: formatPlain(v, props.lang, 3) })
                : t('explorer.notYet', { name: props.name, row: props.rowLabel(r), step: stepText });
              return (
                <rect
                  key={`${ti}-${r}`}
                  x={LABEL_W + ti * CELL_W}
                  y={r * CELL_H}
                  width={CELL_W - 1}
                  height={CELL_H - 1}
                  fill={reached ? colourFor(v, props.scale) : undefined}
                  className={reached ? 'gx-cell' : 'gx-cell gx-cell-future'}
                  aria-label={label}
                >
                  <title>{label}</title>
                </rect>
              );
            }),
          )}
          <rect
            x={LABEL_W + props.step * CELL_W - 1}
            y={-0.5}
            width={CELL_W + 1}
            height={rows * CELL_H + 1}
            className="gx-current"
          />
          {/* time axis, left to right */}
          <line x1={LABEL_W} y1={rows * CELL_H + 8} x2={LABEL_W + T * CELL_W - 2} y2={rows * CELL_H + 8} className="gx-axis" markerEnd={`url(#${props.id}-arrow)`} />
          <defs>
            <marker id={`${props.id}-arrow`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto">
              <path d="M 0 0 L 10 5 L 0 10 z" className="gx-axis-head" />
            </marker>
          </defs>
          <text x={LABEL_W} y={rows * CELL_H + 20} className="gx-tick" textAnchor="start">{formatPlain(1, props.lang)}</text>
          <text x={LABEL_W + T * CELL_W - 2} y={rows * CELL_H + 20} className="gx-tick" textAnchor="end">
            {`${t('explorer.time')} ${formatPlain(T, props.lang)}`}
          </text>
        </svg>
        <Legend
          scale={props.scale}
          lang={props.lang}
          gradientId={`${props.id}-grad`}
          label={t('explorer.legend', { min: formatPlain(lo, props.lang), max: formatPlain(hi, props.lang) })}
        />
      </div>
    </figure>
  );
}

// ---- explorer ---------------------------------------------------------------------------------

export function GateExplorer(props: GateExplorerProps) {
  const { t, i18n } = useTranslation('lessons');
  const lang = langOf(i18n.language);
  const [seed, setSeed] = useState(2024);
  const [step, setStep] = useState(0);
  const [playing, setPlaying] = useState(false);
  const fromModel = props.weights !== undefined;

  const result = useMemo(() => {
    try {
      const weights: GruWeights = props.weights ?? randomGru(seed);
      const { units, inputDim } = gruDims(weights);
      const window = props.window ?? syntheticWindow(seed, DEFAULT_STEPS, inputDim);
      const steps: GruStep[] = gruSteps(weights, window);
      return {
        ok: true as const,
        units,
        inputDim,
        window,
        steps,
        activation: weights.activation ?? 'tanh',
        recurrent: weights.recurrentActivation ?? 'hard_sigmoid',
        resetAfter: weights.resetAfter === true,
      };
    } catch {
      return { ok: false as const };
    }
  }, [props.weights, props.window, seed]);

  const total = result.ok ? result.steps.length : 0;
  const current = Math.min(step, Math.max(0, total - 1));

  useEffect(() => {
    if (!playing) return;
    if (current >= total - 1) {
      setPlaying(false);
      return;
    }
    const timer = setTimeout(() => setStep(current + 1), 450);
    return () => clearTimeout(timer);
  }, [playing, current, total]);

  if (!result.ok) {
    return <div className="gate-explorer gx-error" role="alert">{t('explorer.invalid')}</div>;
  }
  if (total === 0) return null;

  const n = (v: number) => formatPlain(v, lang);
  const unitLabel = (r: number) => t('explorer.unit', { n: n(r + 1) });
  const featureLabel = (r: number) => t('explorer.feature', { n: n(r + 1) });
  const inputLimit = Math.max(1e-6, ...result.window.flat().map((v) => Math.abs(v)));
  const gateScale: Scale = { kind: 'sequential', min: 0, max: 1 };
  const stateScale: Scale = { kind: 'diverging', limit: 1 };
  const inputScale: Scale = { kind: 'diverging', limit: Number(inputLimit.toFixed(2)) };
  const counts = { units: n(result.units), features: n(result.inputDim), steps: n(total) };

  return (
    <section className="gate-explorer" aria-label={t('explorer.title')}>
      <header className="gx-header">
        <h4 className="gx-title">{t('explorer.title')}</h4>
        <p className="gx-source">{fromModel ? t('explorer.sourceModel', counts) : t('explorer.sourceRandom', counts)}</p>
        <p className="gx-source">
          <bdi dir="ltr">{t('explorer.activations', { activation: result.activation, recurrent: result.recurrent })}</bdi>
        </p>
        <p className="gx-mapping">{t('explorer.mapping')}</p>
        <p className="gx-form" data-testid="gx-form">{t(result.resetAfter ? 'explorer.formResetAfter' : 'explorer.formResetBefore')}</p>
      </header>

      <div className="gx-controls" dir="ltr">
        <button type="button" onClick={() => setStep(0)} disabled={current === 0} aria-label={t('explorer.first')} title={t('explorer.first')}>◀◀</button>
        <button type="button" onClick={() => setStep(Math.max(0, current - 1))} disabled={current === 0} aria-label={t('explorer.prev')} title={t('explorer.prev')}>◀</button>
        <input
          type="range"
          min={0}
          max={total - 1}
          value={current}
          onChange={(e) => setStep(Number(e.target.value))}
          aria-label={t('explorer.step')}
          aria-valuetext={t('explorer.stepOf', { step: n(current + 1), total: n(total) })}
        />
        <button type="button" onClick={() => setStep(Math.min(total - 1, current + 1))} disabled={current >= total - 1} aria-label={t('explorer.next')} title={t('explorer.next')}>▶</button>
        <button type="button" onClick={() => setStep(total - 1)} disabled={current >= total - 1} aria-label={t('explorer.last')} title={t('explorer.last')}>▶▶</button>
        <button
          type="button"
          onClick={() => {
            if (!playing && current >= total - 1) setStep(0);
            setPlaying(!playing);
          }}
        >
          {playing ? t('explorer.pause') : t('explorer.play')}
        </button>
        <span className="gx-step" dir="auto" aria-live="polite">{t('explorer.stepOf', { step: n(current + 1), total: n(total) })}</span>
        {!fromModel && (
          <button type="button" onClick={() => { setSeed((s) => s + 1); setStep(0); }}>{t('explorer.newWeights')}</button>
        )}
      </div>

      <div className="gx-grid">
        <Heatmap id="gx-input" name={t('explorer.input')} values={result.window} rowLabel={featureLabel} step={current} scale={inputScale} lang={lang} />
        <Heatmap id="gx-r" name={t('explorer.reset')} values={result.steps.map((s) => s.r)} rowLabel={unitLabel} step={current} scale={gateScale} lang={lang} />
        <Heatmap id="gx-u" name={t('explorer.update')} values={result.steps.map((s) => s.u)} rowLabel={unitLabel} step={current} scale={gateScale} lang={lang} />
        <Heatmap id="gx-c" name={t('explorer.candidate')} values={result.steps.map((s) => s.candidate)} rowLabel={unitLabel} step={current} scale={stateScale} lang={lang} />
        <Heatmap id="gx-h" name={t('explorer.state')} values={result.steps.map((s) => s.h)} rowLabel={unitLabel} step={current} scale={stateScale} lang={lang} />
      </div>
    </section>
  );
}
