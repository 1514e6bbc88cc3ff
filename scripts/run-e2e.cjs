// Runs the Playwright suite; on Linux without a display, under xvfb-run when it exists,
// so the Electron spec can open a real window.
const { spawnSync } = require('node:child_process');

const args = ['playwright', 'test', ...process.argv.slice(2)];
const needsX = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const hasXvfb = needsX && spawnSync('sh', ['-c', 'command -v xvfb-run']).status === 0;
const r = hasXvfb
  ? spawnSync('xvfb-run', ['-a', 'npx', ...args], { stdio: 'inherit' })
  : spawnSync('npx', args, { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(r.status ?? 1);
