/**
 * Keras 3 `.keras` files (`model.save('model.keras')`, TF 2.16+), laid out as Keras 3.16.0's
 * saving code writes them (keras/src/saving/saving_lib.py): a zip archive holding
 *
 *   metadata.json      { keras_version, date_saved }
 *   config.json        serialize_keras_object(model) (shared/model/keras3.ts converts both ways)
 *   model.weights.h5   H5IOStore: the model's own group `vars` (attribute name), then per layer
 *                      `layers/<snake_case class>[_k]/vars/<i>`, numbered by class in layer order
 *                      (Sequential leaves its InputLayer out, Functional keeps it); objects a layer
 *                      holds follow as Keras walks them: `layers/gru/cell/vars/0..2`,
 *                      `layers/bidirectional/forward_layer/cell/vars/0`, `.../backward_layer/...`,
 *                      `layers/time_distributed/layer/vars/0`. Each block says where its variables
 *                      lie (`keras3Vars`); every vars group carries its object's `name` attribute.
 *                      Files from Keras 2.13-2.15 (`_layer_checkpoint_dependencies` for `layers`)
 *                      are read too, as Keras 3's loader does.
 *                      hard_sigmoid: the columns feeding one are written times 1.2 and read
 *                      divided by 1.2 (Keras 3's x/6 + 0.5 against tfjs's 0.2x + 0.5, see
 *                      shared/model/keras3.ts), so the model computes the same on both sides.
 *
 *   writeKeras3(model, file)   writes the archive (temp file + rename)
 *   loadKeras3(file)           { model, topology }: checks the archive (zip.ts), the config
 *                              (import-checks.ts) and every array's shape before reading it
 *   keras3Entries(model)       per tfjs variable: its path in model.weights.h5
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AppError } from '../../../../shared/errors';
import { BLOCKS, KERAS3_HARD_SIGMOID_SCALE, KERAS3_VERSION, fromKeras3, hardSigmoidLayers, isKeras3Config, kerasSnakeCase, scaleGateColumns, toKeras3, ModelGraphError } from '../../../../shared/model';
import type { WrappedWeights } from '../../../../shared/model/blocks/types';
import { tf } from '../../platform/backend';
import { writeFileAtomic } from '../../platform/files';
import { checkImportBounds } from './import-checks';
import { ensureGroup, kerasTopology, loadH5wasm, type H5Group } from './keras-h5';
import { readZip, writeZip } from './zip';

export const KERAS3_CONFIG = 'config.json';
export const KERAS3_METADATA = 'metadata.json';
export const KERAS3_WEIGHTS = 'model.weights.h5';

/** A .keras file larger than this is refused before it is read (a lesson model is a few MB). */
export const MAX_KERAS_FILE_BYTES = 1024 * 1024 * 1024;
const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

const LAYER_BLOCKS = new Map(BLOCKS.filter((b) => b.kind !== 'input').map((b) => [b.className, b]));

type H5Module = Awaited<ReturnType<typeof loadH5wasm>>;
type H5Dataset = InstanceType<H5Module['Dataset']>;

export interface Keras3Var {
  /** `layers/gru/cell/vars/0` */
  path: string;
  variable: tf.LayerVariable;
}

export interface Keras3LayerEntry {
  layer: tf.layers.Layer;
  /** `layers/gru` */
  group: string;
  /** Sub-object groups below it with their names (`layers/gru/cell` -> gru_cell). */
  objects: { group: string; name: string }[];
  vars: Keras3Var[];
}

function wrappedOf(layer: tf.layers.Layer): WrappedWeights | undefined {
  const cfg = layer.getConfig() as { layer?: { className?: string; class_name?: string; config?: { name?: string } } };
  const cls = cfg.layer?.className ?? cfg.layer?.class_name;
  if (typeof cls !== 'string') return undefined;
  return { block: LAYER_BLOCKS.get(cls), name: String(cfg.layer?.config?.name ?? cls.toLowerCase()) };
}

/** Where each layer's variables lie in model.weights.h5 (see the file comment). */
export function keras3Entries(model: tf.LayersModel): Keras3LayerEntry[] {
  const sequential = model.getClassName() === 'Sequential';
  const used = new Map<string, number>();
  const out: Keras3LayerEntry[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (sequential && className === 'InputLayer') continue;
    const snake = kerasSnakeCase(className);
    const k = used.get(snake);
    used.set(snake, k === undefined ? 0 : k + 1);
    const group = `layers/${k === undefined ? snake : `${snake}_${k + 1}`}`;
    const block = LAYER_BLOCKS.get(className);
    const inner = block?.wrapper ? wrappedOf(layer) : undefined;
    const objects = new Map<string, string>();
    // every object Keras walks gets its named vars group, weights or not (TimeDistributed(MaxPooling2D) too)
    for (const chain of block?.keras3Objects?.(inner) ?? []) {
      let g = group;
      for (const p of chain) {
        g = `${g}/${p.attr}`;
        objects.set(g, p.name);
      }
    }
    const vars = layer.weights.map((variable, i) => {
      const where = block?.keras3Vars?.(i, layer.weights.length, inner) ?? { path: [], index: i };
      let g = group;
      for (const p of where.path) {
        g = `${g}/${p.attr}`;
        objects.set(g, p.name);
      }
      return { path: `${g}/vars/${where.index}`, variable };
    });
    out.push({ layer, group, objects: [...objects].map(([g, name]) => ({ group: g, name })), vars });
  }
  return out;
}

/** The shape of each layer's input (batch axis first), by layer name: build_config. */
function shapesOf(model: tf.LayersModel): { inputs: Map<string, unknown>; outputs: Map<string, unknown> } {
  const inputs = new Map<string, unknown>();
  const outputs = new Map<string, unknown>();
  for (const layer of model.layers) {
    try {
      inputs.set(layer.name, structuredClone(layer.input ? (Array.isArray(layer.input) ? layer.input.map((t) => t.shape) : layer.input.shape) : null));
    } catch {
      // a layer called more than once has no single input: it gets no build_config
    }
    try {
      outputs.set(layer.name, structuredClone(Array.isArray(layer.output) ? layer.output.map((t) => t.shape) : layer.output.shape));
    } catch {
      /* as above */
    }
  }
  return { inputs, outputs };
}

/** A ModelGraphError from the Keras 3 conversion as the app's E_MODEL_KERAS3. */
function keras3Error<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ModelGraphError) throw new AppError('E_MODEL_KERAS3', { what: e.code, ...e.params });
    throw e;
  }
}

/** The model's config.json (Keras 3.16 serialization, see shared/model/keras3.ts). Throws AppError for a form Keras 3 cannot compute as tfjs does. */
export function keras3Config(model: tf.LayersModel): Record<string, unknown> {
  const { inputs, outputs } = shapesOf(model);
  const modelInput = model.inputs.length === 1 ? model.inputs[0]!.shape : model.inputs.map((t) => t.shape);
  return keras3Error(() => toKeras3(kerasTopology(model), { inputShapes: inputs, outputShapes: outputs, modelInputShape: modelInput }));
}

/** Per variable of the model, in keras3Entries' order: the values model.weights.h5 holds (hard_sigmoid columns times 1.2). */
export function keras3Arrays(model: tf.LayersModel): { path: string; shape: number[]; data: Float32Array }[] {
  const gates = keras3Error(() => hardSigmoidLayers(kerasTopology(model), 'export'));
  return keras3Entries(model).flatMap((e) => e.vars.map((v) => {
    const shape = v.variable.shape.slice() as number[];
    const data = v.variable.read().dataSync() as Float32Array;
    const g = gates.get(e.layer.name);
    return { path: v.path, shape, data: g ? scaleGateColumns(data, shape, g, KERAS3_HARD_SIGMOID_SCALE) : data };
  }));
}

/** Writes model.weights.h5 as Keras 3's H5IOStore does (see the file comment). */
async function writeWeightsH5(model: tf.LayersModel, file: string): Promise<void> {
  const lib = await loadH5wasm();
  const entries = keras3Entries(model);
  const arrays = new Map(keras3Arrays(model).map((a) => [a.path, a]));
  await fs.writeFile(file, '');
  const f = new lib.File(file, 'w');
  try {
    // the model's own (empty) variables, named after it
    f.create_group('vars').create_attribute('name', model.name);
    for (const e of entries) {
      ensureGroup(f, [...e.group.split('/'), 'vars']).create_attribute('name', e.layer.name);
      for (const o of e.objects) ensureGroup(f, [...o.group.split('/'), 'vars']).create_attribute('name', o.name);
      for (const v of e.vars) {
        const parts = v.path.split('/');
        const leaf = parts.pop()!;
        const g = ensureGroup(f, parts);
        const a = arrays.get(v.path)!;
        g.create_dataset({ name: leaf, data: a.data, shape: a.shape, dtype: '<f' });
        if (!g.get(leaf)) throw new Error(`could not write ${v.path}`);
      }
    }
    f.flush();
  } finally {
    f.close();
  }
}

/** Writes the model as a Keras 3 `.keras` archive; the file appears only when complete. */
export async function writeKeras3(model: tf.LayersModel, file: string): Promise<void> {
  const config = keras3Config(model);
  const now = new Date();
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const dateSaved = `${now.getFullYear()}-${p2(now.getMonth() + 1)}-${p2(now.getDate())}@${p2(now.getHours())}:${p2(now.getMinutes())}:${p2(now.getSeconds())}`;
  const work = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-keras3-'));
  try {
    const h5 = path.join(work, KERAS3_WEIGHTS);
    await writeWeightsH5(model, h5);
    const enc = new TextEncoder();
    const zip = writeZip([
      [KERAS3_METADATA, enc.encode(JSON.stringify({ keras_version: KERAS3_VERSION, date_saved: dateSaved }))],
      [KERAS3_CONFIG, enc.encode(JSON.stringify(config))],
      [KERAS3_WEIGHTS, new Uint8Array(await fs.readFile(h5))],
    ]);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, zip);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** A Keras 3 config (parsed config.json) -> the Keras 2 topology, with Keras 3's own refusals as AppErrors. */
export function topologyOfKeras3(config: unknown): { class_name: string; config: Record<string, unknown> } {
  try {
    return fromKeras3(config);
  } catch (e) {
    if (e instanceof ModelGraphError && e.code === 'keras3_hard_sigmoid') throw new AppError('E_MODEL_KERAS3', { what: e.code, ...e.params });
    if (e instanceof ModelGraphError) throw new AppError('E_MODEL_INVALID', { detail: `${e.code} ${JSON.stringify(e.params)}` });
    throw e;
  }
}

/** Builds a tfjs model from a Keras 3 config.json (weights initialised; for a config without weights). */
export async function modelFromKeras3Config(config: unknown): Promise<{ model: tf.LayersModel; topology: { class_name: string; config: Record<string, unknown> } }> {
  if (!isKeras3Config(config)) throw new AppError('E_MODEL_INVALID', { detail: 'neither a TensorFlow.js model.json nor a Keras 3 config.json' });
  const topology = topologyOfKeras3(config);
  checkImportBounds(topology);
  return { model: await buildFromTopology(topology), topology };
}

async function buildFromTopology(topology: { class_name: string; config: Record<string, unknown> }): Promise<tf.LayersModel> {
  try {
    return await tf.models.modelFromJSON(topology as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
  } catch (e) {
    throw new AppError('E_MODEL_INVALID', { detail: (e instanceof Error ? e.message : String(e)).slice(0, 300) });
  }
}

const FLOAT_TYPES = new Set(['<f', '>f', '<d', '>d']);

/** The dataset at `p` (Keras 2.13-2.15 files name `layers` `_layer_checkpoint_dependencies`). */
function datasetAt(f: H5Group, p: string): H5Dataset | null {
  for (const candidate of [p, p.replace(/^layers\//, '_layer_checkpoint_dependencies/')]) {
    let d: unknown = null;
    try {
      d = f.get(candidate);
    } catch {
      d = null;
    }
    if (d && (d as { type?: string }).type === 'Dataset') return d as H5Dataset;
  }
  return null;
}

/**
 * Sets every variable of the model from the weights file, checking each array's shape and type
 * before reading it; `gates` (per layer name) the hard_sigmoid columns to divide by 1.2.
 */
async function setWeightsFromH5(model: tf.LayersModel, file: string, gates: Map<string, boolean[]>): Promise<void> {
  const lib = await loadH5wasm();
  let f: InstanceType<H5Module['File']>;
  try {
    f = new lib.File(file, 'r');
    if (!(f as unknown as { file_id?: bigint | number }).file_id) throw new Error('not open');
    f.keys();
  } catch {
    throw new AppError('E_MODEL_FILE', { what: 'h5_truncated', entry: KERAS3_WEIGHTS });
  }
  try {
    for (const e of keras3Entries(model)) {
      const g = gates.get(e.layer.name);
      const tensors: tf.Tensor[] = [];
      try {
        for (const v of e.vars) {
          const d = datasetAt(f, v.path);
          if (!d) throw new AppError('E_MODEL_FILE', { what: 'weight_missing', layer: e.layer.name, weight: v.path });
          const want = v.variable.shape as number[];
          const shape = d.shape ?? [];
          if (shape.length !== want.length || shape.some((n, k) => n !== want[k])) {
            throw new AppError('E_MODEL_FILE', { what: 'weight_shape', layer: e.layer.name, weight: v.path, expected: JSON.stringify(want), found: JSON.stringify(shape) });
          }
          const dtype = String(d.dtype);
          if (!FLOAT_TYPES.has(dtype)) throw new AppError('E_MODEL_FILE', { what: 'weight_dtype', layer: e.layer.name, weight: v.path, dtype });
          let value: unknown;
          try {
            value = d.value;
          } catch {
            throw new AppError('E_MODEL_FILE', { what: 'h5_truncated', entry: KERAS3_WEIGHTS });
          }
          const data = value instanceof Float32Array ? value : Float32Array.from(value as ArrayLike<number>);
          if (data.length !== want.reduce((a, b) => a * b, 1)) throw new AppError('E_MODEL_FILE', { what: 'h5_truncated', entry: KERAS3_WEIGHTS });
          tensors.push(tf.tensor(g ? scaleGateColumns(data, want, g, 1 / KERAS3_HARD_SIGMOID_SCALE) : data, want, 'float32'));
        }
        if (tensors.length) e.layer.setWeights(tensors);
      } finally {
        tensors.forEach((t) => t.dispose());
      }
    }
  } finally {
    f.close();
  }
}

/**
 * Opens a `.keras` file: the archive within bounds, its config checked (supported layers,
 * parameter count) before the model is built, every weight array's shape checked before it is
 * read. Errors: E_MODEL_FILE (what: zip_*, h5_truncated, weight_*), E_MODEL_TOO_LARGE,
 * E_MODEL_UNSUPPORTED, E_MODEL_KERAS3, E_MODEL_INVALID.
 */
export async function loadKeras3(file: string): Promise<{ model: tf.LayersModel; topology: { class_name: string; config: Record<string, unknown> }; kerasVersion: string | null }> {
  const st = await fs.stat(file);
  if (st.size > MAX_KERAS_FILE_BYTES) throw new AppError('E_MODEL_FILE', { what: 'zip_too_large', bytes: st.size, max: MAX_KERAS_FILE_BYTES });
  const bytes = new Uint8Array(await fs.readFile(file));
  const entries = readZip(bytes, {
    maxEntries: 1000,
    maxTotalBytes: MAX_KERAS_FILE_BYTES,
    maxEntryBytes: { [KERAS3_CONFIG]: MAX_CONFIG_BYTES, [KERAS3_METADATA]: 1024 * 1024 },
    want: [KERAS3_CONFIG, KERAS3_METADATA, KERAS3_WEIGHTS],
    require: [KERAS3_CONFIG, KERAS3_WEIGHTS],
  });
  let config: unknown;
  let kerasVersion: string | null = null;
  try {
    config = JSON.parse(new TextDecoder().decode(entries.get(KERAS3_CONFIG)!));
    const meta = entries.get(KERAS3_METADATA);
    if (meta) kerasVersion = String((JSON.parse(new TextDecoder().decode(meta)) as { keras_version?: unknown }).keras_version ?? '') || null;
  } catch {
    throw new AppError('E_MODEL_FILE', { what: 'config_json', entry: KERAS3_CONFIG });
  }
  const topology = topologyOfKeras3(config);
  checkImportBounds(topology);
  const model = await buildFromTopology(topology);
  const work = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-keras3-'));
  try {
    // h5wasm opens files by path: the weights go to a private temporary folder first
    const h5 = path.join(work, KERAS3_WEIGHTS);
    await fs.writeFile(h5, entries.get(KERAS3_WEIGHTS)!);
    await setWeightsFromH5(model, h5, keras3Error(() => hardSigmoidLayers(topology, 'import')));
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
  return { model, topology, kerasVersion };
}
