/** The experiment tabs (each also a job kind) and the open one, kept outside the page so the start page can open a lesson's experiment. */
import { create } from 'zustand';

export const EXPERIMENT_TABS = ['captioning', 'video', 'pretrain', 'compare'] as const;
export type ExperimentTab = (typeof EXPERIMENT_TABS)[number];

export const useExperimentTab = create<{ tab: ExperimentTab }>(() => ({ tab: 'captioning' }));
