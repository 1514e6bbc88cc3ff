// Root postinstall: try to download the Electron binary (its own install script is
// not allowed to run by package.json "allowScripts", because it fails hard where
// the download host cannot be reached). Here a failure only warns: `npm start`
// then falls back to browser mode and says why.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const installer = path.join(__dirname, '..', 'node_modules', 'electron', 'install.js');
if (!fs.existsSync(installer)) {
  process.exit(0);
}
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.warn('[seqlab] ELECTRON_SKIP_BINARY_DOWNLOAD is set: no Electron binary; `npm start` will use browser mode.');
  process.exit(0);
}
const r = spawnSync(process.execPath, [installer], { stdio: 'inherit', timeout: 10 * 60 * 1000 });
if (r.status !== 0) {
  console.warn('[seqlab] Could not download the Electron binary (no network to its host?).');
  console.warn('[seqlab] Everything else is installed; `npm start` will run SeqLab in browser mode.');
}
process.exit(0);
