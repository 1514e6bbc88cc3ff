#!/usr/bin/env node
// Command-line entry: `npx seqlab backends`, `npx seqlab train experiment.json`.
const fs = require('node:fs');
const path = require('node:path');
const cli = path.join(__dirname, '..', 'dist', 'main', 'cli.cjs');
if (!fs.existsSync(cli)) {
  console.error('SeqLab is not built yet: run `npm run build` first.');
  process.exit(1);
}
require(cli);
