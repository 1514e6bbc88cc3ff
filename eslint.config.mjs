// Lint, including the layering of docs/ARCHITECTURE.md as a rule: a wrong import fails `npm run lint`.
//   renderer -> shared          (never main, never Node or Electron)
//   main     -> shared, main/*  (never renderer)
//   main/engine -> shared       (never electron, never main/app)
//   shared   -> nothing of ours (no Node, DOM frameworks, Electron or tfjs)
//   main/engine sublayers: each imports only its own folder and the layers below it
//     (ENGINE_LAYERS below; docs/ARCHITECTURE.md, "Layers").
import * as path from 'node:path';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'http', 'net', 'crypto', 'url', 'events', 'stream', 'util'];

export const layering = [
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/main/**', '../main', '../../main', 'main/*'], message: 'renderer may import only shared/ (docs/ARCHITECTURE.md, "Layers").' },
          { group: ['electron', ...nodeBuiltins, '@tensorflow/*'], message: 'renderer is sandboxed: no Node, Electron or tfjs; ask the engine over the IPC contract.' },
        ],
      }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/main/**', '**/renderer/**', '../main', '../renderer'], message: 'shared/ imports nothing of ours (docs/ARCHITECTURE.md, "Layers").' },
          { group: ['electron', 'react', 'react-dom', 'react/*', ...nodeBuiltins, '@tensorflow/*', 'zustand', 'i18next'], message: 'shared/ is pure TypeScript: no runtime (Node, DOM framework, Electron, tfjs).' },
        ],
      }],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/engine/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/renderer/**', '../renderer', '../../renderer'], message: 'main/ never imports the renderer (docs/ARCHITECTURE.md, "Layers").' }],
      }],
    },
  },
  {
    files: ['main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron'], message: 'the engine is plain Node: it never imports electron (docs/ARCHITECTURE.md).' },
          { group: ['**/app/**', '../app', '**/renderer/**', '../web', '**/web/**', '../cli', '**/cli/**'], message: 'main/engine imports only shared/ and itself (docs/ARCHITECTURE.md, "Layers").' },
        ],
      }],
    },
  },
];


// The engine's layers, lowest first. A folder of main/engine may import its own files and
// any folder of a lower rank; never a higher rank and never a peer of the same rank.
// Files directly in main/engine (engine.ts, worker.ts, host.ts, router.ts, protocol.ts)
// are the top: they wire the layers together.
export const ENGINE_LAYERS = [
  ['platform'], // backend ladder, files, paths, session, uploads
  ['kernels'], // the project's WebAssembly kernels, registered through platform's setup hook
  ['data', 'projects'], // CSV and datasets, windowing; the project and run records
  ['model'], // building a model from the spec, formats (tfjs, Keras HDF5), memory, gates
  ['training'], // the training loop, losses, evaluation, checkpoints, per-run models
  ['experiments', 'export'], // captioning, video, pretraining; export of runs
  ['jobs'], // the job service and the jobs it runs
  ['handlers'], // thin IPC handlers
];
const ENGINE_ROOT = 'main/engine';
const TOP = '(engine root)';
const rankOf = new Map(ENGINE_LAYERS.flatMap((names, rank) => names.map((n) => [n, rank])));
rankOf.set(TOP, ENGINE_LAYERS.length);

/** The layer a path inside main/engine belongs to ('kernels/rnn/op.ts' -> 'kernels'). */
function layerOf(rel) {
  const parts = rel.split('/');
  if (parts.length > 1) return parts[0];
  const bare = parts[0].replace(/\.(ts|js|mjs|cjs)$/, '');
  return rankOf.has(bare) ? bare : TOP; // '../kernels' is the folder's index
}

const engineLayersRule = {
  meta: { type: 'problem', schema: [], docs: { description: 'main/engine imports only its own layer and the layers below it' } },
  create(context) {
    const file = path.relative(context.cwd, context.filename).split(path.sep).join('/');
    if (!file.startsWith(ENGINE_ROOT + '/')) return {};
    const from = layerOf(file.slice(ENGINE_ROOT.length + 1));
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      if (!rankOf.has(from)) {
        context.report({ node, message: `main/engine/${from}/ is in no layer: add it to ENGINE_LAYERS in eslint.config.mjs and to docs/ARCHITECTURE.md.` });
        return;
      }
      if (!source.startsWith('.')) return;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), source));
      if (!target.startsWith(ENGINE_ROOT + '/')) return; // shared/ and the rest: the rules above
      const to = layerOf(target.slice(ENGINE_ROOT.length + 1));
      if (to === from) return;
      const [a, b] = [rankOf.get(from), rankOf.get(to)];
      if (b === undefined) context.report({ node, message: `main/engine/${to}/ is in no layer: add it to ENGINE_LAYERS in eslint.config.mjs and to docs/ARCHITECTURE.md.` });
      else if (b >= a) context.report({ node, message: `main/engine/${from} (layer ${a}) may not import ${to} (layer ${b}): an engine layer imports only the layers below it (docs/ARCHITECTURE.md, "Layers").` });
    };
    const fromSource = (node) => check(node, node.source?.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source.value : undefined),
    };
  },
};

export default tseslint.config(
  // assembly/ is AssemblyScript (compiled by scripts/build-wasm.mjs), not TypeScript.
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'tests/fixtures/**', 'assembly/**'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  ...layering,
  { files: ['main/engine/**/*.ts'], plugins: { seqlab: { rules: { 'engine-layers': engineLayersRule } } }, rules: { 'seqlab/engine-layers': 'error' } },
);
