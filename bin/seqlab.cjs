#!/usr/bin/env node
// Command-line entry: `npx seqlab backends`, `npx seqlab train experiment.json`.
// The first use after `npm ci` builds dist/main (scripts/ensure-cli-built.cjs; a few seconds,
// progress on stderr so that stdout carries only the command's own output).
const path = require('node:path');
const { ensureCliBuilt } = require('../scripts/ensure-cli-built.cjs');

const root = path.join(__dirname, '..');
const cli = path.join(root, 'dist', 'main', 'cli.cjs');
try {
  ensureCliBuilt(cli, path.join(root, 'scripts', 'build-main.mjs'), { cwd: root });
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
}
require(cli);
