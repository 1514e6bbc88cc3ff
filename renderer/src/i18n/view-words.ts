/**
 * The words the window shares with the exported files: the chart words and two chart titles
 * live in shared/views/text.ts (the one table the plots and the report use too) and are merged
 * here into the `runs` namespace, so a chart on screen and its exported file say the same.
 */
import type { Language } from '../../../shared/ipc/contract';
import { chartWords, VIEW_TEXT } from '../../../shared/views/text';

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** Adds runs:chart.<word> and runs:forecast.{title,errors} for every language (`resources` is changed and returned). */
export function withViewWords(resources: Resources): Resources {
  for (const lang of Object.keys(VIEW_TEXT) as Language[]) {
    const ns = (resources[lang] ??= {});
    // A new namespace object: the loaded JSON module itself is left as it is.
    const runs = (ns.runs ?? {}) as Record<string, Record<string, unknown> | undefined>;
    ns.runs = {
      ...runs,
      chart: { ...runs.chart, ...chartWords(lang) },
      forecast: { ...runs.forecast, title: VIEW_TEXT[lang].forecastTitle, errors: VIEW_TEXT[lang].errorsTitle },
    };
  }
  return resources;
}
