/**
 * The TensorFlow.js layers format on disk: `model.json` (modelTopology + weightsManifest)
 * and binary weight shards (`group1-shard1of1.bin`, ...), as tfjs's own `file://` handler
 * and the tfjs converter write them. There is no tfjs-node here, so a custom IOHandler
 * writes the files (each atomically, see files.ts) and another reads them back.
 *
 *   saveTfjsModel(model, dir)   -> { files }   writes dir/model.json + shards
 *   tfjsDirHandler(dir)         -> tf.io.IOHandler (save and load)
 *   loadTfjsModel(dirOrJson)    -> tf.LayersModel (a folder or the path of its model.json)
 *   readTfjsArtifacts(file)     -> tf.io.ModelArtifacts (model.json + shards, concatenated)
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { tf } from '../../platform/backend';
// registers the GRU layer that also builds reset_after=True (tfjs's own cannot)
import '../../kernels/rnn/gru-reset-after';
import { writeFileAtomic } from '../../platform/files';

/** The converter's default shard size (4 MiB). */
export const SHARD_BYTES = 4 * 1024 * 1024;

export const MODEL_JSON = 'model.json';

interface ModelJsonFile {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: tf.io.TrainingConfig;
  userDefinedMetadata?: Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

function joinWeights(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (!data) return new ArrayBuffer(0);
  return tf.io.CompositeArrayBuffer.join(data);
}

/**
 * An IOHandler over a folder: `save` writes model.json and its shards (each file written
 * atomically), `load` reads them. `model.save(tfjsDirHandler(dir))` / `tf.loadLayersModel(handler)`.
 */
export function tfjsDirHandler(dir: string, opts: { shardBytes?: number; written?: string[] } = {}): tf.io.IOHandler {
  const shardBytes = Math.max(1, opts.shardBytes ?? SHARD_BYTES);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('binary model topologies are not supported');
      const weights = joinWeights(artifacts.weightData);
      const count = Math.max(1, Math.ceil(weights.byteLength / shardBytes));
      const paths: string[] = [];
      await fs.mkdir(dir, { recursive: true });
      for (let i = 0; i < count; i++) {
        const name = `group1-shard${i + 1}of${count}.bin`;
        const bytes = new Uint8Array(weights, i * shardBytes, Math.min(shardBytes, weights.byteLength - i * shardBytes));
        await writeFileAtomic(path.join(dir, name), bytes);
        opts.written?.push(name);
        paths.push(name);
      }
      const json: ModelJsonFile = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: artifacts.convertedBy ?? null,
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
        weightsManifest: [{ paths, weights: artifacts.weightSpecs ?? [] }],
      };
      // model.json last: a folder with a model.json has all its shards.
      await writeFileAtomic(path.join(dir, MODEL_JSON), JSON.stringify(json));
      opts.written?.push(MODEL_JSON);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
    load: () => readTfjsArtifacts(path.join(dir, MODEL_JSON)),
  };
}

/** A model.json larger than this is not a model SeqLab made or can use (the topology is text). */
const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
/** Weights larger than this are refused before they are read (a lesson model is a few MB). */
const MAX_WEIGHT_BYTES = 1024 * 1024 * 1024;
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, int8: 1 };

/** Bytes the manifest's weights occupy in the shards, or null when a dtype is one we do not size. */
function manifestBytes(specs: tf.io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const w of specs) {
    if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new Error(`weight ${String(w.name)} has no valid shape`);
    const dtype = w.quantization?.dtype ?? w.dtype;
    const size = DTYPE_BYTES[dtype];
    if (size === undefined) return null;
    total += w.shape.reduce((a, b) => a * b, 1) * size;
  }
  return total;
}

/**
 * Reads a model.json and the shards it names (paths relative to it) into one artifacts object.
 * Hostile files are refused before anything large is read: a shard outside the folder, a
 * link or anything but a plain file, weights larger than MAX_WEIGHT_BYTES, or shards whose
 * sizes do not add up to what the manifest's shapes need.
 */
export async function readTfjsArtifacts(modelJsonPath: string): Promise<tf.io.ModelArtifacts> {
  if ((await fs.stat(modelJsonPath)).size > MAX_MODEL_JSON_BYTES) throw new Error(`${path.basename(modelJsonPath)} is larger than ${MAX_MODEL_JSON_BYTES >> 20} MiB`);
  const json = JSON.parse(await fs.readFile(modelJsonPath, 'utf8')) as ModelJsonFile;
  if (!json || typeof json !== 'object' || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new Error(`${path.basename(modelJsonPath)} is not a tfjs layers model (no modelTopology / weightsManifest)`);
  }
  const base = path.dirname(modelJsonPath);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const files: string[] = [];
  let onDisk = 0;
  for (const group of json.weightsManifest) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new Error('weightsManifest entries need paths and weights');
    specs.push(...group.weights);
    for (const p of group.paths) {
      // Shards must lie beside model.json: a manifest can never name a file elsewhere.
      if (typeof p !== 'string') throw new Error('weight path is not a string');
      const rel = path.normalize(p);
      if (path.isAbsolute(rel) || rel.startsWith('..')) throw new Error(`weight path outside the model folder: ${p}`);
      const file = path.join(base, rel);
      // lstat: a link named as a shard could lead anywhere; only plain files are read.
      const st = await fs.lstat(file);
      if (st.isSymbolicLink()) throw new Error(`weight file ${p} is a link; only plain files are read`);
      if (!st.isFile()) throw new Error(`weight file ${p} is not a file`);
      onDisk += st.size;
      files.push(file);
    }
  }
  const need = manifestBytes(specs);
  if ((need ?? onDisk) > MAX_WEIGHT_BYTES) throw new Error(`the weights need ${need ?? onDisk} bytes; SeqLab reads at most ${MAX_WEIGHT_BYTES >> 20} MiB`);
  if (need !== null && need !== onDisk) throw new Error(`the manifest's weights need ${need} bytes but the weight files hold ${onDisk}`);
  const weightData = new Uint8Array(onDisk);
  let o = 0;
  for (const file of files) {
    const b = await fs.readFile(file);
    // A file that changed between the check and the read is refused too.
    if (o + b.byteLength > onDisk) throw new Error('a weight file changed while it was read');
    weightData.set(b, o);
    o += b.byteLength;
  }
  if (o !== onDisk) throw new Error('a weight file changed while it was read');
  return {
    modelTopology: json.modelTopology as object,
    weightSpecs: specs,
    weightData: weightData.buffer,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? null,
    ...(json.trainingConfig ? { trainingConfig: json.trainingConfig } : {}),
    ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata as Record<string, object> } : {}),
  };
}

/** Saves the model as dir/model.json + shards; returns the file names written (model.json last). */
export async function saveTfjsModel(model: tf.LayersModel, dir: string, opts: { shardBytes?: number } = {}): Promise<{ files: string[] }> {
  const written: string[] = [];
  await model.save(tfjsDirHandler(dir, { ...opts, written }));
  return { files: written };
}

/** Loads a tfjs layers model from a folder or from the path of its model.json. */
export async function loadTfjsModel(dirOrJson: string): Promise<tf.LayersModel> {
  const file = dirOrJson.toLowerCase().endsWith('.json') ? dirOrJson : path.join(dirOrJson, MODEL_JSON);
  return tf.loadLayersModel({ load: () => readTfjsArtifacts(file) });
}
