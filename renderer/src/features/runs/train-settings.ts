import { create } from 'zustand';
import type { TrainSettings } from '../../../../shared/experiment';

/**
 * Training settings for runs started from the builder. Defaults fit a lesson on a lab PC:
 * a few minutes on the CPU backends (the book's 20 x 500 steps is one click away).
 */
export const useTrainSettings = create<TrainSettings>(() => ({
  optimizer: 'rmsprop',
  learningRate: 0.001,
  loss: 'mae',
  epochs: 5,
  stepsPerEpoch: 40,
  validationSteps: 20,
  seed: 1,
  patience: 0,
  testSteps: 20,
}));

export function setTrainSettings(patch: Partial<TrainSettings>): void {
  useTrainSettings.setState(patch);
}

export const BOOK_SETTINGS: Partial<TrainSettings> = { optimizer: 'rmsprop', learningRate: 0.001, loss: 'mae', epochs: 20, stepsPerEpoch: 500, validationSteps: 769 };
