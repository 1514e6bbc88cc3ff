// Before `npm test`: the end-to-end tests need a Chromium (Debian's /usr/bin/chromium;
// Playwright downloads no browser) and, for the Electron window, xvfb-run; the Keras and
// PyTorch export checks need python3 with h5py, numpy and torch (plus the optimized BLAS
// libtorch only recommends), and the ONNX export's second checker python3's onnx. On Debian as
// root this installs what is missing; elsewhere it says exactly what to install. (The tests fail, never skip, without them.)
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const missing = [];
if (!fs.existsSync(process.env.SEQLAB_CHROMIUM || '/usr/bin/chromium')) missing.push('chromium');
if (process.platform === 'linux' && !has('xvfb-run')) missing.push('xvfb');
if (process.platform === 'linux' && spawnSync('/usr/bin/python3', ['-c', 'import h5py']).status !== 0) missing.push('python3-h5py');
if (process.platform === 'linux' && spawnSync('/usr/bin/python3', ['-c', 'import numpy']).status !== 0) missing.push('python3-numpy');
if (process.platform === 'linux' && spawnSync('/usr/bin/python3', ['-c', 'import torch']).status !== 0) missing.push('python3-torch', 'libopenblas0-pthread');
if (process.platform === 'linux' && spawnSync('/usr/bin/python3', ['-c', 'import onnx']).status !== 0) missing.push('python3-onnx');

if (missing.length === 0) process.exit(0);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (process.platform === 'linux' && isRoot && has('apt-get')) {
  console.log(`[seqlab] installing test prerequisites: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  process.exit(r.status ?? 1);
}
console.error(`[seqlab] the tests need: ${missing.join(', ')}. On Debian/Ubuntu: sudo apt-get install -y ${missing.join(' ')}`);
console.error('[seqlab] (or set SEQLAB_CHROMIUM to another Chromium executable)');
process.exit(1);
