/**
 * The lesson's conclusions about the comparison table, computed from its numbers: each one
 * appears beside its row only when the comparison it states holds, with that comparison
 * written out in the language's own digits. Pure; the tab, the CLI and the tests share it.
 */
import type { CompareModelId } from './compare';
import type { CompareBaseline, CompareRow } from './ipc/compare';
import type { Language } from './ipc/contract';
import { formatNum } from './views/format';

export interface CompareTable {
  baseline: CompareBaseline | null;
  rows: readonly CompareRow[];
}

export type Bilingual = Record<Language, string>;

export interface Conclusion {
  /** The row it is written beside. */
  model: CompareModelId;
  id: string;
  text: Bilingual;
  /** The comparison that supports it, with the numbers. */
  evidence: Bilingual;
}

const num = (v: number, lang: Language): string => formatNum(v, lang, 3, 3);

/**
 * How far apart two figures must be before a conclusion says one is better: 2 % of the larger.
 * A validation MAE over a few thousand overlapping windows moves by about that much between
 * seeds, so a smaller gap is "level", not a lesson.
 */
export const MARGIN = 0.02;
const clearlyBelow = (a: number, b: number): boolean => a < b * (1 - MARGIN);
const clearlyAbove = (a: number, b: number): boolean => a > b * (1 + MARGIN);

const OP_FA = { '<': 'کمتر از', '>': 'بیشتر از', '≈': 'تقریباً برابر با' } as const;

/** "validation MAE 0.412 > baseline 0.290"; in Persian in words, so no sign is mirrored in right-to-left text. */
function compared(what: Bilingual, a: number, op: '<' | '>' | '≈', other: Bilingual, b: number): Bilingual {
  return {
    en: `${what.en} ${num(a, 'en')} ${op} ${other.en} ${num(b, 'en')}`,
    fa: `${what.fa} ${num(a, 'fa')}، ${OP_FA[op]} ${other.fa} با ${num(b, 'fa')}`,
  };
}

const VAL: Bilingual = { en: 'validation MAE', fa: 'MAE اعتبارسنجی' };
const SPE: Bilingual = { en: 's/epoch', fa: 'ثانیه در هر دوره' };
const name = (en: string, fa: string): Bilingual => ({ en, fa });
const BASELINE = name('baseline', 'خط پایه');
const GRU = name('GRU', 'GRU');
const CONV = name('convnet alone', 'کانولوشن تنها');

/** Every conclusion the table's numbers support, in row order. */
export function compareConclusions(table: CompareTable): Conclusion[] {
  const out: Conclusion[] = [];
  const row = (m: CompareModelId): CompareRow | undefined => table.rows.find((r) => r.model === m && r.status === 'completed' && r.valMae !== null);
  const base = table.baseline?.valMae ?? null;
  const add = (model: CompareModelId, id: string, text: Bilingual, evidence: Bilingual): void => {
    out.push({ model, id, text, evidence });
  };

  const gru = row('gru');
  if (gru && base !== null) {
    if (clearlyBelow(gru.valMae!, base)) {
      add('gru', 'gru-beats-baseline', {
        en: 'The GRU beats common sense: it learned more than "tomorrow is like today".',
        fa: 'GRU از عقل سلیم جلو می‌زند: چیزی بیش از «فردا مثل امروز است» یاد گرفته است.',
      }, compared(VAL, gru.valMae!, '<', BASELINE, base));
    } else {
      add('gru', 'gru-not-past-baseline', {
        en: 'The GRU has not yet clearly beaten the baseline: at this size it trained too little (try a larger size).',
        fa: 'GRU هنوز آشکارا از خط پایه جلو نزده است: در این اندازه کم آموزش دیده؛ اندازهٔ بزرگ‌تری را امتحان کنید.',
      }, compared(VAL, gru.valMae!, clearlyAbove(gru.valMae!, base) ? '>' : '≈', BASELINE, base));
    }
  }

  // Accuracy between models says something only once they learned: while the GRU has not
  // clearly passed the baseline, differences among the trained rows are noise of too short a training.
  const learned = gru !== undefined && base !== null && clearlyBelow(gru.valMae!, base);

  const conv = row('conv1d-6.47');
  if (conv && base !== null && clearlyAbove(conv.valMae!, base)) {
    add('conv1d-6.47', 'conv-worse-than-baseline', {
      en: 'The convnet alone is worse than the baseline: it does not see order beyond its windows.',
      fa: 'کانولوشن تنها از خط پایه هم بدتر است: ترتیب زمانی را فراتر از پنجره‌های کوچکش نمی‌بیند.',
    }, compared(VAL, conv.valMae!, '>', BASELINE, base));
  }

  const cg = row('conv1d-gru-6.49');
  if (learned && cg && conv && clearlyBelow(cg.valMae!, conv.valMae!)) {
    add('conv1d-gru-6.49', 'convgru-beats-conv', {
      en: 'A GRU after the convolutions brings order back: better than the convnet alone.',
      fa: 'GRU پس از کانولوشن‌ها ترتیب را برمی‌گرداند: بهتر از کانولوشن تنها.',
    }, compared(VAL, cg.valMae!, '<', CONV, conv.valMae!));
  }
  if (cg && gru && cg.secondsPerEpoch !== null && gru.secondsPerEpoch !== null && clearlyBelow(cg.secondsPerEpoch, gru.secondsPerEpoch)) {
    const steps = cg.recurrentSteps !== null && gru.recurrentSteps !== null && cg.recurrentSteps < gru.recurrentSteps;
    add('conv1d-gru-6.49', 'convgru-faster', {
      en: steps
        ? `Faster than the GRU: convolution and pooling shorten the sequence its GRU reads (${cg.recurrentSteps} steps against ${gru.recurrentSteps}).`
        : 'Faster than the GRU.',
      fa: steps
        ? `از GRU سریع‌تر است: کانولوشن و ادغام، دنباله‌ای را که GRU می‌خواند کوتاه می‌کنند (${num0(cg.recurrentSteps!)} گام به‌جای ${num0(gru.recurrentSteps!)}).`
        : 'از GRU سریع‌تر است.',
    }, compared(SPE, cg.secondsPerEpoch, '<', GRU, gru.secondsPerEpoch));
  }
  if (learned && cg && gru && clearlyAbove(cg.valMae!, gru.valMae!)) {
    add('conv1d-gru-6.49', 'convgru-less-accurate', {
      en: 'Less accurate than the GRU: part of the detail is pooled away before the GRU sees it.',
      fa: 'دقتش از GRU کمتر است: بخشی از جزئیات پیش از رسیدن به GRU در ادغام از دست می‌رود.',
    }, compared(VAL, cg.valMae!, '>', GRU, gru.valMae!));
  }

  const bi = row('bidirectional-gru');
  if (learned && bi && gru) {
    if (clearlyAbove(bi.valMae!, gru.valMae!)) {
      add('bidirectional-gru', 'bidi-worse', {
        en: 'Reading both ways does not help here: for the weather, the most recent hours matter most, and the backward pass adds nothing the forward one lacks.',
        fa: 'خواندن از دو سو این‌جا کمکی نمی‌کند: در پیش‌بینی هوا ساعت‌های آخر از همه مهم‌ترند و گذر وارونه چیزی به گذر رو به جلو اضافه نمی‌کند.',
      }, compared(VAL, bi.valMae!, '>', GRU, gru.valMae!));
    } else if (clearlyBelow(bi.valMae!, gru.valMae!)) {
      add('bidirectional-gru', 'bidi-better', {
        en: 'Reading both ways helps a little here, at twice the parameters of the GRU.',
        fa: 'خواندن از دو سو این‌جا کمی کمک می‌کند، به بهای دو برابر پارامترهای GRU.',
      }, compared(VAL, bi.valMae!, '<', GRU, gru.valMae!));
    } else {
      add('bidirectional-gru', 'bidi-level', {
        en: 'Reading both ways is about as good as the forward GRU alone here, at twice its parameters and time.',
        fa: 'خواندن از دو سو این‌جا تقریباً هم‌اندازهٔ GRU رو به جلوی تنهاست، با دو برابر پارامتر و زمان.',
      }, compared(VAL, bi.valMae!, '≈', GRU, gru.valMae!));
    }
  }

  const st = row('stacked-gru');
  if (learned && st && gru) {
    if (clearlyBelow(st.valMae!, gru.valMae!)) {
      add('stacked-gru', 'stacked-better', {
        en: 'Stacking a second GRU pays off: the single GRU was short of capacity.',
        fa: 'GRU دوم روی اولی می‌ارزد: ظرفیت یک GRU تنها کم بود.',
      }, compared(VAL, st.valMae!, '<', GRU, gru.valMae!));
    } else if (clearlyAbove(st.valMae!, gru.valMae!)) {
      add('stacked-gru', 'stacked-no-gain', {
        en: 'Stacking does not pay off here: the single GRU is not short of capacity, and the stack trains slower.',
        fa: 'روی هم گذاشتن GRUها این‌جا سودی ندارد: یک GRU کمبود ظرفیت ندارد و پشتهٔ دولایه کندتر آموزش می‌بیند.',
      }, compared(VAL, st.valMae!, '>', GRU, gru.valMae!));
    } else {
      add('stacked-gru', 'stacked-level', {
        en: 'The second GRU gains little here: about as good as the single GRU, for more parameters and a slower epoch.',
        fa: 'GRU دوم این‌جا سود چندانی ندارد: تقریباً هم‌اندازهٔ یک GRU تنهاست، با پارامترهای بیشتر و دوره‌های کندتر.',
      }, compared(VAL, st.valMae!, '≈', GRU, gru.valMae!));
    }
  }
  return out;
}

const num0 = (v: number): string => formatNum(v, 'fa', 0);
