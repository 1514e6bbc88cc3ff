/**
 * The project's own kernels for the CPU backends (WebAssembly: recurrent layers, Conv1D,
 * the gradient kernels tfjs-backend-wasm lacks, RMSprop). Loading this module registers
 * them with the backend ladder (platform/backend.ts), which imports nothing above itself:
 * the wasm gradient kernels once wasm is ready, and the fused kernels' module (with its
 * thread count in the backend report) on 'wasm' and 'cpu'. SEQLAB_FUSED=0 turns the fused
 * kernels off.
 */
import { addBackendSetup } from '../platform/backend';
import { registerWasmGradKernels } from './conv';
import { loadRnnWasm } from './rnn/wasm';

addBackendSetup({
  onWasm: () => {
    registerWasmGradKernels();
  },
  cpuKernels: async () => (process.env.SEQLAB_FUSED !== '0' ? loadRnnWasm() : null),
});

export { installFusedRnn } from './rnn';
export { FusedRMSProp } from './optim';
