/**
 * Which lesson a piece of work belongs to, for the start page's marks: a run of a lesson's
 * preset (runs are named after the preset they were built from), the starter (a GRU, so the
 * first lesson), or a lesson's experiment tab. The first lesson that lists a preset owns it.
 */
import { LESSONS } from '../lessons/content';
import type { ExperimentTab } from '../experiments/tabs';

/** The lessons whose practical part is an experiment tab rather than a builder preset. */
export const LESSON_EXPERIMENT: Readonly<Record<string, ExperimentTab>> = { captioning: 'captioning', video: 'video', representation: 'pretrain', pretraining: 'pretrain' };

const STARTER_LESSON = 'gru';

/** The lesson a forecasting run belongs to, from its experiment's name; null when none does. */
export function lessonOfExperiment(name: string): string | null {
  if (name === 'starter-gru') return STARTER_LESSON;
  return LESSONS.find((l) => l.presets.some((p) => p.id === name))?.id ?? null;
}

/** The lesson an experiment tab's job belongs to (the first that lists the tab). */
export function lessonOfTab(tab: ExperimentTab): string | null {
  return LESSONS.find((l) => LESSON_EXPERIMENT[l.id] === tab)?.id ?? null;
}
