import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layering of docs/ARCHITECTURE.md ("Layers") is a lint rule; prove it fails wrong imports and passes right ones.
const eslint = new ESLint({ cwd: process.cwd() });

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'seqlab/engine-layers').map((m) => m.message);
}

describe('layering lint rule', () => {
  it('fails renderer imports of main, Node, Electron or tfjs', async () => {
    expect(await layeringErrors('renderer/src/x.ts', "import { EngineHost } from '../../main/engine/host';\nexport { EngineHost };\n")).toHaveLength(1);
    expect(await layeringErrors('renderer/src/x.ts', "import * as fs from 'node:fs';\nexport { fs };\n")).toHaveLength(1);
    expect(await layeringErrors('renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport { ipcRenderer };\n")).toHaveLength(1);
    expect(await layeringErrors('renderer/src/x.ts', "import * as tf from '@tensorflow/tfjs';\nexport { tf };\n")).toHaveLength(1);
  });
  it('fails shared imports of anything with a runtime or of our other layers', async () => {
    expect(await layeringErrors('shared/x.ts', "import * as path from 'path';\nexport { path };\n")).toHaveLength(1);
    expect(await layeringErrors('shared/x.ts', "import { useState } from 'react';\nexport { useState };\n")).toHaveLength(1);
    expect(await layeringErrors('shared/x.ts', "import { api } from '../renderer/src/api';\nexport { api };\n")).toHaveLength(1);
  });
  it('fails an engine import of electron or of the app glue', async () => {
    expect(await layeringErrors('main/engine/x.ts', "import { app } from 'electron';\nexport { app };\n")).toHaveLength(1);
    expect(await layeringErrors('main/engine/x.ts', "import { WEB_PREFERENCES } from '../app/security';\nexport { WEB_PREFERENCES };\n")).toHaveLength(1);
  });
  it('allows the imports DESIGN.md allows', async () => {
    expect(await layeringErrors('renderer/src/x.ts', "import { channels } from '../../shared/ipc/contract';\nexport { channels };\n")).toEqual([]);
    expect(await layeringErrors('main/engine/x.ts', "import * as fs from 'node:fs';\nimport { channels } from '../../shared/ipc/contract';\nexport { fs, channels };\n")).toEqual([]);
    expect(await layeringErrors('main/app/x.ts', "import { app } from 'electron';\nimport { EngineHost } from '../engine/host';\nexport { app, EngineHost };\n")).toEqual([]);
    expect(await layeringErrors('shared/x.ts', "import { z } from 'zod';\nexport { z };\n")).toEqual([]);
  });

  it('fails an engine layer importing a layer above it or a peer', async () => {
    // platform is the bottom: it imports nothing of the engine above it.
    const up = await layeringErrors('main/engine/platform/backend.ts', "import { registerKernels } from '../kernels';\nexport { registerKernels };\n");
    expect(up).toHaveLength(1);
    expect(up[0]).toMatch(/platform \(layer 0\) may not import kernels \(layer 1\)/);
    expect(await layeringErrors('main/engine/kernels/rnn/op.ts', "import { buildModel } from '../../model/build';\nexport { buildModel };\n")).toHaveLength(1);
    expect(await layeringErrors('main/engine/model/build.ts', "import { train } from '../training/train';\nexport { train };\n")).toHaveLength(1);
    expect(await layeringErrors('main/engine/training/train.ts', "export { JobService } from '../jobs/service';\n")).toHaveLength(1);
    expect(await layeringErrors('main/engine/jobs/video.ts', "const h = () => import('../handlers/data');\nexport { h };\n")).toHaveLength(1);
    expect(await layeringErrors('main/engine/handlers/data.ts', "import { Engine } from '../engine';\nexport { Engine };\n")).toHaveLength(1);
    // Peers of one rank stay apart.
    expect(await layeringErrors('main/engine/data/datasets.ts', "import { listRuns } from '../projects/runs';\nexport { listRuns };\n")).toHaveLength(1);
    expect(await layeringErrors('main/engine/export/index.ts', "import { pretrain } from '../experiments/pretrain';\nexport { pretrain };\n")).toHaveLength(1);
  });
  it('fails a new engine folder that is in no layer', async () => {
    const errors = await layeringErrors('main/engine/helpers/x.ts', "import { paths } from '../platform/paths';\nexport { paths };\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/in no layer/);
  });
  it('allows an engine layer its own folder and the layers below it', async () => {
    expect(await layeringErrors('main/engine/kernels/rnn/op.ts', "import { tf } from '../../platform/backend';\nimport { x } from '../conv1d/op';\nexport { tf, x };\n")).toEqual([]);
    expect(await layeringErrors('main/engine/training/train.ts', "import { buildModel } from '../model/build';\nimport { loadDataset } from '../data/datasets';\nimport '../kernels';\nexport { buildModel, loadDataset };\n")).toEqual([]);
    expect(await layeringErrors('main/engine/handlers/project.ts', "import { exportRun } from '../export';\nexport { exportRun };\n")).toEqual([]);
    expect(await layeringErrors('main/engine/engine.ts', "import { JobService } from './jobs/service';\nimport { dataHandlers } from './handlers/data';\nexport { JobService, dataHandlers };\n")).toEqual([]);
  });
  it('keeps the real engine inside its layers', async () => {
    const results = await eslint.lintFiles(['main/engine/**/*.ts']);
    const wrong = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'seqlab/engine-layers').map((m) => `${r.filePath}: ${m.message}`));
    expect(wrong).toEqual([]);
    expect(results.length).toBeGreaterThan(40);
  });
  it('is the layering docs/ARCHITECTURE.md draws: every engine folder is a layer, in the same order', async () => {
    // The config is plain JavaScript (no types): loaded by its file address.
    const { ENGINE_LAYERS } = (await import(pathToFileURL(path.resolve('eslint.config.mjs')).href)) as { ENGINE_LAYERS: string[][] };
    const folders = readdirSync('main/engine').filter((f) => statSync(path.join('main/engine', f)).isDirectory()).sort();
    expect(ENGINE_LAYERS.flat().sort()).toEqual(folders);
    // The diagram lists the layers top first, one line each, the folder names with a slash.
    const doc = readFileSync('docs/ARCHITECTURE.md', 'utf8');
    const diagram = doc.slice(doc.indexOf(' engine root:'), doc.indexOf(' platform/') + 20);
    const order = [...diagram.matchAll(/^ ([a-z]+)\/(?:\s+([a-z]+)\/)?/gm)].flatMap((m) => [m[1]!, m[2]].filter(Boolean) as string[]);
    expect(order.reverse()).toEqual(ENGINE_LAYERS.flatMap((l) => [...l].reverse()));
  });
});
