/**
 * Which lesson a piece of work belongs to, for the start page's marks: a run of a lesson's
 * preset (runs are named after the preset they were built from), the starter (a GRU, so the
 * first lesson), or a lesson's experiment tab. The first lesson that lists a preset owns it.
 */
import { STARTER_EXPERIMENT } from '../../../../shared/experiments';
import { LESSONS } from '../lessons/content';
import type { ExperimentTab } from '../experiments/tabs';

/** The experiment tabs of a lesson (beside its presets): the forecasting lessons share the book's comparison. */
export const LESSON_EXPERIMENTS: Readonly<Record<string, readonly ExperimentTab[]>> = {
  gru: ['compare'],
  bidirectional: ['compare'],
  stacked: ['compare'],
  conv1d: ['compare'],
  'cnn-rnn': ['compare'],
  captioning: ['captioning'],
  video: ['video'],
  representation: ['pretrain'],
  pretraining: ['pretrain'],
};

const STARTER_LESSON = 'gru';

/** The lesson a forecasting run belongs to, from its experiment's name; null when none does. */
export function lessonOfExperiment(name: string): string | null {
  if (name === STARTER_EXPERIMENT.name) return STARTER_LESSON;
  return LESSONS.find((l) => l.presets.some((p) => p.id === name))?.id ?? null;
}

/** The lessons an experiment tab's job belongs to: every lesson that lists the tab (the comparison trains the models of five). */
export function lessonsOfTab(tab: ExperimentTab): string[] {
  return LESSONS.filter((l) => LESSON_EXPERIMENTS[l.id]?.includes(tab)).map((l) => l.id);
}
