import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { CHANNEL_NAMES, channels } from '../../shared/ipc/contract';
import { validateRequest } from '../../shared/ipc/validate';

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
}

describe('IPC contract validation', () => {
  it('accepts every well-formed request', () => {
    expect(validateRequest('settings.get', {}).channel).toBe('settings.get');
    expect(validateRequest('settings.set', { language: 'en' }).payload).toEqual({ language: 'en' });
    expect(validateRequest('train.start', { experiment: STARTER_EXPERIMENT }).channel).toBe('train.start');
    expect(validateRequest('train.stop', { runId: 'run-abc_1' }).payload).toEqual({ runId: 'run-abc_1' });
  });

  it('rejects unknown channels, including prototype names', () => {
    expect(codeOf(() => validateRequest('fs.readFile', {}))).toBe('E_UNKNOWN_CHANNEL');
    expect(codeOf(() => validateRequest('__proto__', {}))).toBe('E_UNKNOWN_CHANNEL');
    expect(codeOf(() => validateRequest('constructor', {}))).toBe('E_UNKNOWN_CHANNEL');
    expect(codeOf(() => validateRequest(42, {}))).toBe('E_UNKNOWN_CHANNEL');
  });

  it('rejects wrong types, unknown keys and values out of range with the failing path', () => {
    expect(codeOf(() => validateRequest('settings.set', { language: 'de' }))).toBe('E_VALIDATION');
    expect(codeOf(() => validateRequest('settings.set', { language: 'fa', dataDir: '../../etc' }))).toBe('E_VALIDATION');
    expect(codeOf(() => validateRequest('train.stop', { runId: '../../etc/passwd' }))).toBe('E_VALIDATION');
    expect(codeOf(() => validateRequest('train.stop', { runId: 'x'.repeat(10_000) }))).toBe('E_VALIDATION');
    expect(codeOf(() => validateRequest('train.stop', null))).toBe('E_VALIDATION');
    const bad = structuredClone(STARTER_EXPERIMENT) as unknown as { training: { epochs: unknown } };
    bad.training.epochs = -3;
    try {
      validateRequest('train.start', { experiment: bad });
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).params.path).toBe('experiment.training.epochs');
    }
  });

  it('does not let prototype-pollution keys through', () => {
    const hostile = JSON.parse('{"language":"fa","__proto__":{"polluted":true}}') as unknown;
    expect(codeOf(() => validateRequest('settings.set', hostile))).toBe('E_VALIDATION');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('declares a request and a response schema for every channel', () => {
    expect(CHANNEL_NAMES.length).toBeGreaterThan(5);
    for (const name of CHANNEL_NAMES) {
      expect(channels[name].request.safeParse).toBeTypeOf('function');
      expect(channels[name].response.safeParse).toBeTypeOf('function');
    }
  });
});
