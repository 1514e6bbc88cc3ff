// Times stock vs fused recurrent layers (ms per training batch, GRU/LSTM/BiGRU/stacked GRU
// on [128, 240, 14], RMSprop + MAE). Not a test. Bundles main/bench/rnn-kernels.ts
// with the freshly compiled kernels, then runs it.
//   node scripts/bench-rnn.mjs [--backend wasm|cpu] [--batches 5] [--only gru,lstm,bigru,stacked] [--no-stock]
import { build } from 'esbuild';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildWasm } from './build-wasm.mjs';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const wasm = await buildWasm();
// inside the project so that the bundle resolves node_modules
const dir = join(process.cwd(), 'node_modules/.cache/seqlab');
await mkdir(dir, { recursive: true });
const out = join(dir, 'bench.cjs');
await build({
  stdin: { contents: "export { benchRnn } from './main/bench/rnn-kernels';", resolveDir: process.cwd(), loader: 'ts' },
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', outfile: out, logLevel: 'warning',
  define: { __SEQLAB_RNN_WASM__: JSON.stringify(wasm) },
});
const require = createRequire(join(process.cwd(), 'package.json'));
const { benchRnn } = require(out);
await benchRnn({
  backend: arg('backend', 'wasm'),
  batches: Number(arg('batches', '5')),
  only: arg('only', 'gru,lstm,bigru,stacked').split(','),
  stock: !process.argv.includes('--no-stock'),
});
