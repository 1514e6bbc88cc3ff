// Builds the command line's bundle on first use, so that `npx seqlab ...` works right after
// `npm ci` (bin/seqlab.cjs calls this before requiring dist/main/cli.cjs). Only a missing
// bundle is built; after edits to main/ run `npm run build:main` (or `npm run build`) yourself.
// The build's own output goes to stderr: the CLI's stdout stays clean for the commands that
// print JSON (`npx seqlab starter > experiment.json`). tests/unit/cli-first-use.test.ts.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

/**
 * Runs `buildScript` with this Node (synchronously, in `cwd`) when `cliPath` does not exist.
 * Returns true when it built, false when the bundle was already there. Throws an Error whose
 * message says what failed (exit status or signal) and what to run by hand.
 * @param {string} cliPath the bundle to require afterwards (dist/main/cli.cjs)
 * @param {string} buildScript the script that builds it (scripts/build-main.mjs)
 * @param {{ cwd?: string, log?: (line: string) => void }} [options] cwd: the repository root
 *   (the build script's paths are relative to it); log: where the one progress line goes (stderr)
 * @returns {boolean}
 */
function ensureCliBuilt(cliPath, buildScript, options = {}) {
  if (fs.existsSync(cliPath)) return false;
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const cwd = options.cwd ?? path.dirname(buildScript);
  const byHand = 'Run `npm run build:main` (or `npm run build`) in the SeqLab folder, fix what it reports, and try again.';
  if (!fs.existsSync(buildScript)) {
    throw new Error(`SeqLab's command line is not built (${cliPath} is missing) and its build script ${buildScript} is missing too. ${byHand}`);
  }
  log("Building SeqLab's command line (first use)…");
  // stdin closed; the build's stdout onto our stderr (fd 2); its stderr as it is.
  const r = spawnSync(process.execPath, [buildScript], { cwd, stdio: ['ignore', 2, 2], env: process.env });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : r.status !== null ? `exit status ${r.status}` : `killed by ${r.signal}`;
    throw new Error(`Building SeqLab's command line failed (${why}; the build's output is above). ${byHand}`);
  }
  if (!fs.existsSync(cliPath)) {
    throw new Error(`Building SeqLab's command line finished (exit status 0) but did not write ${cliPath}. ${byHand}`);
  }
  return true;
}

module.exports = { ensureCliBuilt };
