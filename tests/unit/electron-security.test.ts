import { describe, expect, it } from 'vitest';
import { ELECTRON_CSP, isAppUrl, WEB_PREFERENCES } from '../../main/app/security';
import { contentSecurityPolicy } from '../../main/web/server';

describe('Electron security settings', () => {
  it('uses the hardened web preferences', () => {
    expect(WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
  });
  it('lets only the app origin navigate', () => {
    expect(isAppUrl('app://seqlab/index.html')).toBe(true);
    expect(isAppUrl('https://example.com/')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
  it('CSPs allow no remote origin', () => {
    for (const csp of [ELECTRON_CSP, contentSecurityPolicy('ws://127.0.0.1:4567')]) {
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
      expect(csp).not.toContain("'unsafe-eval'");
    }
  });
});
