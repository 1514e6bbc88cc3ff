/**
 * Keras HDF5 model files (`model.h5`, Keras 2 `model.save('model.h5')` layout), written and
 * read with h5wasm (HDF5 compiled to WebAssembly; works in plain Node):
 *
 *   /                       attrs: model_config (JSON topology), keras_version "2.15.0",
 *                                  backend "tensorflow", training_config (optional, JSON)
 *   /model_weights          attrs: layer_names (every layer, weightless ones too), backend,
 *                                  keras_version
 *   /model_weights/<layer>  attrs: weight_names, e.g. ["gru/gru_cell/kernel:0", ...]
 *   /model_weights/<layer>/<weight name>   the arrays ("/" in a name makes subgroups)
 *
 * Weight names follow Keras 2 (TF2 tf.keras): `dense/kernel:0`; recurrent layers keep their
 * weights in a cell, `gru/gru_cell/kernel:0`, `lstm/lstm_cell/...`, `simple_rnn/simple_rnn_cell/...`,
 * `conv_lstm2d/conv_lstm_cell/...`; Bidirectional has `bidirectional/forward_gru/gru_cell/kernel:0`
 * then the `backward_gru` ones; TimeDistributed keeps the wrapped layer's weights under its own
 * name (`time_distributed/kernel:0`); BatchNormalization gamma, beta, moving_mean, moving_variance.
 * Keras loads by order within a layer, never by these names; the names are for people and tools.
 *
 * Gate order: tfjs-layers stores recurrent kernels exactly as Keras does, columns [z, r, h] for
 * GRU (kernel (d, 3u), recurrent_kernel (u, 3u), bias (3u,) with reset_after=False, (2, 3u)
 * with reset_after=True: the input row, then the recurrent row) and [i, f, c, o] for LSTM, so
 * the arrays are written unchanged (tests check this against the gate equations). The
 * topology says `reset_after` on every GRU explicitly (false where tfjs's config leaves it
 * out), because TF2 Keras defaults to true. A reset_after=True GRU is the engine's own layer
 * (kernels/rnn/gru-reset-after.ts, registered by the import below), so such files load too.
 *
 *   kerasTopology(model)               -> the Keras 2 model_config object
 *   kerasWeightEntries(model)          -> per layer: name, weight names, tfjs variables
 *   writeKerasH5(model, file, opts?)   -> writes the file (temp file + rename)
 *   readKerasH5(file)                  -> { topology, trainingConfig, layers: name -> arrays }
 *   loadKerasH5(file)                  -> { model, topology } (a tfjs model with the file's weights)
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppError } from '../../../../shared/errors';
import { BLOCKS } from '../../../../shared/model';
import { eachLayerConfig } from './import-checks';
import { tf } from '../../platform/backend';
// registers the GRU layer that also builds reset_after=True (tfjs's own cannot)
import '../../kernels/rnn/gru-reset-after';
import { checkImportBounds, MAX_IMPORT_PARAMS } from './import-checks';

export const KERAS_VERSION = '2.15.0';

type H5Module = typeof import('h5wasm');
export type H5Group = InstanceType<H5Module['Group']>;
type H5Dataset = InstanceType<H5Module['Dataset']>;

let h5: Promise<H5Module> | null = null;

/**
 * h5wasm is an ES module only. The specifier is a variable so that the CommonJS bundle
 * (esbuild, packages external) keeps a real dynamic import() rather than require(),
 * which Node 20 cannot do for ES modules.
 */
export function loadH5wasm(): Promise<H5Module> {
  if (!h5) {
    const specifier = 'h5wasm/node';
    h5 = (import(/* @vite-ignore */ specifier) as Promise<H5Module & { default?: H5Module }>).then(async (m) => {
      const lib = (m.default ?? m) as H5Module;
      await lib.ready;
      return lib;
    });
  }
  return h5;
}

/** Our layer block of each Keras class: weight naming (h5Path) and Keras 2 config quirks (keras.explicit, keras.refuse). */
const LAYER_BLOCKS = new Map(BLOCKS.filter((b) => b.kind !== 'input').map((b) => [b.className, b]));

export interface KerasWeightEntry {
  layer: string;
  className: string;
  /** Keras 2 weight names (`gru/gru_cell/kernel:0`), one per variable, in Keras's order. */
  names: string[];
  variables: tf.LayerVariable[];
}

function shortName(v: tf.LayerVariable): string {
  const parts = v.originalName.split('/');
  return parts[parts.length - 1]!;
}

function innerConfig(layer: tf.layers.Layer): { className: string; name: string } | null {
  // tfjs wrappers give { className, config } here (toJSON turns it into class_name).
  const cfg = layer.getConfig() as { layer?: { className?: string; class_name?: string; config?: { name?: string } } };
  const cls = cfg.layer?.className ?? cfg.layer?.class_name;
  if (typeof cls !== 'string') return null;
  return { className: cls, name: String(cfg.layer?.config?.name ?? cls.toLowerCase()) };
}

/** Every layer of the model (weightless ones too, as Keras lists them) with Keras 2 weight names. */
export function kerasWeightEntries(model: tf.LayersModel): KerasWeightEntry[] {
  return model.layers.map((layer) => {
    const className = layer.getClassName();
    const variables = layer.weights;
    const name = layer.name;
    const block = LAYER_BLOCKS.get(className);
    // A wrapper names its weights after the wrapped layer (Bidirectional: forward_gru/gru_cell/...).
    const inner = block?.wrapper ? innerConfig(layer) : null;
    const wrapped = inner ? { block: LAYER_BLOCKS.get(inner.className), name: inner.name } : undefined;
    const names = variables.map((v, i) => `${name}/${block?.h5Path?.(i, variables.length, wrapped) ?? ''}${shortName(v)}:0`);
    return { layer: name, className, names, variables };
  });
}


/**
 * The Keras 2 `model_config` of a tfjs model: `{ class_name, config }` as `model.to_json()`
 * writes it, with each block's `keras.explicit` entries where tfjs leaves them out
 * (`reset_after: false` on every GRU: TF2 Keras would otherwise assume true).
 */
export function kerasTopology(model: tf.LayersModel): { class_name: string; config: Record<string, unknown> } {
  const json = model.toJSON(null, false) as unknown as { class_name: string; config: Record<string, unknown> };
  const topology = { class_name: json.class_name, config: JSON.parse(JSON.stringify(json.config)) as Record<string, unknown> };
  eachLayerConfig(topology, (cls, cfg) => {
    for (const [key, value] of Object.entries(LAYER_BLOCKS.get(cls)?.keras?.explicit ?? {})) {
      if (cfg[key] == null) cfg[key] = structuredClone(value);
    }
  });
  return topology;
}

/** Keras 2's training_config for the run's loss and optimizer (read by keras.models.load_model). */
export function kerasTrainingConfig(t: { loss: string; optimizer: string; learningRate: number }): Record<string, unknown> {
  const cls = t.optimizer === 'adam' ? 'Adam' : t.optimizer === 'sgd' ? 'SGD' : 'RMSprop';
  return {
    loss: t.loss,
    metrics: null,
    weighted_metrics: null,
    loss_weights: null,
    optimizer_config: { class_name: cls, config: { name: cls, learning_rate: t.learningRate } },
  };
}

function byteLen(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** A list of names as Keras writes it: fixed-length byte strings, or an empty float array. */
function writeNames(g: H5Group, attr: string, names: string[]): void {
  if (names.length === 0) {
    g.create_attribute(attr, new Float64Array(0), [0]);
    return;
  }
  const width = Math.max(1, ...names.map(byteLen));
  g.create_attribute(attr, names, [names.length], `S${width}`);
}

function readNames(g: H5Group, attr: string): string[] {
  const attrs = g.attrs;
  const one = (name: string): string[] => {
    const v = attrs[name]?.value;
    if (v == null) return [];
    if (typeof v === 'string') return [v];
    if (Array.isArray(v)) return v.map((x) => String(x));
    return []; // an empty numeric array: no names
  };
  if (attrs[attr]) return one(attr);
  // Keras splits long lists into attr0, attr1, ... (HDF5's 64 KiB header limit).
  const out: string[] = [];
  for (let k = 0; attrs[`${attr}${k}`]; k++) out.push(...one(`${attr}${k}`));
  return out;
}

/** The group at `parts` under `root`, made where missing (both Keras writers nest groups by path). */
export function ensureGroup(root: H5Group, parts: string[]): H5Group {
  let g = root;
  for (const p of parts) {
    const existing = g.get(p);
    g = existing && (existing as { type?: string }).type === 'Group' ? (existing as H5Group) : g.create_group(p);
  }
  return g;
}

export interface WriteH5Options {
  /** Loss and optimizer of the run: written as Keras's training_config. */
  training?: { loss: string; optimizer: string; learningRate: number };
}

/**
 * Writes the model as a Keras 2 HDF5 file. The file appears only when complete: h5wasm
 * writes a temporary file beside it, which is synced and renamed.
 */
export async function writeKerasH5(model: tf.LayersModel, file: string, opts: WriteH5Options = {}): Promise<void> {
  const lib = await loadH5wasm();
  const topology = kerasTopology(model);
  const entries = kerasWeightEntries(model);
  const values = entries.map((e) => e.variables.map((v) => ({ data: v.read().dataSync() as Float32Array, shape: v.shape.slice() as number[] })));
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  // Created (and closed) here first, so a folder that cannot be written fails with its errno.
  await fs.writeFile(tmp, '');
  try {
    const f = new lib.File(tmp, 'w');
    try {
      f.create_attribute('model_config', JSON.stringify(topology));
      f.create_attribute('keras_version', KERAS_VERSION);
      f.create_attribute('backend', 'tensorflow');
      if (opts.training) f.create_attribute('training_config', JSON.stringify(kerasTrainingConfig(opts.training)));
      const mw = f.create_group('model_weights');
      writeNames(mw, 'layer_names', entries.map((e) => e.layer));
      mw.create_attribute('backend', 'tensorflow');
      mw.create_attribute('keras_version', KERAS_VERSION);
      entries.forEach((e, i) => {
        const g = mw.create_group(e.layer);
        writeNames(g, 'weight_names', e.names);
        e.names.forEach((name, j) => {
          const parts = name.split('/');
          const leaf = parts.pop()!;
          const parent = ensureGroup(g, parts);
          const { data, shape } = values[i]![j]!;
          parent.create_dataset({ name: leaf, data, shape, dtype: '<f' });
          // h5wasm reports some failures on stderr only: check the array is there.
          if (!parent.get(leaf)) throw new Error(`could not write ${e.layer}/${name}`);
        });
      });
      f.flush();
    } finally {
      f.close();
    }
    const handle = await fs.open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

export interface H5Contents {
  topology: { class_name: string; config: Record<string, unknown> };
  kerasVersion: string | null;
  backend: string | null;
  trainingConfig: Record<string, unknown> | null;
  /** Layer name -> its weights in Keras's order. */
  layers: Map<string, { names: string[]; arrays: { data: Float32Array; shape: number[] }[] }>;
}

function attrString(g: H5Group, name: string): string | null {
  const v = g.attrs[name]?.value;
  if (v == null) return null;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return String(v);
}

export interface ReadH5Options {
  /** Called with the topology before any array is read; throws to refuse the file. */
  check?: (topology: H5Contents['topology']) => void;
  /** Most array values the file may hold (E_MODEL_TOO_LARGE above). */
  maxValues?: number;
}

/** Reads a Keras HDF5 model file (this writer's, or Keras 2's `model.save('x.h5')`). */
export async function readKerasH5(file: string, opts: ReadH5Options = {}): Promise<H5Contents> {
  const lib = await loadH5wasm();
  await fs.access(file); // a missing file fails with its errno, not an HDF5 message
  let f: InstanceType<H5Module['File']>;
  try {
    f = new lib.File(file, 'r');
    f.keys();
  } catch {
    throw new AppError('E_MODEL_FILE', { what: 'h5_truncated', entry: path.basename(file) });
  }
  try {
    const config = attrString(f, 'model_config');
    if (!config) throw new AppError('E_MODEL_INVALID', { issue: 'h5_no_model_config', detail: 'the file holds weights only (save_weights); a full model file is needed' });
    let topology: H5Contents['topology'];
    try {
      topology = JSON.parse(config) as H5Contents['topology'];
    } catch {
      throw new AppError('E_MODEL_FILE', { what: 'config_json', entry: 'model_config' });
    }
    opts.check?.(topology);
    const tc = attrString(f, 'training_config');
    const mwEntity = f.get('model_weights');
    const mw = mwEntity && (mwEntity as { type?: string }).type === 'Group' ? (mwEntity as H5Group) : f;
    // every dataset is found and sized first; values are read only when they fit the bound
    const found: { layer: string; names: string[]; sets: H5Dataset[] }[] = [];
    let values = 0;
    for (const layer of readNames(mw, 'layer_names')) {
      const g = mw.get(layer) as H5Group | null;
      if (!g) throw new AppError('E_MODEL_INVALID', { issue: 'h5_missing_layer', layer });
      const names = readNames(g, 'weight_names');
      const sets = names.map((n) => {
        const d = g.get(n) as H5Dataset | null;
        if (!d || (d as { type?: string }).type !== 'Dataset') throw new AppError('E_MODEL_FILE', { what: 'weight_missing', layer, weight: n });
        values += (d.shape ?? []).reduce((a, b) => a * b, 1);
        return d;
      });
      found.push({ layer, names, sets });
    }
    if (opts.maxValues !== undefined && values > opts.maxValues) throw new AppError('E_MODEL_TOO_LARGE', { what: 'params', params: values, max: opts.maxValues });
    const layers: H5Contents['layers'] = new Map();
    for (const { layer, names, sets } of found) {
      const arrays = sets.map((d) => {
        let v: unknown;
        try {
          v = d.value;
        } catch {
          throw new AppError('E_MODEL_FILE', { what: 'h5_truncated', entry: path.basename(file) });
        }
        const shape = (d.shape ?? []).slice();
        const data = v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
        if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new AppError('E_MODEL_FILE', { what: 'h5_truncated', entry: path.basename(file) });
        return { data, shape };
      });
      layers.set(layer, { names, arrays });
    }
    return {
      topology,
      kerasVersion: attrString(f, 'keras_version'),
      backend: attrString(f, 'backend'),
      trainingConfig: tc ? (JSON.parse(tc) as Record<string, unknown>) : null,
      layers,
    };
  } finally {
    f.close();
  }
}

/** Builds a tfjs model from the file's topology and sets the file's weights layer by layer. */
export async function loadKerasH5(file: string): Promise<{ model: tf.LayersModel; topology: H5Contents['topology']; contents: H5Contents }> {
  // the config is checked (layers, parameter count) before any array is read
  const contents = await readKerasH5(file, { check: (topology) => void checkImportBounds(topology), maxValues: MAX_IMPORT_PARAMS });
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON(contents.topology as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
  } catch (e) {
    throw new AppError('E_MODEL_INVALID', { detail: (e instanceof Error ? e.message : String(e)).slice(0, 300) });
  }
  try {
    for (const layer of model.layers) {
      const want = layer.weights;
      if (want.length === 0) continue;
      const got = contents.layers.get(layer.name);
      if (!got || got.arrays.length !== want.length) {
        throw new AppError('E_MODEL_INVALID', { issue: 'h5_weight_count', layer: layer.name, expected: want.length, found: got?.arrays.length ?? 0 });
      }
      const tensors = got.arrays.map((a, i) => {
        const shape = want[i]!.shape as number[];
        if (a.shape.length !== shape.length || a.shape.some((d, k) => d !== shape[k])) {
          throw new AppError('E_MODEL_FILE', { what: 'weight_shape', layer: layer.name, weight: got.names[i] ?? String(i), expected: JSON.stringify(shape), found: JSON.stringify(a.shape) });
        }
        return tf.tensor(a.data, shape, 'float32');
      });
      layer.setWeights(tensors);
      tensors.forEach((t) => t.dispose());
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, topology: contents.topology, contents };
}
