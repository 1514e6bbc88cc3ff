// `npm start`: opens the Electron window where the Electron binary exists and a display
// is available; otherwise starts browser mode and says why.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { electronBinary } = require('./electron-path.cjs');

const root = path.join(__dirname, '..');
const passthrough = process.argv.slice(2).filter((a) => a !== '--browser');

function browserMode(reason) {
  const child = spawn(process.execPath, [path.join(root, 'dist', 'main', 'web.cjs'), '--reason', reason, ...passthrough], {
    stdio: 'inherit',
  });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}

if (process.argv.includes('--browser')) {
  browserMode('requested');
} else {
  const bin = electronBinary();
  const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  if (!bin) {
    browserMode('no-electron-binary');
  } else if (headless) {
    browserMode('no-display');
  } else {
    const child = spawn(bin, [root, ...passthrough], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  }
}
