/**
 * The block registry: every block of the builder, in palette order (within its kind's group).
 * One block = one file here exporting its BlockDef (types.ts); adding a block is its file plus
 * its line here. Shape inference, validation, Keras and Python export, HDF5, PyTorch and ONNX export, the memory
 * estimate, seeding, the engine's kernels and the palette all loop over this list.
 */
import { add } from './add';
import { averagePooling1d } from './average-pooling1d';
import { batchNormalization } from './batch-normalization';
import { bidirectional } from './bidirectional';
import { concatenate } from './concatenate';
import { conv1d } from './conv1d';
import { conv2d } from './conv2d';
import { conv3d } from './conv3d';
import { convLstm2d } from './conv-lstm2d';
import { dense } from './dense';
import { dropout } from './dropout';
import { embedding } from './embedding';
import { flatten } from './flatten';
import { globalAveragePooling1d } from './global-average-pooling1d';
import { globalMaxPooling1d } from './global-max-pooling1d';
import { gru } from './gru';
import { inputImage } from './input-image';
import { inputSequence } from './input-sequence';
import { inputTokens } from './input-tokens';
import { inputVector } from './input-vector';
import { inputVideo } from './input-video';
import { layerNormalization } from './layer-normalization';
import { lstm } from './lstm';
import { maxPooling1d } from './max-pooling1d';
import { maxPooling2d } from './max-pooling2d';
import { maxPooling3d } from './max-pooling3d';
import { repeatVector } from './repeat-vector';
import { reshape } from './reshape';
import { simpleRnn } from './simple-rnn';
import { timeDistributed } from './time-distributed';
import type { BlockDef } from './types';

export const BLOCKS: readonly BlockDef[] = [
  // inputs
  inputSequence, inputVector, inputImage, inputVideo, inputTokens,
  // recurrent and wrappers
  simpleRnn, lstm, gru, bidirectional, timeDistributed,
  // convolution and pooling
  conv1d, maxPooling1d, averagePooling1d, globalMaxPooling1d, globalAveragePooling1d, conv2d, maxPooling2d, conv3d, maxPooling3d, convLstm2d,
  // core
  dense, dropout, flatten, reshape, repeatVector, embedding, batchNormalization, layerNormalization,
  // merges
  concatenate, add,
];

export type * from './types';
export { ACTIVATIONS, RECURRENT_ACTIVATIONS } from './params';
export { convOutputLength, formatShape } from './shape-kit';
