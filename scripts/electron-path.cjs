// Finds the Electron binary without triggering the electron package's
// download-on-first-use (requiring 'electron' would try the network).
const fs = require('node:fs');
const path = require('node:path');

function electronBinary() {
  let dir;
  try {
    dir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const rel = fs.readFileSync(pathFile, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(dir, 'dist');
  const full = path.join(dist, rel);
  return fs.existsSync(full) ? full : null;
}

module.exports = { electronBinary };
