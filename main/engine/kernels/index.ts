/**
 * The project's own kernels for the CPU backends (WebAssembly: recurrent layers, Conv1D,
 * the gradient kernels tfjs-backend-wasm lacks, RMSprop). Loading any of them registers
 * them with the backend ladder (setup.ts).
 */
import './setup';

export { installFusedRnn } from './rnn';
export { installFusedConvLstm } from './convlstm';
export { installFusedConv2d } from './conv2d';
export { installFusedDense } from './dense';
export { FusedRMSProp } from './optim';
