/**
 * Lesson diagrams as React SVG components.
 *
 * Direction rule: time runs left to right in both languages, so no diagram with a time axis is
 * ever mirrored. Diagrams whose left-right order is only reading order (no time, no axis) are
 * mirrored in RTL: their shapes get a `transform` flip and their labels are placed at the
 * mirrored x (text itself is never flipped). Vertical axes are unaffected by the flip.
 */
import { createContext, useContext, useId, type ReactNode } from 'react';
import type { Language } from '../../../../shared/ipc/contract';
import { formatPlain } from '../../../../shared/views/format';
import type { Bi, DiagramId } from './types';

/** Which diagrams are mirrored in RTL (only those where left-right has no meaning). */
export const MIRRORED_IN_RTL: Record<DiagramId, boolean> = {
  'rnn-unrolled': false, // time axis
  'gru-cell': false, // state line runs from h_{t-1} to h_t: time
  bidirectional: false, // time axis
  stacked: false, // time axis
  conv1d: false, // time axis
  'conv-gru': false, // time axis
  captioning: false, // decoder unrolled in time
  video: false, // frames in time order
  representation: true, // two panels side by side: reading order only
  'layerwise-pretraining': true, // stages side by side: reading order only
};

/** Diagram words, both languages (symbols such as xₜ are language-neutral). */
const L = {
  time: { en: 'time', fa: 'زمان' },
  input: { en: 'input', fa: 'ورودی' },
  output: { en: 'output', fa: 'خروجی' },
  forward: { en: 'forward GRU', fa: 'GRU رو به جلو' },
  backward: { en: 'backward GRU', fa: 'GRU رو به عقب' },
  concat: { en: 'concatenate', fa: 'کنار هم' },
  layer: { en: 'layer', fa: 'لایه' },
  lastOnly: { en: 'last state only', fa: 'فقط آخرین حالت' },
  allSteps: { en: 'return_sequences=True', fa: 'return_sequences=True' },
  kernel: { en: 'kernel, k = 5', fa: 'هسته، k = 5' },
  conv: { en: 'Conv1D output', fa: 'خروجی Conv1D' },
  pool: { en: 'MaxPooling1D(3)', fa: 'MaxPooling1D(3)' },
  longSeq: { en: 'long input sequence', fa: 'دنبالهٔ ورودی بلند' },
  convFront: { en: 'Conv1D + MaxPooling1D: local features, 3× shorter', fa: 'Conv1D و MaxPooling1D: ویژگی‌های محلی، سه برابر کوتاه‌تر' },
  shortSeq: { en: 'shorter feature sequence', fa: 'دنبالهٔ ویژگی کوتاه‌تر' },
  gru: { en: 'GRU reads it in order', fa: 'GRU آن را به ترتیب می‌خواند' },
  forecast: { en: 'forecast', fa: 'پیش‌بینی' },
  image: { en: 'image', fa: 'تصویر' },
  cnnEncoder: { en: 'CNN encoder', fa: 'رمزگذار CNN' },
  decoder: { en: 'RNN decoder', fa: 'رمزگشای RNN' },
  start: { en: '<start>', fa: '‹آغاز›' },
  end: { en: '<end>', fa: '‹پایان›' },
  frames: { en: 'frames', fa: 'قاب‌ها' },
  sharedCnn: { en: 'same CNN', fa: 'همان CNN' },
  label: { en: 'word / label', fa: 'واژه / برچسب' },
  xy: { en: 'in (x, y): tangled', fa: 'در (x, y): درهم' },
  polar: { en: 'in r: one threshold', fa: 'در r: یک آستانه' },
  newRep: { en: 'change of representation', fa: 'تغییر بازنمایی' },
  stage1: { en: 'stage 1', fa: 'مرحلهٔ ۱' },
  stage2: { en: 'stage 2', fa: 'مرحلهٔ ۲' },
  stage3: { en: 'fine-tuning', fa: 'تنظیم دقیق' },
  frozen: { en: 'frozen', fa: 'ثابت' },
  trained: { en: 'trained', fa: 'آموزش' },
  labels: { en: 'labels y', fa: 'برچسب‌های y' },
  resetGate: { en: 'reset r', fa: 'بازنشانی r' },
  updateGate: { en: 'update u', fa: 'به‌روزرسانی u' },
  candidate: { en: 'candidate h̃', fa: 'کاندید h̃' },
  mix: { en: 'u·h̃ + (1−u)·h', fa: 'u·h̃ + (1−u)·h' },
  mixOp: { en: 'mix', fa: 'آمیزه' },
} satisfies Record<string, Bi>;
type LabelKey = keyof typeof L;

interface Ctx { lang: Language; mirror: boolean; width: number; marker: string }
const DiagramCtx = createContext<Ctx>({ lang: 'en', mirror: false, width: 0, marker: '' });

function useLabel(): (k: LabelKey) => string {
  const { lang } = useContext(DiagramCtx);
  return (k) => L[k][lang];
}

/** Text is never flipped: in a mirrored diagram it is placed at the mirrored x instead. */
function T(props: { x: number; y: number; children: ReactNode; anchor?: 'start' | 'middle' | 'end'; cls?: string; ltr?: boolean }) {
  const { mirror, width, lang } = useContext(DiagramCtx);
  const x = mirror ? width - props.x : props.x;
  // `anchor` is physical here ('start' = left edge). The svg is laid out LTR; Persian labels get
  // an RTL base direction (so mixed Persian/Latin reads right), where SVG's 'start' is the right
  // edge: swap once for the mirror and once for an RTL label.
  const rtl = lang === 'fa' && !props.ltr;
  let anchor = props.anchor ?? 'middle';
  if (anchor !== 'middle' && mirror !== rtl) anchor = anchor === 'start' ? 'end' : 'start';
  return (
    <text x={x} y={props.y} textAnchor={anchor} className={props.cls ?? 'dg-text'} direction={rtl ? 'rtl' : 'ltr'} dominantBaseline="middle">
      {props.children}
    </text>
  );
}

function Box(props: { x: number; y: number; w: number; h: number; cls?: string }) {
  return <rect x={props.x} y={props.y} width={props.w} height={props.h} rx={6} className={props.cls ?? 'dg-box'} />;
}

function Arrow(props: { x1: number; y1: number; x2: number; y2: number; cls?: string }) {
  const { marker } = useContext(DiagramCtx);
  return <line x1={props.x1} y1={props.y1} x2={props.x2} y2={props.y2} className={props.cls ?? 'dg-arrow'} markerEnd={`url(#${marker})`} />;
}

/** Time axis: always left to right, labelled, never mirrored (only used in unmirrored diagrams). */
function TimeAxis(props: { y: number; x1: number; x2: number }) {
  const l = useLabel();
  return (
    <g>
      <Arrow x1={props.x1} y1={props.y} x2={props.x2} y2={props.y} cls="dg-axis" />
      <T x={props.x2 - 4} y={props.y - 10} anchor="end" cls="dg-small">{l('time')}</T>
    </g>
  );
}

function Frame(props: { id: DiagramId; lang: Language; title: string; width: number; height: number; shapes: ReactNode; labels: ReactNode }) {
  const marker = `dg-arrow-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const mirror = props.lang === 'fa' && MIRRORED_IN_RTL[props.id];
  const ctx: Ctx = { lang: props.lang, mirror, width: props.width, marker };
  return (
    <DiagramCtx.Provider value={ctx}>
      <svg
        className="lesson-diagram-svg"
        viewBox={`0 0 ${props.width} ${props.height}`}
        role="img"
        aria-label={props.title}
        data-diagram={props.id}
        data-mirrored={mirror ? 'true' : 'false'}
        direction="ltr"
      >
        <title>{props.title}</title>
        <defs>
          <marker id={marker} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="dg-arrowhead" />
          </marker>
        </defs>
        <g transform={mirror ? `translate(${props.width} 0) scale(-1 1)` : undefined}>{props.shapes}</g>
        <g>{props.labels}</g>
      </svg>
    </DiagramCtx.Provider>
  );
}

const sub = (n: number) => String(n).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]!);

// ---------------------------------------------------------------------------------------------

function RnnUnrolled(p: { lang: Language; title: string }) {
  const xs = [70, 190, 310, 430, 550];
  const names = ['ₜ₋₂', 'ₜ₋₁', 'ₜ', 'ₜ₊₁', 'ₜ₊₂'];
  return (
    <Frame id="rnn-unrolled" lang={p.lang} title={p.title} width={640} height={230}
      shapes={<>
        {xs.map((x, i) => (
          <g key={i}>
            <Box x={x - 35} y={80} w={70} h={44} />
            <Arrow x1={x} y1={172} x2={x} y2={126} />
            <Arrow x1={x} y1={78} x2={x} y2={42} />
            {i < xs.length - 1 && <Arrow x1={x + 36} y1={102} x2={x + 83} y2={102} cls="dg-arrow dg-state" />}
          </g>
        ))}
        <Arrow x1={4} y1={102} x2={33} y2={102} cls="dg-arrow dg-state" />
        <TimeAxis y={215} x1={20} x2={620} />
      </>}
      labels={<>
        {xs.map((x, i) => (
          <g key={i}>
            <T x={x} y={102} cls="dg-text dg-mono" ltr>RNN</T>
            <T x={x} y={186} cls="dg-text dg-math" ltr>{`x${names[i]}`}</T>
            <T x={x} y={30} cls="dg-text dg-math" ltr>{`h${names[i]}`}</T>
          </g>
        ))}
      </>}
    />
  );
}

function GruCell(p: { lang: Language; title: string }) {
  const l = (k: LabelKey) => L[k][p.lang];
  return (
    <Frame id="gru-cell" lang={p.lang} title={p.title} width={640} height={280}
      shapes={<>
        <Box x={20} y={20} w={600} h={210} cls="dg-box dg-faint" />
        {/* state line h_{t-1} -> h_t */}
        <Arrow x1={0} y1={60} x2={438} y2={60} cls="dg-arrow dg-state" />
        <Arrow x1={482} y1={60} x2={636} y2={60} cls="dg-arrow dg-state" />
        <circle cx={460} cy={60} r={20} className="dg-op" />
        {/* input x_t up into all three */}
        <line x1={300} y1={275} x2={300} y2={205} className="dg-line" />
        <line x1={140} y1={205} x2={420} y2={205} className="dg-line" />
        <Arrow x1={140} y1={205} x2={140} y2={172} />
        <Arrow x1={280} y1={205} x2={280} y2={172} />
        <Arrow x1={420} y1={205} x2={420} y2={172} />
        {/* h_{t-1} down into the gates */}
        <Arrow x1={90} y1={60} x2={90} y2={128} />
        <Arrow x1={240} y1={60} x2={240} y2={128} />
        {/* gates */}
        <Box x={70} y={128} w={140} h={44} cls="dg-box dg-r" />
        <Box x={220} y={128} w={120} h={44} cls="dg-box dg-u" />
        <Box x={360} y={128} w={140} h={44} cls="dg-box dg-c" />
        {/* r ⊙ h_{t-1} into candidate */}
        <circle cx={170} cy={100} r={12} className="dg-op" />
        <Arrow x1={170} y1={60} x2={170} y2={86} />
        <Arrow x1={170} y1={126} x2={170} y2={114} />
        <Arrow x1={183} y1={100} x2={400} y2={126} />
        {/* u and candidate into the mix */}
        <Arrow x1={330} y1={126} x2={446} y2={76} />
        <Arrow x1={470} y1={126} x2={466} y2={80} />
      </>}
      labels={<>
        <T x={20} y={44} anchor="start" cls="dg-text dg-math" ltr>hₜ₋₁</T>
        <T x={620} y={44} anchor="end" cls="dg-text dg-math" ltr>hₜ</T>
        <T x={310} y={262} anchor="start" cls="dg-text dg-math" ltr>xₜ</T>
        <T x={140} y={150}>{l('resetGate')}</T>
        <T x={280} y={150}>{l('updateGate')}</T>
        <T x={430} y={150}>{l('candidate')}</T>
        <T x={170} y={100} cls="dg-small" ltr>⊙</T>
        <T x={460} y={60} cls="dg-small">{l('mixOp')}</T>
        <T x={540} y={100} cls="dg-small dg-math" ltr>{l('mix')}</T>
      </>}
    />
  );
}

function Bidirectional(p: { lang: Language; title: string }) {
  const l = (k: LabelKey) => L[k][p.lang];
  const xs = [150, 255, 360, 465, 570];
  return (
    <Frame id="bidirectional" lang={p.lang} title={p.title} width={660} height={300}
      shapes={<>
        {xs.map((x, i) => (
          <g key={i}>
            <Box x={x - 32} y={160} w={64} h={36} cls="dg-box dg-u" />
            <Box x={x - 32} y={96} w={64} h={36} cls="dg-box dg-r" />
            <Arrow x1={x - 8} y1={244} x2={x - 8} y2={198} />
            <line x1={x + 8} y1={244} x2={x + 8} y2={200} className="dg-line" />
            <Arrow x1={x + 8} y1={200} x2={x + 8} y2={134} />
            <Arrow x1={x} y1={94} x2={x} y2={52} />
            {i < xs.length - 1 && <Arrow x1={x + 33} y1={178} x2={x + 86} y2={178} cls="dg-arrow dg-state" />}
            {i > 0 && <Arrow x1={x - 33} y1={114} x2={x - 86} y2={114} cls="dg-arrow dg-state" />}
          </g>
        ))}
        <TimeAxis y={285} x1={110} x2={640} />
      </>}
      labels={<>
        <T x={8} y={178} anchor="start" cls="dg-small">{l('forward')}</T>
        <T x={8} y={114} anchor="start" cls="dg-small">{l('backward')}</T>
        {xs.map((x, i) => (
          <g key={i}>
            <T x={x} y={178} cls="dg-text dg-math" ltr>{`→h${sub(i + 1)}`}</T>
            <T x={x} y={114} cls="dg-text dg-math" ltr>{`←h${sub(i + 1)}`}</T>
            <T x={x} y={258} cls="dg-text dg-math" ltr>{`x${sub(i + 1)}`}</T>
            <T x={x} y={38} cls="dg-text dg-math" ltr>{`y${sub(i + 1)}`}</T>
          </g>
        ))}
        <T x={8} y={30} anchor="start" cls="dg-small">{l('concat')}</T>
      </>}
    />
  );
}

function Stacked(p: { lang: Language; title: string }) {
  const xs = [150, 260, 370, 480, 590];
  const ys = [200, 130, 60];
  const l = (k: LabelKey) => L[k][p.lang];
  return (
    <Frame id="stacked" lang={p.lang} title={p.title} width={660} height={300}
      shapes={<>
        {ys.map((y, li) => xs.map((x, i) => (
          <g key={`${li}-${i}`}>
            <Box x={x - 30} y={y - 18} w={60} h={36} cls={`dg-box ${li === 2 ? 'dg-c' : 'dg-u'}`} />
            {i < xs.length - 1 && <Arrow x1={x + 31} y1={y} x2={x + 78} y2={y} cls="dg-arrow dg-state" />}
            <Arrow x1={x} y1={y + 52} x2={x} y2={y + 20} cls={li === 0 ? 'dg-arrow' : 'dg-arrow dg-seq'} />
          </g>
        )))}
        <Arrow x1={590} y1={42} x2={590} y2={8} />
        <TimeAxis y={288} x1={110} x2={640} />
      </>}
      labels={<>
        {ys.map((y, li) => (
          <T key={li} x={10} y={y} anchor="start" cls="dg-small">{`${l('layer')} ${formatPlain(li + 1, p.lang)}`}</T>
        ))}
        {xs.map((x, i) => <T key={i} x={x} y={265} cls="dg-text dg-math" ltr>{`x${sub(i + 1)}`}</T>)}
        <T x={10} y={165} anchor="start" cls="dg-small dg-mono" ltr>{l('allSteps')}</T>
        <T x={580} y={14} anchor="end" cls="dg-small">{l('lastOnly')}</T>
      </>}
    />
  );
}

function Conv1D(p: { lang: Language; title: string }) {
  const l = (k: LabelKey) => L[k][p.lang];
  const n = 18;
  const cw = 32;
  const x0 = 40;
  const values = Array.from({ length: n }, (_, i) => 0.5 + 0.35 * Math.sin(i * 0.9) + 0.12 * Math.cos(i * 2.3));
  const outN = n - 4;
  const poolN = Math.floor(outN / 3);
  return (
    <Frame id="conv1d" lang={p.lang} title={p.title} width={660} height={310}
      shapes={<>
        {values.map((v, i) => (
          <rect key={i} x={x0 + i * cw + 4} y={90 - v * 60} width={cw - 8} height={v * 60} className="dg-bar" />
        ))}
        <rect x={x0 + 3 * cw} y={20} width={5 * cw} height={76} rx={4} className="dg-window" />
        {Array.from({ length: outN }, (_, i) => (
          <rect key={i} x={x0 + (i + 2) * cw + 3} y={150} width={cw - 6} height={26} className={i === 3 ? 'dg-cell dg-cell-on' : 'dg-cell'} />
        ))}
        <Arrow x1={x0 + 5.5 * cw} y1={98} x2={x0 + 5.5 * cw} y2={146} />
        {Array.from({ length: poolN }, (_, i) => (
          <rect key={i} x={x0 + (2 + i * 3) * cw + 3} y={226} width={3 * cw - 6} height={26} className="dg-cell" />
        ))}
        {Array.from({ length: poolN }, (_, i) => (
          <Arrow key={i} x1={x0 + (3.5 + i * 3) * cw} y1={178} x2={x0 + (3.5 + i * 3) * cw} y2={222} />
        ))}
        <TimeAxis y={290} x1={x0} x2={x0 + n * cw} />
      </>}
      labels={<>
        <T x={x0 + 5.5 * cw} y={10} cls="dg-small">{l('kernel')}</T>
        <T x={x0} y={138} anchor="start" cls="dg-small">{l('conv')}</T>
        <T x={x0} y={212} anchor="start" cls="dg-small dg-mono" ltr>{l('pool')}</T>
      </>}
    />
  );
}

function ConvGru(p: { lang: Language; title: string }) {
  const l = (k: LabelKey) => L[k][p.lang];
  const x0 = 40;
  const long = 48;
  const short = 12;
  const w = 576;
  return (
    <Frame id="conv-gru" lang={p.lang} title={p.title} width={660} height={330}
      shapes={<>
        {Array.from({ length: long }, (_, i) => (
          <rect key={i} x={x0 + (i * w) / long + 1} y={30} width={w / long - 2} height={24} className="dg-cell" />
        ))}
        <Arrow x1={x0 + w / 2} y1={58} x2={x0 + w / 2} y2={108} />
        {Array.from({ length: short }, (_, i) => (
          <rect key={i} x={x0 + (i * w) / short + 3} y={112} width={w / short - 6} height={24} className="dg-cell dg-cell-on" />
        ))}
        <Arrow x1={x0 + w / 2} y1={140} x2={x0 + w / 2} y2={190} />
        {Array.from({ length: short }, (_, i) => (
          <g key={i}>
            <Box x={x0 + (i * w) / short + 6} y={194} w={w / short - 12} h={30} cls="dg-box dg-u" />
            {i < short - 1 && <Arrow x1={x0 + ((i + 1) * w) / short - 6} y1={209} x2={x0 + ((i + 1) * w) / short + 5} y2={209} cls="dg-arrow dg-state" />}
          </g>
        ))}
        <Arrow x1={x0 + w - 18} y1={192} x2={x0 + w - 18} y2={160} />
        <TimeAxis y={300} x1={x0} x2={x0 + w} />
      </>}
      labels={<>
        <T x={x0} y={16} anchor="start" cls="dg-small">{l('longSeq')}</T>
        <T x={x0 + w / 2 + 10} y={84} anchor="start" cls="dg-small">{l('convFront')}</T>
        <T x={x0 + w / 2 + 10} y={166} anchor="start" cls="dg-small">{l('gru')}</T>
        <T x={x0 + w - 26} y={150} anchor="end" cls="dg-small">{l('forecast')}</T>
        <T x={x0} y={150} anchor="start" cls="dg-small">{l('shortSeq')}</T>
      </>}
    />
  );
}

function Captioning(p: { lang: Language; title: string }) {
  const l = (k: LabelKey) => L[k][p.lang];
  const xs = [290, 380, 470, 560];
  const inputs = [l('start'), 'w₁', 'w₂', 'w₃'];
  const outputs = ['w₁', 'w₂', 'w₃', l('end')];
  return (
    <Frame id="captioning" lang={p.lang} title={p.title} width={640} height={280}
      shapes={<>
        <rect x={20} y={90} width={80} height={64} className="dg-image" />
        <circle cx={80} cy={106} r={8} className="dg-sun" />
        <path d="M 24 150 L 50 118 L 66 134 L 80 120 L 98 150 Z" className="dg-hill" />
        <path d="M 120 88 L 190 104 L 190 140 L 120 156 Z" className="dg-box dg-c" />
        <Arrow x1={102} y1={122} x2={118} y2={122} />
        <Arrow x1={192} y1={122} x2={256} y2={122} cls="dg-arrow dg-state" />
        {xs.map((x, i) => (
          <g key={i}>
            <Box x={x - 30} y={104} w={60} h={36} cls="dg-box dg-u" />
            {i < xs.length - 1 && <Arrow x1={x + 31} y1={122} x2={x + 58} y2={122} cls="dg-arrow dg-state" />}
            <Arrow x1={x} y1={196} x2={x} y2={142} />
            <Arrow x1={x} y1={102} x2={x} y2={58} />
          </g>
        ))}
        <TimeAxis y={262} x1={250} x2={620} />
      </>}
      labels={<>
        <T x={60} y={174} cls="dg-small">{l('image')}</T>
        <T x={155} y={174} cls="dg-small">{l('cnnEncoder')}</T>
        <T x={224} y={108} cls="dg-text dg-math" ltr>v</T>
        <T x={425} y={84} cls="dg-small">{l('decoder')}</T>
        {xs.map((x, i) => (
          <g key={i}>
            <T x={x} y={210} cls="dg-text dg-math">{inputs[i]!}</T>
            <T x={x} y={44} cls="dg-text dg-math">{outputs[i]!}</T>
          </g>
        ))}
      </>}
    />
  );
}

function Video(p: { lang: Language; title: string }) {
  const l = (k: LabelKey) => L[k][p.lang];
  const xs = [110, 220, 330, 440, 550];
  return (
    <Frame id="video" lang={p.lang} title={p.title} width={660} height={320}
      shapes={<>
        {xs.map((x, i) => (
          <g key={i}>
            <rect x={x - 34} y={220} width={68} height={52} className="dg-image" />
            {/* a mouth opening and closing over the frames */}
            <ellipse cx={x} cy={246} rx={16} ry={3 + 8 * Math.abs(Math.sin(i * 0.9))} className="dg-mouth" />
            <Arrow x1={x} y1={218} x2={x} y2={186} />
            <Box x={x - 30} y={150} w={60} h={34} cls="dg-box dg-c" />
            <Arrow x1={x} y1={148} x2={x} y2={116} />
            <Box x={x - 30} y={80} w={60} h={34} cls="dg-box dg-u" />
            {i < xs.length - 1 && <Arrow x1={x + 31} y1={97} x2={x + 78} y2={97} cls="dg-arrow dg-state" />}
          </g>
        ))}
        <Arrow x1={550} y1={78} x2={550} y2={40} />
        <TimeAxis y={300} x1={60} x2={640} />
      </>}
      labels={<>
        <T x={8} y={246} anchor="start" cls="dg-small">{l('frames')}</T>
        <T x={8} y={167} anchor="start" cls="dg-small">{l('sharedCnn')}</T>
        <T x={8} y={97} anchor="start" cls="dg-small dg-mono" ltr>LSTM</T>
        <T x={550} y={26} cls="dg-small">{l('label')}</T>
        {xs.map((x, i) => <T key={i} x={x} y={167} cls="dg-small dg-mono" ltr>CNN</T>)}
      </>}
    />
  );
}

function Representation(p: { lang: Language; title: string }) {
  const l = (k: LabelKey) => L[k][p.lang];
  const inner = Array.from({ length: 12 }, (_, i) => (i / 12) * 2 * Math.PI);
  const outer = Array.from({ length: 20 }, (_, i) => (i / 20) * 2 * Math.PI + 0.1);
  // r-panel is vertical (r grows upwards), so the horizontal flip never reverses its axis.
  return (
    <Frame id="representation" lang={p.lang} title={p.title} width={640} height={260}
      shapes={<>
        <rect x={30} y={30} width={200} height={190} rx={6} className="dg-box dg-faint" />
        {inner.map((a, i) => <circle key={`i${i}`} cx={130 + 35 * Math.cos(a)} cy={125 + 35 * Math.sin(a)} r={5} className="dg-dot-a" />)}
        {outer.map((a, i) => <circle key={`o${i}`} cx={130 + 78 * Math.cos(a)} cy={125 + 78 * Math.sin(a)} r={5} className="dg-dot-b" />)}
        <Arrow x1={250} y1={125} x2={390} y2={125} />
        <line x1={500} y1={220} x2={500} y2={30} className="dg-axis" />
        {inner.map((_, i) => <circle key={`ri${i}`} cx={488 + (i % 4) * 8} cy={180 - Math.floor(i / 4) * 8} r={4} className="dg-dot-a" />)}
        {outer.map((_, i) => <circle key={`ro${i}`} cx={484 + (i % 5) * 8} cy={80 - Math.floor(i / 5) * 8} r={4} className="dg-dot-b" />)}
        <line x1={460} y1={130} x2={560} y2={130} className="dg-threshold" />
      </>}
      labels={<>
        <T x={130} y={240}>{l('xy')}</T>
        <T x={500} y={240}>{l('polar')}</T>
        <T x={320} y={108} cls="dg-small">{l('newRep')}</T>
        <T x={320} y={146} cls="dg-small dg-math" ltr>r = √(x² + y²)</T>
        <T x={515} y={22} cls="dg-text dg-math" ltr>r</T>
      </>}
    />
  );
}

function LayerwisePretraining(p: { lang: Language; title: string }) {
  const l = (k: LabelKey) => L[k][p.lang];
  // Three stages side by side (reading order only), each a vertical stack: input at the bottom.
  const stage = (cx: number, layers: { label: string; cls: string }[]) =>
    layers.map((ly, i) => {
      const y = 220 - i * 50;
      return (
        <g key={i}>
          <Box x={cx - 50} y={y - 16} w={100} h={32} cls={`dg-box ${ly.cls}`} />
          {i < layers.length - 1 && <Arrow x1={cx} y1={y - 18} x2={cx} y2={y - 32} />}
        </g>
      );
    });
  const s1 = [{ label: 'x', cls: 'dg-faint' }, { label: 'h₁', cls: 'dg-u' }, { label: 'x̂', cls: 'dg-r' }];
  const s2 = [{ label: 'x', cls: 'dg-faint' }, { label: 'h₁', cls: 'dg-frozen' }, { label: 'h₂', cls: 'dg-u' }, { label: 'ĥ₁', cls: 'dg-r' }];
  const s3 = [{ label: 'x', cls: 'dg-faint' }, { label: 'h₁', cls: 'dg-u' }, { label: 'h₂', cls: 'dg-u' }, { label: 'ŷ', cls: 'dg-c' }];
  const stageLabels = (cx: number, layers: { label: string }[]) =>
    layers.map((ly, i) => <T key={i} x={cx} y={220 - i * 50} cls="dg-text dg-math" ltr>{ly.label}</T>);
  return (
    <Frame id="layerwise-pretraining" lang={p.lang} title={p.title} width={640} height={290}
      shapes={<>
        {stage(110, s1)}
        {stage(320, s2)}
        {stage(530, s3)}
        <Arrow x1={170} y1={150} x2={258} y2={150} cls="dg-arrow dg-state" />
        <Arrow x1={380} y1={150} x2={468} y2={150} cls="dg-arrow dg-state" />
      </>}
      labels={<>
        <T x={110} y={270}>{l('stage1')}</T>
        <T x={320} y={270}>{l('stage2')}</T>
        <T x={530} y={270}>{l('stage3')}</T>
        {stageLabels(110, s1)}
        {stageLabels(320, s2)}
        {stageLabels(530, s3)}
        <T x={384} y={170} anchor="start" cls="dg-small">{l('frozen')}</T>
        <T x={530} y={34} cls="dg-small">{l('labels')}</T>
      </>}
    />
  );
}

const DIAGRAMS: Record<DiagramId, (p: { lang: Language; title: string }) => ReactNode> = {
  'rnn-unrolled': RnnUnrolled,
  'gru-cell': GruCell,
  bidirectional: Bidirectional,
  stacked: Stacked,
  conv1d: Conv1D,
  'conv-gru': ConvGru,
  captioning: Captioning,
  video: Video,
  representation: Representation,
  'layerwise-pretraining': LayerwisePretraining,
};

export function Diagram(props: { id: DiagramId; lang: Language; title: string }) {
  const Component = DIAGRAMS[props.id];
  return <Component lang={props.lang} title={props.title} />;
}
