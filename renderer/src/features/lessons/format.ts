import type { Lang } from './types';

const FA_DIGITS = '۰۱۲۳۴۵۶۷۸۹';

/** Replace ASCII digits by Persian digits (and '.' between digits by the Persian decimal sign). */
export function toPersianDigits(s: string): string {
  return s.replace(/(\d)\.(?=\d)/g, '$1٫').replace(/-(?=\d)/g, '−').replace(/\d/g, (d) => FA_DIGITS[Number(d)]!);
}

/** A number for people to read: Persian digits in Persian mode. */
export function formatNumber(n: number, lang: Lang, fractionDigits?: number): string {
  const s = fractionDigits === undefined ? String(n) : n.toFixed(fractionDigits);
  return lang === 'fa' ? toPersianDigits(s) : s.replace(/^-/, '−');
}

export function langOf(language: string | undefined): Lang {
  return language?.startsWith('fa') ? 'fa' : 'en';
}
