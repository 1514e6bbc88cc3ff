/**
 * The experiments (captioning, video, pretraining) call initBackend() without options; they
 * must climb the same ladder as the engine that runs them (its `backend` option), not the
 * default one.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../main/engine/platform/backend';
import { Engine } from '../../main/engine/engine';

describe('backend options', () => {
  it('a bare initBackend() after the engine starts uses the engine’s ladder options', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'seqlab-backend-'));
    new Engine({ dataDir, backend: { prefer: 'cpu' } }, () => undefined);
    const report = await initBackend();
    // the wasm rung (this machine's best) was skipped, as the engine asked
    expect(report.active).toBe('cpu');
    expect(report.attempts.find((a) => a.name === 'wasm')).toEqual({ name: 'wasm', ok: false, reason: 'skipped-by-choice' });
  });
});
