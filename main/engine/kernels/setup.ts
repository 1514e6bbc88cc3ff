/**
 * Registers the project's kernels with the backend ladder (platform/backend.ts, which imports
 * nothing above itself) when this module loads: the wasm gradient kernels once wasm is ready,
 * and the fused kernels' module (its thread count goes in the backend report) on 'wasm' and
 * 'cpu'. Every kernel entry point imports it, so using any kernel registers them all.
 * SEQLAB_FUSED=0 turns the fused kernels off.
 */
import { addBackendSetup } from '../platform/backend';
import { registerWasmGradKernels } from './conv';
import { loadRnnWasm, rnnWasmForm } from './rnn/wasm';
import { installTileGradient } from './tile-grad';

// gradients are not per backend: in place from the first kernel import on
installTileGradient();

addBackendSetup({
  onWasm: () => {
    registerWasmGradKernels();
  },
  cpuKernels: async () => {
    if (process.env.SEQLAB_FUSED === '0') return null;
    const w = await loadRnnWasm();
    return { threads: w.threads, fma: rnnWasmForm() === 'fma' };
  },
});
