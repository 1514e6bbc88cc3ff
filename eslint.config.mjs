// Lint, including the layering of DESIGN.md as a rule: a wrong import fails `npm run lint`.
//   renderer -> shared          (never main, never Node or Electron)
//   main     -> shared, main/*  (never renderer)
//   main/engine -> shared       (never electron, never main/app)
//   shared   -> nothing of ours (no Node, DOM frameworks, Electron or tfjs)
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'http', 'net', 'crypto', 'url', 'events', 'stream', 'util'];

export const layering = [
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/main/**', '../main', '../../main', 'main/*'], message: 'renderer may import only shared/ (DESIGN.md layering).' },
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
          { group: ['**/main/**', '**/renderer/**', '../main', '../renderer'], message: 'shared/ imports nothing of ours (DESIGN.md layering).' },
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
        patterns: [{ group: ['**/renderer/**', '../renderer', '../../renderer'], message: 'main/ never imports the renderer (DESIGN.md layering).' }],
      }],
    },
  },
  {
    files: ['main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron'], message: 'the engine is plain Node: it never imports electron (DESIGN.md).' },
          { group: ['**/app/**', '../app', '**/renderer/**', '../web', '**/web/**', '../cli', '**/cli/**'], message: 'main/engine imports only shared/ and itself (DESIGN.md layering).' },
        ],
      }],
    },
  },
];

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
);
