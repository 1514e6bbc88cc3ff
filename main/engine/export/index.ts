/**
 * Exports and imports of trained models (engine side; no UI, never electron).
 *
 *   exportRun(run, record, dir, what) -> ExportResult
 *       Writes a NEW folder `<dir>/<experiment>-<runId>[-k]` holding what was asked for:
 *         tfjs     tfjs/model.json + tfjs/group1-shard*.bin   (TensorFlow.js layers format)
 *         h5       model.h5                                    (Keras 2 HDF5, GRU reset_after as built)
 *         keras    model.keras                                 (Keras 3 zip, see model/formats/keras3.ts);
 *                  (hard_sigmoid columns rescaled); an LSTM / ConvLSTM2D whose activation is
 *                  hard_sigmoid, which Keras 3 cannot compute alike, fails before anything is written
 *         python   train.py (+ data.csv: the run's numeric table, which train.py reads)
 *         pytorch  pytorch/model.py + pytorch/weights.json + pytorch/weights.bin (see pytorch.ts);
 *                  a layer torch cannot take fails with E_MODEL_INVALID before anything is written
 *         onnx     model.onnx (opset 17, weights inside; see onnx.ts); a layer ONNX cannot take
 *                  fails the same way, before anything is written
 *         history  history.csv, history.json
 *         plotsSvg plots/<name>.svg  (loss, metrics, forecast, errors: see plots.ts; font embedded)
 *         plotsPng plots/<name>.png  (the same at `pngScale` x 800x450 pixels, 1-4)
 *         report   report.html       (one page, self-contained, printable: see report.ts)
 *                  report.pdf        (when the caller gives `extras.reportPdf`: the desktop app
 *                                     prints report.html in a hidden window, main/app/pdf.ts)
 *       Plots and report are in `extras.lang` ('fa' default).
 *       Everything is written into `<name>.partial` first and renamed at the end, so a folder
 *       without that suffix is always complete. On failure the partial folder is removed and
 *       an AppError is thrown: 'E_DISK' { op: 'export', code: errno, detail: errno } for file
 *       system failures (read-only folder, disk full, a path under a file), the original
 *       AppError otherwise (E_NOT_FOUND when the run has no model).
 *   importModel(path) -> { model, topology, format }
 *       model.json (or a folder holding one) -> tfjs layers format; HDF5 signature -> Keras 2
 *       HDF5; zip signature -> Keras 3 .keras; a JSON with a Keras 3 config (config.json) ->
 *       its model with fresh weights. Every topology passes checkImportBounds (supported
 *       layers, parameter ranges and count) before tfjs builds it. `topology` is the Keras 2
 *       topology JSON, for the builder's fromKerasSpec.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppError, internalError } from '../../../shared/errors';
import type { RunRecord } from '../../../shared/runs';
import type { tf } from '../platform/backend';
import type { TrainedRun } from '../training/train';
import { historyCsv, historyJson } from './history';
import { kerasTopology, loadKerasH5, writeKerasH5 } from '../model/formats/keras-h5';
import { pythonPipeline, tableCsv } from './pipeline';
import { onnxExport } from './onnx';
import { pytorchExport } from './pytorch';
import { embedFont, forecastForPlots, runPlots, svgToPng, type Plot } from './plots';
import { reportHtml } from './report';
import type { Language } from '../../../shared/ipc/contract';
import { loadTfjsModel, MODEL_JSON, saveTfjsModel } from '../model/formats/tfjs';
import { checkImportBounds } from '../model/formats/import-checks';
import { keras3Config, loadKeras3, modelFromKeras3Config, writeKeras3 } from '../model/formats/keras3';

export { historyCsv, historyJson } from './history';
export { kerasTopology, kerasWeightEntries, loadKerasH5, readKerasH5, writeKerasH5, KERAS_VERSION } from '../model/formats/keras-h5';
export { pythonPipeline, tableCsv } from './pipeline';
export { pytorchExport, PYTORCH_FILES, type PytorchExport } from './pytorch';
export { onnxExport, onnxModel, ONNX_FILES, ONNX_OPSET, type OnnxLayerSpec, type OnnxModelSpec } from './onnx';
export { loadTfjsModel, readTfjsArtifacts, saveTfjsModel, tfjsDirHandler } from '../model/formats/tfjs';
export { keras3Arrays, keras3Config, keras3Entries, loadKeras3, writeKeras3, KERAS3_CONFIG, KERAS3_METADATA, KERAS3_WEIGHTS } from '../model/formats/keras3';
export { checkImportBounds, MAX_IMPORT_PARAMS, SUPPORTED_CLASSES } from '../model/formats/import-checks';
export { embedFont, forecastForPlots, plotOptions, runPlots, svgToPng, type ForecastData, type Plot } from './plots';
export { reportHtml, REPORT_CSP } from './report';

export interface ExportWhat {
  tfjs?: boolean;
  h5?: boolean;
  /** model.keras (Keras 3). */
  keras?: boolean;
  python?: boolean;
  /** pytorch/model.py + weights (raw float32 with a JSON index). */
  pytorch?: boolean;
  /** model.onnx (ONNX opset 17). */
  onnx?: boolean;
  history?: boolean;
  plotsSvg?: boolean;
  plotsPng?: boolean;
  /** PNG size as a multiple of 800x450 (1-4, default 2). */
  pngScale?: number;
  report?: boolean;
}

export interface ExportExtras {
  /** Language of plots and report (default 'fa'). */
  lang?: Language;
  /** The report printed to PDF by the caller (desktop app), written as report.pdf. */
  reportPdf?: Uint8Array | null;
}

export interface ExportResult {
  /** The finished folder. */
  dir: string;
  /** Paths of the files in it, relative to `dir`, with '/' separators. */
  files: string[];
}

/** Above this many table cells the Python export leaves data.csv out (the script names the file it expects). */
const MAX_CSV_CELLS = 20_000_000;

function errnoOf(e: unknown): string | null {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : null;
}

function diskError(e: unknown): AppError {
  const code = errnoOf(e) ?? 'EIO';
  return new AppError('E_DISK', { op: 'export', code, detail: code });
}

function folderStem(record: RunRecord): string {
  const name = record.experiment.name
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${name || 'run'}-${record.id}`;
}

/** A name that neither `<name>` nor `<name>.partial` takes yet. */
async function freeName(dir: string, stem: string): Promise<string> {
  for (let k = 1; k < 1000; k++) {
    const name = k === 1 ? stem : `${stem}-${k}`;
    const taken = await Promise.all([name, `${name}.partial`].map((n) => fs.lstat(path.join(dir, n)).then(() => true, (e: unknown) => errnoOf(e) !== 'ENOENT')));
    if (!taken.some(Boolean)) return name;
  }
  throw new AppError('E_DISK', { op: 'export', code: 'EEXIST', detail: 'EEXIST' });
}

async function writeFile(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes the chosen exports of a trained run into a new subfolder of `dir` (see the file
 * comment). Needs `run.model` for tfjs, h5, pytorch and onnx, `run.data` for the Python script's data part.
 */
export async function exportRun(run: TrainedRun, record: RunRecord, dir: string, what: ExportWhat, extras: ExportExtras = {}): Promise<ExportResult> {
  const model = run.model;
  if ((what.tfjs || what.h5 || what.keras || what.pytorch || what.onnx) && !model) throw new AppError('E_NOT_FOUND', { what: 'model', id: record.id });
  // Converted first: a model torch, ONNX or Keras 3 cannot take fails before any folder exists.
  const torch = what.pytorch && model ? pytorchExport(model, { runId: record.id }) : null;
  const onnx = what.onnx && model ? onnxExport(model, { runId: record.id }) : null;
  if (what.keras && model) keras3Config(model);
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw diskError(e);
  }
  let name: string;
  try {
    name = await freeName(dir, folderStem(record));
  } catch (e) {
    throw e instanceof AppError ? e : diskError(e);
  }
  const partial = path.join(dir, `${name}.partial`);
  const final = path.join(dir, name);
  const files: string[] = [];
  try {
    await fs.mkdir(partial);
    if (what.tfjs && model) {
      const { files: written } = await saveTfjsModel(model, path.join(partial, 'tfjs'));
      files.push(...written.map((f) => `tfjs/${f}`));
    }
    if (what.h5 && model) {
      try {
        await writeKerasH5(model, path.join(partial, 'model.h5'), { training: record.experiment.training });
      } catch (e) {
        // h5wasm (Emscripten's file layer) reports write failures such as a full disk as plain
        // Errors without a Node errno: they are disk errors all the same.
        throw e instanceof AppError ? e : diskError(e);
      }
      files.push('model.h5');
    }
    if (what.keras && model) {
      try {
        await writeKeras3(model, path.join(partial, 'model.keras'));
      } catch (e) {
        throw e instanceof AppError ? e : diskError(e);
      }
      files.push('model.keras');
    }
    if (torch) {
      await fs.mkdir(path.join(partial, 'pytorch'));
      await writeFile(path.join(partial, 'pytorch', 'model.py'), torch.modelPy);
      await writeFile(path.join(partial, 'pytorch', 'weights.json'), torch.weightsJson);
      await writeFile(path.join(partial, 'pytorch', 'weights.bin'), torch.weightsBin);
      files.push('pytorch/model.py', 'pytorch/weights.json', 'pytorch/weights.bin');
    }
    if (onnx) {
      await writeFile(path.join(partial, 'model.onnx'), onnx);
      files.push('model.onnx');
    }
    if (what.python) {
      const table = run.data?.dataset.kind === 'table' ? run.data.dataset.table : null;
      if (table && table.rows * table.columns.length <= MAX_CSV_CELLS) {
        await writeFile(path.join(partial, 'data.csv'), tableCsv(table));
        files.push('data.csv');
      }
      await writeFile(path.join(partial, 'train.py'), pythonPipeline(record.experiment, run.data, { runId: record.id, dataFile: 'data.csv' }));
      files.push('train.py');
    }
    if (what.history) {
      await writeFile(path.join(partial, 'history.csv'), historyCsv(record.done));
      await writeFile(path.join(partial, 'history.json'), historyJson(record));
      files.push('history.csv', 'history.json');
    }
    if (what.plotsSvg || what.plotsPng || what.report) {
      const lang = extras.lang ?? 'fa';
      const plots = await runPlots(record, { lang, forecast: await forecastForPlots(run) });
      if (what.plotsSvg || what.plotsPng) await fs.mkdir(path.join(partial, 'plots'));
      for (const p of plots) {
        if (what.plotsSvg) {
          await writeFile(path.join(partial, 'plots', `${p.name}.svg`), await embedFont(p.svg));
          files.push(`plots/${p.name}.svg`);
        }
        if (what.plotsPng) {
          await writeFile(path.join(partial, 'plots', `${p.name}.png`), await svgToPng(p.svg, what.pngScale ?? 2));
          files.push(`plots/${p.name}.png`);
        }
      }
      if (what.report) {
        await writeFile(path.join(partial, 'report.html'), await reportHtml(record, { lang, plots }));
        files.push('report.html');
        if (extras.reportPdf) {
          await writeFile(path.join(partial, 'report.pdf'), extras.reportPdf);
          files.push('report.pdf');
        }
      }
    }
    await fs.rename(partial, final);
  } catch (e) {
    await fs.rm(partial, { recursive: true, force: true }).catch(() => undefined);
    if (e instanceof AppError) throw e;
    if (errnoOf(e)) throw diskError(e);
    throw internalError(e, 'export');
  }
  return { dir: final, files };
}

/** The report page of a run (for the desktop app to print to PDF before exporting). */
export async function buildReport(run: TrainedRun, record: RunRecord, lang: Language): Promise<string> {
  const plots: Plot[] = await runPlots(record, { lang, forecast: await forecastForPlots(run) });
  return reportHtml(record, { lang, plots });
}

export interface ImportedModel {
  model: tf.LayersModel;
  /** The Keras topology JSON ({ class_name, config }), for fromKerasSpec. */
  topology: { class_name: string; config: Record<string, unknown> };
  format: ImportFormat;
}

/** tfjs model.json + shards, Keras 2 HDF5, Keras 3 .keras, or a Keras 3 config.json alone (fresh weights). */
export type ImportFormat = 'tfjs' | 'keras-h5' | 'keras3' | 'keras3-config';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
/** A JSON file larger than this is neither a model.json nor a config.json SeqLab reads. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/** The file's kind by its first bytes, whatever its name. */
async function signature(file: string): Promise<'hdf5' | 'zip' | 'other'> {
  const h = await fs.open(file, 'r');
  try {
    const buf = new Uint8Array(8);
    const { bytesRead } = await h.read(buf, 0, 8, 0);
    if (bytesRead === 8 && HDF5_SIGNATURE.every((b, i) => buf[i] === b)) return 'hdf5';
    if (bytesRead >= 4 && ZIP_SIGNATURE.every((b, i) => buf[i] === b)) return 'zip';
    return 'other';
  } finally {
    await h.close();
  }
}

/**
 * Opens a model file: a tfjs model.json (or the folder holding it) or a Keras HDF5 file
 * (detected by its signature, whatever the extension). Errors: E_NOT_FOUND (no such
 * file), E_MODEL_INVALID (not a model, or a form tfjs cannot build), E_DISK (cannot read).
 */
export async function importModel(file: string): Promise<ImportedModel> {
  let target = file;
  try {
    const st = await fs.stat(file);
    if (st.isDirectory()) target = path.join(file, MODEL_JSON);
    await fs.access(target);
  } catch (e) {
    if (errnoOf(e) === 'ENOENT' || errnoOf(e) === 'ENOTDIR') throw new AppError('E_NOT_FOUND', { what: 'file', id: path.basename(target) });
    throw new AppError('E_DISK', { op: 'read', code: errnoOf(e) ?? 'EIO', detail: errnoOf(e) ?? 'EIO' });
  }
  try {
    const kind = await signature(target);
    if (kind === 'hdf5') {
      const { model, topology } = await loadKerasH5(target);
      return { model, topology, format: 'keras-h5' };
    }
    if (kind === 'zip') {
      const { model, topology } = await loadKeras3(target);
      return { model, topology, format: 'keras3' };
    }
    if ((await fs.stat(target)).size > MAX_JSON_BYTES) throw new AppError('E_MODEL_FILE', { what: 'zip_too_large', bytes: (await fs.stat(target)).size, max: MAX_JSON_BYTES });
    let json: { modelTopology?: unknown; weightsManifest?: unknown };
    try {
      json = JSON.parse(await fs.readFile(target, 'utf8')) as typeof json;
    } catch {
      throw new AppError('E_MODEL_INVALID', { detail: `${path.basename(target)} is not JSON` });
    }
    if (json && typeof json === 'object' && !('modelTopology' in json)) {
      const { model, topology } = await modelFromKeras3Config(json);
      return { model, topology, format: 'keras3-config' };
    }
    const raw = (json.modelTopology ?? {}) as { model_config?: unknown; class_name?: string; config?: Record<string, unknown> };
    // tfjs files may wrap the topology as { model_config, ... } (converted Keras files).
    const topo = (raw.model_config ?? raw) as { class_name: string; config: Record<string, unknown> };
    // checked from the config before a byte of the weights is read
    checkImportBounds(topo);
    const model = await loadTfjsModel(target);
    return { model, topology: topo.class_name ? { class_name: topo.class_name, config: topo.config } : kerasTopology(model), format: 'tfjs' };
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (errnoOf(e)) throw new AppError('E_DISK', { op: 'read', code: errnoOf(e)!, detail: errnoOf(e)! });
    throw new AppError('E_MODEL_INVALID', { detail: (e instanceof Error ? e.message : String(e)).slice(0, 300) });
  }
}
