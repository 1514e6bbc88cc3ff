// Bundles the Node side (Electron main, preload, engine worker, browser-mode host, CLI)
// into dist/main as CommonJS. npm packages stay external (tfjs finds its .wasm files
// and native bindings beside itself in node_modules).
import { build } from 'esbuild';
import { buildWasm } from './build-wasm.mjs';

// The fused recurrent kernels (assembly/rnn, AssemblyScript -> WebAssembly SIMD), embedded
// into the bundle as base64, both forms (main/engine/kernels/rnn/wasm.ts reads __SEQLAB_RNN_WASM__).
const rnnWasm = await buildWasm();

const common = {
  define: { __SEQLAB_RNN_WASM__: JSON.stringify(rnnWasm) },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: { app: 'main/app/main.ts' }, outdir: 'dist/main', outExtension: { '.js': '.cjs' }, external: ['electron'] }),
  build({ ...common, entryPoints: { preload: 'main/app/preload.ts' }, outdir: 'dist/main', outExtension: { '.js': '.cjs' }, external: ['electron'], sourcemap: false }),
  build({ ...common, entryPoints: { 'engine-worker': 'main/engine/worker.ts', web: 'main/web/entry.ts', cli: 'main/cli/index.ts', bench: 'main/bench/index.ts' }, outdir: 'dist/main', outExtension: { '.js': '.cjs' } }),
]);
console.log('built dist/main');
