/**
 * i18n: every JSON file in locales/<lang>/ is a namespace named after the file
 * (common.json -> 'common'), plus the chart words shared with the exports (view-words.ts).
 * Persian is the default; the choice is saved by the engine (settings.json) so it survives
 * restarts in both the desktop app and browser mode. Numbers: shared/views/format.ts.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../../shared/ipc/contract';
import { withViewWords } from './view-words';

const files = import.meta.glob('./locales/*/*.json', { eager: true, import: 'default' }) as Record<string, Record<string, unknown>>;

export const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [file, content] of Object.entries(files)) {
  const m = /\.\/locales\/([a-z]+)\/([\w-]+)\.json$/.exec(file);
  if (!m) continue;
  const [, lang, ns] = m as unknown as [string, string, string];
  (resources[lang] ??= {})[ns] = content;
}
withViewWords(resources);

export function applyDirection(lang: Language): void {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'fa' ? 'rtl' : 'ltr';
}

void i18n.use(initReactI18next).init({
  resources,
  lng: 'fa',
  fallbackLng: 'en',
  defaultNS: 'common',
  ns: Object.keys(resources.en ?? {}),
  interpolation: { escapeValue: false },
  returnNull: false,
});
applyDirection('fa');

export default i18n;
