import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layering of DESIGN.md is a lint rule; prove it fails wrong imports and passes right ones.
const eslint = new ESLint({ cwd: process.cwd() });

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
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
});
