/**
 * `seqlab export <experiment.json> --out DIR [--tfjs] [--h5] [--keras] [--python] [--pytorch] [--onnx] [--plots svg,png]
 *   [--scale 1-4] [--report] [--lang fa|en] [--backend NAME]`:
 * trains the experiment (the engine's trainModel) and exports the trained model into a new
 * folder under DIR (see main/engine/export). Without a model format flag, tfjs, h5 and python
 * (--pytorch, pytorch/model.py and its weights, --onnx, model.onnx, and --keras, the Keras 3
 * model.keras, only when asked: not every layer has a torch or ONNX form, and Keras 3 cannot
 * compute an LSTM whose activation is hard_sigmoid as tfjs does); the run's history (CSV and JSON) is always written. `--plots` writes the charts (plots/*.svg, *.png at
 * --scale times 800x450, default 2), `--report` the one-page report.html, both in --lang
 * (default fa).
 *
 * `seqlab import <model.json|folder|model.h5|model.keras|config.json>`: opens a tfjs, Keras 2
 * HDF5 or Keras 3 model (a config.json alone: fresh weights) and prints its Keras-style summary.
 */
import { AppError } from '../../shared/errors';
import { BACKEND_NAMES, type BackendName } from '../../shared/training';
import { buildSummary, fromKerasSpec, ModelGraphError, renderSummary } from '../../shared/model';
import { initBackend } from '../engine/platform/backend';
import { readExperimentFile } from './common';
import { exportRun, importModel } from '../engine/export';
import { trainModel } from '../engine/training/train';

const EXPORT_USAGE = 'Usage: seqlab export <experiment.json> --out DIR [--tfjs] [--h5] [--keras] [--python] [--pytorch] [--onnx] [--plots svg,png] [--scale 1-4] [--report] [--lang fa|en] [--backend NAME]';
const IMPORT_USAGE = 'Usage: seqlab import <model.json|model.h5|model.keras|config.json>';


const VALUE_OPTIONS = new Set(['--out', '--backend', '--plots', '--scale', '--lang']);

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function positional(args: string[]): string | undefined {
  return args.find((a, i) => !a.startsWith('--') && (i === 0 || !VALUE_OPTIONS.has(args[i - 1]!)));
}

function describeError(e: unknown): string {
  if (e instanceof AppError || e instanceof ModelGraphError) return `${e.code} ${JSON.stringify(e.params)}`;
  return e instanceof Error ? e.message : String(e);
}

export async function exportCommand(args: string[]): Promise<number> {
  const file = positional(args);
  const out = option(args, '--out');
  if (!file || !out) {
    console.error(EXPORT_USAGE);
    return 2;
  }
  const backend = option(args, '--backend');
  if (backend !== undefined && !(BACKEND_NAMES as readonly string[]).includes(backend)) {
    console.error(`unknown backend "${backend}"; choose one of ${BACKEND_NAMES.join(', ')}`);
    return 2;
  }
  const flags = { tfjs: args.includes('--tfjs'), h5: args.includes('--h5'), keras: args.includes('--keras'), python: args.includes('--python'), pytorch: args.includes('--pytorch'), onnx: args.includes('--onnx') };
  const any = flags.tfjs || flags.h5 || flags.keras || flags.python || flags.pytorch || flags.onnx;
  const plots = (option(args, '--plots') ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const scale = Number(option(args, '--scale') ?? 2);
  const lang = option(args, '--lang') ?? 'fa';
  if (plots.some((p) => p !== 'svg' && p !== 'png') || (args.includes('--plots') && !plots.length)) {
    console.error('--plots takes svg, png or svg,png');
    return 2;
  }
  if (!Number.isInteger(scale) || scale < 1 || scale > 4) {
    console.error('--scale takes a whole number from 1 to 4');
    return 2;
  }
  if (lang !== 'fa' && lang !== 'en') {
    console.error('--lang takes fa or en');
    return 2;
  }
  const what = {
    ...(any ? flags : { tfjs: true, h5: true, python: true }),
    history: true,
    plotsSvg: plots.includes('svg'),
    plotsPng: plots.includes('png'),
    pngScale: scale,
    report: args.includes('--report'),
  };

  let loaded: Awaited<ReturnType<typeof readExperimentFile>>;
  try {
    loaded = await readExperimentFile(file);
    if (!loaded) return 2;
    const exp = loaded.experiment;
    const dataDir = loaded.dataDir;
    const report = await initBackend(backend ? { prefer: backend as BackendName } : {});
    console.log(`Training "${exp.name}" on backend ${report.active}`);
    const createdAt = new Date().toISOString();
    const runId = `cli-${Date.now().toString(36)}`;
    const run = await trainModel(exp, runId, {
      progressIntervalMs: 5000,
      onEpoch: (l) => console.log(`epoch ${l.epoch}: loss ${l.loss.toFixed(4)} val_loss ${l.valLoss === null ? '-' : l.valLoss.toFixed(4)} (${l.seconds.toFixed(1)} s)`),
    }, dataDir ? { dataDir } : {});
    try {
      const done = run.done;
      console.log(`status: ${done.status}${done.error ? ` (${done.error.code} ${JSON.stringify(done.error.params ?? {})})` : ''}; ${done.wallSeconds.toFixed(1)} s`);
      if (!run.model) return 1;
      const record = { id: runId, createdAt, experiment: exp, backend: report.active, params: run.model.countParams(), done };
      const result = await exportRun(run, record, out, what, { lang });
      console.log(`exported to ${result.dir}`);
      for (const f of result.files) console.log(`  ${f}`);
      return done.status === 'failed' ? 1 : 0;
    } finally {
      run.dispose();
    }
  } catch (e) {
    console.error(`export failed: ${describeError(e)}`);
    return 1;
  } finally {
    await loaded?.cleanup();
  }
}

export async function importCommand(args: string[]): Promise<number> {
  const file = positional(args);
  if (!file) {
    console.error(IMPORT_USAGE);
    return 2;
  }
  const backend = option(args, '--backend');
  await initBackend(backend && (BACKEND_NAMES as readonly string[]).includes(backend) ? { prefer: backend as BackendName } : { prefer: 'cpu' });
  let imported;
  try {
    imported = await importModel(file);
  } catch (e) {
    console.error(`${file}: ${describeError(e)}`);
    return e instanceof AppError && e.code === 'E_NOT_FOUND' ? 2 : 1;
  }
  try {
    const kind = { 'keras-h5': 'Keras HDF5', keras3: 'Keras 3 (.keras)', 'keras3-config': 'Keras 3 config.json (no weights: fresh ones)', tfjs: 'TensorFlow.js layers' }[imported.format];
    console.log(`${kind} model, ${imported.model.countParams()} parameters`);
    try {
      const s = buildSummary(fromKerasSpec(imported.topology));
      console.log(renderSummary(s));
      for (const i of s.report.issues) console.error(`${i.severity}: ${i.code} ${JSON.stringify(i.params)}`);
    } catch (e) {
      // A model the builder cannot show still has tfjs's own summary.
      console.error(`(the builder cannot show this model: ${describeError(e)})`);
      imported.model.summary(undefined, undefined, (line: string) => console.log(line));
    }
    return 0;
  } finally {
    imported.model.dispose();
  }
}
