// Compiles the AssemblyScript kernels (assembly/rnn) to WebAssembly with SIMD, using the
// `assemblyscript` npm package's compiler API (no other toolchain). Called by
// scripts/build-main.mjs, which embeds the bytes into the bundle (base64 via esbuild's
// `define`), so the packaged app needs no .wasm file beside it; also written to
// dist/main/kernels/rnn.wasm for inspection. Run alone: `node scripts/build-wasm.mjs`.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The compiler flags; main/engine/kernels/rnn/wasm.ts uses the same ones when compiling on demand (tests). */
// The memory is imported and shared (maximum 4 GiB), so that helper threads can run the
// same kernels on the same data (main/engine/kernels/rnn/team.ts).
export const ASC_FLAGS = ['-O3', '--runtime', 'stub', '--enable', 'simd', '--enable', 'threads', '--noAssert', '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536'];

/**
 * The module's two forms: plain WebAssembly SIMD, and with relaxed SIMD, whose fused
 * multiply-add the GEMM tiles use (assembly/rnn/activations.ts madd); the engine picks the
 * second where its V8 runs it (main/engine/kernels/rnn/wasm.ts).
 */
export const WASM_FORMS = { simd: [], fma: ['--enable', 'relaxed-simd'] };

/** Compiles assembly/rnn/index.ts in one form; returns the module bytes. */
export async function compileRnnWasm(form = 'simd') {
  const asc = (await import('assemblyscript/asc')).default;
  let binary = null;
  const errors = [];
  const { error } = await asc.main(['assembly/rnn/index.ts', '--outFile', 'rnn.wasm', ...ASC_FLAGS, ...WASM_FORMS[form]], {
    readFile: async (name, baseDir) => {
      const { readFile } = await import('node:fs/promises');
      try {
        return await readFile(resolve(root, baseDir, name), 'utf8');
      } catch {
        return null;
      }
    },
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm')) binary = contents;
    },
    listFiles: () => [],
    stderr: { write: (s) => { errors.push(String(s)); return true; } },
    stdout: { write: () => true },
  });
  if (error || !binary) throw new Error(`AssemblyScript compilation failed: ${error?.message ?? 'no output'}\n${errors.join('')}`);
  return binary;
}

/**
 * The module bytes, from node_modules/.cache/seqlab when the source and flags are
 * unchanged since the last compilation (the compiler takes several seconds).
 */
export async function rnnWasmBytes(form = 'simd') {
  const { createHash } = await import('node:crypto');
  const { readFile, rename } = await import('node:fs/promises');
  // every source file of the module (index.ts re-exports the others)
  const { readdir } = await import('node:fs/promises');
  const hasher = createHash('sha256');
  for (const f of (await readdir(resolve(root, 'assembly/rnn'))).filter((n) => n.endsWith('.ts')).sort()) {
    hasher.update(f).update(await readFile(resolve(root, 'assembly/rnn', f), 'utf8'));
  }
  const hash = hasher.update(JSON.stringify([...ASC_FLAGS, ...WASM_FORMS[form]])).digest('hex').slice(0, 16);
  const cacheDir = resolve(root, 'node_modules/.cache/seqlab');
  const cached = resolve(cacheDir, `rnn-${form}-${hash}.wasm`);
  try {
    return new Uint8Array(await readFile(cached));
  } catch {
    // not compiled yet
  }
  const bytes = await compileRnnWasm(form);
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, cached);
  // drop the modules of earlier sources
  const { rm } = await import('node:fs/promises');
  for (const f of await readdir(cacheDir)) {
    if ((/^rnn-[0-9a-f]{16}\.wasm$/.test(f) || f.startsWith(`rnn-${form}-`)) && f.endsWith('.wasm') && resolve(cacheDir, f) !== cached) await rm(resolve(cacheDir, f), { force: true });
  }
  return bytes;
}

/** Builds dist/main/kernels/rnn.wasm and rnn-fma.wasm; returns both forms as base64 ({ simd, fma }). */
export async function buildWasm() {
  const forms = {};
  for (const form of Object.keys(WASM_FORMS)) {
    const bytes = await rnnWasmBytes(form);
    const out = resolve(root, `dist/main/kernels/${form === 'simd' ? 'rnn' : `rnn-${form}`}.wasm`);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, bytes);
    forms[form] = Buffer.from(bytes).toString('base64');
  }
  return forms;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const forms = await buildWasm();
  console.log(`built dist/main/kernels/rnn.wasm (${Math.round((forms.simd.length * 3) / 4)} bytes) and rnn-fma.wasm (${Math.round((forms.fma.length * 3) / 4)} bytes)`);
}
