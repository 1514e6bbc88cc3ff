/**
 * The command-line entry to the engine (headless; for lecturers, scripts and tests).
 *   seqlab backends [--backend NAME]
 *   seqlab train <experiment.json> [--backend NAME] [--out run.json]
 *   seqlab starter > experiment.json
 *   seqlab compare [--size smallest|lecture|book] [--lang fa|en] [--out table.csv|.md]
 */
import { BACKEND_NAMES, type BackendName } from '../../shared/ipc/contract';
import type { Experiment } from '../../shared/experiment';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { initBackend } from '../engine/platform/backend';
import { readExperimentFile } from './common';
import { writeFileAtomic } from '../engine/platform/files';
import { runTraining } from '../engine/training/train';

const USAGE = `Usage:
  seqlab backends [--backend tensorflow-gpu|tensorflow|wasm|cpu]
  seqlab train <experiment.json> [--backend NAME] [--out run.json]
  seqlab starter            print the starter experiment as JSON (a template)
  seqlab summary <model.json>  Keras-style summary of a Keras topology or tfjs model.json
  seqlab data generate-jena [--rows N] [--seed S] --out file.csv   synthetic Jena-format CSV
  seqlab data inspect file.csv   columns, statistics and problems of a CSV file
  seqlab export <experiment.json> --out DIR [--tfjs] [--h5] [--python] [--plots svg,png] [--scale 1-4] [--report] [--lang fa|en]
                                          train, then export model/code/history (and charts, report)
  seqlab import <model.json|model.h5>   summary of a tfjs or Keras HDF5 model
  seqlab compare [--size smallest|lecture|book] [--lang fa|en] [--out table.csv|table.md] [--backend NAME] [--data-dir DIR]
                                          the book's Jena comparison (baseline, GRU, 6.47, 6.49, bidirectional, stacked)
`;


function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function backendOption(args: string[]): BackendName | undefined {
  const b = option(args, '--backend');
  if (b === undefined) return undefined;
  if (!(BACKEND_NAMES as readonly string[]).includes(b)) throw new Error(`unknown backend "${b}"; choose one of ${BACKEND_NAMES.join(', ')}`);
  return b as BackendName;
}

async function backends(args: string[]): Promise<number> {
  const r = await initBackend({ prefer: backendOption(args) });
  console.log(`tfjs ${r.tfjsVersion}; backend ladder (best first):`);
  for (const a of r.attempts) {
    const mark = a.ok ? (a.name === r.active ? 'ACTIVE ' : 'ok     ') : 'no     ';
    console.log(`  ${mark}${a.name.padEnd(15)}${a.ok ? '' : ` ${a.reason ?? ''}${a.detail ? `: ${a.detail}` : ''}`}`);
  }
  console.log(`active: ${r.active}`);
  if (r.fusedKernels !== undefined) console.log(`fused kernels: ${r.fusedKernels ? `on, ${r.kernelThreads ?? 1} thread(s)${r.kernelFma ? ', fused multiply-add in the convolutions' : ''}` : 'off'}`);
  return 0;
}

async function train(args: string[]): Promise<number> {
  const file = args.find((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1]!.startsWith('--')));
  if (!file) {
    console.error(USAGE);
    return 2;
  }
  const loaded = await readExperimentFile(file);
  if (!loaded) return 2;
  try {
    return await trainParsed(loaded.experiment, file, args, loaded.dataDir);
  } finally {
    await loaded.cleanup();
  }
}

async function trainParsed(exp: Experiment, file: string, args: string[], dataDir: string | undefined): Promise<number> {
  const report = await initBackend({ prefer: backendOption(args) });
  console.log(`Training "${exp.name}" on backend ${report.active}`);
  let stop = false;
  process.once('SIGINT', () => {
    stop = true;
    console.log('\nStopping after this batch...');
  });
  const tty = process.stdout.isTTY;
  const done = await runTraining(
    exp,
    'cli',
    {
      shouldStop: () => stop,
      progressIntervalMs: tty ? 200 : 5000,
      onProgress: (p) => {
        const line = `epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.smoothedLoss.toFixed(4)} ${p.samplesPerSecond.toFixed(0)} samples/s ETA ${p.etaSeconds.toFixed(0)} s`;
        if (tty) process.stdout.write(`\r${line}   `);
        else console.log(line);
      },
      onEpoch: (l) => {
        if (tty) process.stdout.write('\n');
        console.log(`epoch ${l.epoch}: loss ${l.loss.toFixed(4)} val_loss ${l.valLoss === null ? '-' : l.valLoss.toFixed(4)} (${l.seconds.toFixed(1)} s)`);
      },
    },
    dataDir ? { dataDir } : {},
  );
  const unit = done.targetUnit ? ` ${done.targetUnit}${done.lossName === 'mse' ? '^2' : ''}` : '';
  const both = (v: number | null | undefined, phys: number | null | undefined): string =>
    `${v == null ? '-' : v.toFixed(4)}${phys == null ? '' : ` (${phys.toFixed(3)}${unit})`}`;
  if (done.baselineValLoss !== null) console.log(`naive baseline val_loss ${both(done.baselineValLoss, done.baselineValLossPhysical)}`);
  if (done.bestEpoch !== null) console.log(`best epoch ${done.bestEpoch}: val_loss ${both(done.bestValLoss, done.bestValLossPhysical)}${done.earlyStopped ? ' (early stopping)' : ''}`);
  if (done.testLoss != null) console.log(`test loss ${both(done.testLoss, done.testLossPhysical)}; naive baseline ${both(done.baselineTestLoss, done.baselineTestLossPhysical)}`);
  if (done.testAccuracy != null) console.log(`test accuracy ${(done.testAccuracy * 100).toFixed(1)}%; baseline ${((done.baselineTestAccuracy ?? 0) * 100).toFixed(1)}%`);
  console.log(`status: ${done.status}${done.error ? ` (${done.error.code} ${JSON.stringify(done.error.params ?? {})})` : ''}; ${done.wallSeconds.toFixed(1)} s`);
  const out = option(args, '--out') ?? file.replace(/(\.json)?$/i, '.run.json');
  {
    await writeFileAtomic(out, JSON.stringify({ experiment: exp, backend: report.active, result: done }, null, 2));
    console.log(`run written to ${out}`);
  }
  return done.status === 'failed' ? 1 : 0;
}

/**
 * Every command: name -> handler. Later features add a file under main/cli/ and one
 * line here (and a usage line above).
 */
const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  backends,
  train,
  summary: async (args) => (await import('./summary')).summary(args),
  data: async (args) => (await import('./data')).data(args),
  export: async (args) => (await import('./export')).exportCommand(args),
  import: async (args) => (await import('./export')).importCommand(args),
  compare: async (args) => (await import('./compare')).compareCommand(args),
  starter: async () => {
    console.log(JSON.stringify(STARTER_EXPERIMENT, null, 2));
    return 0;
  },
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const run = cmd ? COMMANDS[cmd] : undefined;
  if (run) return run(rest);
  console.log(USAGE);
  return cmd === undefined || cmd === '--help' || cmd === 'help' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
