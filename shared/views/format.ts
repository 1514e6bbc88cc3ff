/**
 * Numbers as people read them, the one place they are written for people: the window, the
 * exported plots and the run report. Persian gets Persian digits (and ٫ as the decimal sign).
 *
 *   formatNumber(v, lang, opts)        Intl.NumberFormat (fa-IR / en-US) with any of its options
 *   formatNum(v, lang, max, min)       the same with at most `max` (at least `min`) decimals:
 *                                      chart axes and the report's figures
 *   formatValue(v, lang)               a measured value with decimals by its size ('–' for none):
 *                                      the data page's statistics
 *   formatPlain(v, lang, digits?)      no grouping, a true minus sign (−): the lessons' diagrams
 *   toPersianDigits(text)              ASCII digits in a text as Persian digits
 *
 * Not finite values (NaN, ±Infinity) come out as String() writes them.
 */
import type { Language } from '../ipc/contract';

const LOCALE: Record<Language, string> = { fa: 'fa-IR', en: 'en-US' };

export function formatNumber(value: number, lang: Language, opts: Intl.NumberFormatOptions = {}): string {
  if (!Number.isFinite(value)) return String(value);
  return new Intl.NumberFormat(LOCALE[lang] ?? LOCALE.en, opts).format(value);
}

export function formatNum(value: number, lang: Language, maxDigits = 3, minDigits = 0): string {
  return formatNumber(value, lang, { maximumFractionDigits: maxDigits, minimumFractionDigits: Math.min(minDigits, maxDigits) });
}

/** A value with 1-4 decimals by its size (4 below 1, 1 from 1000 on); '–' when missing or not finite. */
export function formatValue(value: number | null | undefined, lang: Language): string {
  if (value == null || !Number.isFinite(value)) return '–';
  const a = Math.abs(value);
  return formatNumber(value, lang, { maximumFractionDigits: a >= 1000 ? 1 : a >= 100 ? 2 : a >= 1 ? 3 : 4 });
}

const FA_DIGITS = '۰۱۲۳۴۵۶۷۸۹';

/** Replace ASCII digits by Persian digits (and '.' between digits by the Persian decimal sign). */
export function toPersianDigits(s: string): string {
  return s.replace(/(\d)\.(?=\d)/g, '$1٫').replace(/-(?=\d)/g, '−').replace(/\d/g, (d) => FA_DIGITS[Number(d)]!);
}

/** A number written plainly (String(), or toFixed(digits) when given): Persian digits in Persian. */
export function formatPlain(value: number, lang: Language, fractionDigits?: number): string {
  const s = fractionDigits === undefined ? String(value) : value.toFixed(fractionDigits);
  return lang === 'fa' ? toPersianDigits(s) : s.replace(/^-/, '−');
}
