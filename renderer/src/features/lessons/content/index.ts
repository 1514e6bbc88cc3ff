import type { Lesson } from '../types';
import { lesson01 } from './lesson01-gru';
import { lesson02 } from './lesson02-bidirectional';
import { lesson03 } from './lesson03-stacked';
import { lesson04 } from './lesson04-conv1d';
import { lesson05 } from './lesson05-cnn-rnn';
import { lesson06 } from './lesson06-captioning';
import { lesson07 } from './lesson07-video';
import { lesson08 } from './lesson08-representation';
import { lesson09 } from './lesson09-pretraining';

/** The course, in order. */
export const LESSONS: Lesson[] = [lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08, lesson09];

export { GRU_EQUATIONS } from './lesson01-gru';
