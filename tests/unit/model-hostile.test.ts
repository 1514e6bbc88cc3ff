// Hostile model files (issue #18.5), through the engine's import channel (model.importBegin /
// importChunk / importEnd, as the window sends them) and the CLI (`seqlab import`): tfjs
// manifests naming files outside their folder, shard sizes that do not match, a Dense of 1e9
// units and an Embedding of 4e9 parameters, truncated .keras zips and .h5 files, a zip entry with
// `..`, zip members that lie about their size (a bomb declared huge, one declared small), and
// weights whose shapes differ from the config are each refused with their code before anything
// large is allocated; after every refusal a valid model imports at once (the engine keeps serving).
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { EventName } from '../../shared/ipc/contract';
import { chainGraph, toKerasSpec } from '../../shared/model';
import { Engine } from '../../main/engine/engine';
import { saveTfjsModel, writeKeras3, writeKerasH5 } from '../../main/engine/export';
import { readZip, writeZip } from '../../main/engine/model/formats/zip';

const SMALL = chainGraph('small', ['input_sequence', { timesteps: 6, features: 3 }], [['gru', { units: 4, recurrent_activation: 'sigmoid' }], ['dense', { units: 2 }]]);

async function smallModel(): Promise<tf.LayersModel> {
  return tf.models.modelFromJSON(toKerasSpec(SMALL) as unknown as Parameters<typeof tf.models.modelFromJSON>[0]);
}

const KERAS3_ENTRIES = ['metadata.json', 'config.json', 'model.weights.h5'];

describe('hostile model files', () => {
  let dir: string;
  let dataDir: string;
  let engine: Engine;
  let valid: { tfjs: string; keras: string; h5: string };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-hostile-'));
    dataDir = path.join(dir, 'data');
    engine = new Engine({ dataDir, backend: { prefer: 'cpu' } }, (_name: EventName, _payload: unknown) => undefined);
    const model = await smallModel();
    valid = { tfjs: path.join(dir, 'valid-tfjs'), keras: path.join(dir, 'valid.keras'), h5: path.join(dir, 'valid.h5') };
    await saveTfjsModel(model, valid.tfjs);
    await writeKeras3(model, valid.keras);
    await writeKerasH5(model, valid.h5);
    model.dispose();
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function upload(files: string[]): Promise<Awaited<ReturnType<Engine['handlers']['model.importEnd']>>> {
    const sizes = await Promise.all(files.map(async (f) => (await fs.stat(f)).size));
    const { uploadId } = await engine.handlers['model.importBegin']({ files: files.map((f, i) => ({ name: path.basename(f), size: sizes[i]! })) });
    for (let i = 0; i < files.length; i++) {
      const bytes = await fs.readFile(files[i]!);
      await engine.handlers['model.importChunk']({ uploadId, file: i, seq: 0, dataBase64: bytes.toString('base64') });
    }
    return engine.handlers['model.importEnd']({ uploadId });
  }

  /** The valid files import right after a refusal: the engine keeps serving. */
  async function stillServes(): Promise<void> {
    const shards = (await fs.readdir(valid.tfjs)).map((f) => path.join(valid.tfjs, f));
    for (const files of [shards, [valid.keras], [valid.h5]]) {
      const info = await upload(files);
      expect(info.params).toBe(3 * (3 * 4 + 4 * 4 + 4) + 10);
    }
  }

  /** A copy of the valid tfjs folder with model.json changed by `edit`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a model.json edited freely, as an attacker would
  async function tfjsVariant(name: string, edit: (json: Record<string, any>) => void): Promise<string[]> {
    const d = path.join(dir, name);
    await fs.cp(valid.tfjs, d, { recursive: true });
    const file = path.join(d, 'model.json');
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as Parameters<typeof edit>[0];
    edit(json);
    await fs.writeFile(file, JSON.stringify(json));
    return (await fs.readdir(d)).map((f) => path.join(d, f));
  }

  /** A .keras file with its entries changed by `edit` (name -> bytes, in order). */
  async function kerasVariant(name: string, edit: (entries: [string, Uint8Array][]) => [string, Uint8Array][]): Promise<string> {
    const got = readZip(new Uint8Array(await fs.readFile(valid.keras)), { maxEntries: 10, maxTotalBytes: 1 << 30, want: KERAS3_ENTRIES, require: KERAS3_ENTRIES });
    const file = path.join(dir, name);
    await fs.writeFile(file, writeZip(edit(KERAS3_ENTRIES.map((n) => [n, got.get(n)!]))));
    return file;
  }

  it.each([['../../etc/passwd'], ['/etc/passwd']])('a tfjs manifest naming %s is refused', async (p) => {
    const files = await tfjsVariant(`outside-${p.length}`, (j) => {
      j.weightsManifest[0].paths = [p];
    });
    await expect(upload(files)).rejects.toMatchObject({ code: 'E_MODEL_INVALID', params: { detail: expect.stringContaining('outside the model folder') } });
    await stillServes();
  });

  it('a tfjs manifest whose shapes need more bytes than its shards hold is refused', async () => {
    const files = await tfjsVariant('mismatch', (j) => {
      j.weightsManifest[0].weights[0].shape = [30, 12];
    });
    await expect(upload(files)).rejects.toMatchObject({ code: 'E_MODEL_INVALID', params: { detail: expect.stringContaining('weight files hold') } });
    await stillServes();
  });

  it('a Dense of 1e9 units is refused from the config, before tfjs builds it', async () => {
    const files = await tfjsVariant('huge-dense', (j) => {
      const layers = j.modelTopology.config.layers as { class_name: string; config: Record<string, unknown> }[];
      layers.find((l) => l.class_name === 'Dense')!.config.units = 1e9;
    });
    const before = tf.memory().numBytes;
    await expect(upload(files)).rejects.toMatchObject({ code: 'E_MODEL_TOO_LARGE', params: { what: 'param', layer: 'dense', param: 'units', value: 1e9, max: 4096 } });
    // nothing was allocated for it
    expect(tf.memory().numBytes).toBe(before);
    await stillServes();
  });

  it('a model whose parameters are each in range but total 4e9 is refused by its count', async () => {
    const graph = chainGraph('big', ['input_tokens', { length: 5 }], [['embedding', { input_dim: 1_000_000, output_dim: 4096 }], ['dense', { units: 1 }]]);
    const file = path.join(dir, 'big.json');
    // a Keras 2 topology as a tfjs model.json with no weights listed: refused before any read
    await fs.writeFile(file, JSON.stringify({ modelTopology: toKerasSpec(graph), weightsManifest: [] }));
    await expect(upload([file])).rejects.toMatchObject({ code: 'E_MODEL_TOO_LARGE', params: { what: 'params', params: 1_000_000 * 4096 + 4097, max: 50_000_000 } });
    await stillServes();
  });

  it('a truncated .keras archive is refused', async () => {
    const bytes = await fs.readFile(valid.keras);
    const file = path.join(dir, 'cut.keras');
    await fs.writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(upload([file])).rejects.toMatchObject({ code: 'E_MODEL_FILE', params: { what: 'zip_truncated' } });
    await stillServes();
  });

  it('a zip entry whose name climbs out (../) is refused', async () => {
    const file = await kerasVariant('traversal.keras', (e) => [...e, ['../../evil.sh', new TextEncoder().encode('echo owned')]]);
    await expect(upload([file])).rejects.toMatchObject({ code: 'E_MODEL_FILE', params: { what: 'zip_entry_name', entry: '../../evil.sh' } });
    await stillServes();
  });

  it('a member declaring 3 GiB (a zip bomb) is refused before anything is inflated', async () => {
    const file = await kerasVariant('bomb.keras', (e) => e);
    const bytes = new Uint8Array(await fs.readFile(file));
    // the central directory's uncompressed size of model.weights.h5 set to 3 GiB
    patchCentral(bytes, 'model.weights.h5', 24, 3 * 1024 ** 3);
    await fs.writeFile(file, bytes);
    await expect(upload([file])).rejects.toMatchObject({ code: 'E_MODEL_FILE', params: { what: 'zip_too_large', entry: 'model.weights.h5' } });
    await stillServes();
  });

  it('a member holding more than it declares is refused (the buffer never grows)', async () => {
    const file = await kerasVariant('liar.keras', (e) => e);
    const bytes = new Uint8Array(await fs.readFile(file));
    patchCentral(bytes, 'config.json', 24, 10);
    await fs.writeFile(file, bytes);
    await expect(upload([file])).rejects.toMatchObject({ code: 'E_MODEL_FILE', params: { what: 'zip_corrupt', entry: 'config.json' } });
    await stillServes();
  });

  it('a truncated model.weights.h5 inside a .keras is refused', async () => {
    const file = await kerasVariant('cut-h5.keras', (e) => e.map(([n, b]) => [n, n === 'model.weights.h5' ? b.subarray(0, 1200) : b]));
    await expect(upload([file])).rejects.toMatchObject({ code: 'E_MODEL_FILE', params: { what: 'h5_truncated' } });
    await stillServes();
  });

  it('a .keras whose arrays do not match its config (GRU of 5 units, weights of 4) is refused', async () => {
    const file = await kerasVariant('shape.keras', (e) => e.map(([n, b]) => {
      if (n !== 'config.json') return [n, b];
      const cfg = JSON.parse(new TextDecoder().decode(b)) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
      cfg.config.layers.find((l) => l.class_name === 'GRU')!.config.units = 5;
      return [n, new TextEncoder().encode(JSON.stringify(cfg))];
    }));
    await expect(upload([file])).rejects.toMatchObject({ code: 'E_MODEL_FILE', params: { what: 'weight_shape', layer: 'gru', weight: 'layers/gru/cell/vars/0', expected: '[3,15]', found: '[3,12]' } });
    await stillServes();
  });

  it('a truncated Keras 2 .h5 is refused', async () => {
    const bytes = await fs.readFile(valid.h5);
    const file = path.join(dir, 'cut.h5');
    await fs.writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 3)));
    await expect(upload([file])).rejects.toMatchObject({ code: 'E_MODEL_FILE', params: { what: 'h5_truncated' } });
    await stillServes();
  });

  it('the CLI refuses each hostile file with its code and opens a valid one right after', async () => {
    const { importCommand } = await import('../../main/cli/export');
    const errors: string[] = [];
    const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const cut = path.join(dir, 'cli-cut.keras');
      const bytes = await fs.readFile(valid.keras);
      await fs.writeFile(cut, bytes.subarray(0, bytes.length - 30));
      expect(await importCommand([cut])).toBe(1);
      expect(errors.pop()).toContain('E_MODEL_FILE {"what":"zip_truncated"}');
      const traversal = await kerasVariant('cli-traversal.keras', (e) => [['/abs/evil', new Uint8Array(1)], ...e]);
      expect(await importCommand([traversal])).toBe(1);
      expect(errors.pop()).toContain('"what":"zip_entry_name"');
      const huge = await tfjsVariant('cli-huge', (j) => {
        j.modelTopology.config.layers.find((l: { class_name: string }) => l.class_name === 'Dense').config.units = 1e9;
      });
      expect(await importCommand([huge.find((f) => f.endsWith('model.json'))!])).toBe(1);
      expect(errors.pop()).toContain('E_MODEL_TOO_LARGE');
      expect(await importCommand([valid.keras])).toBe(0);
      expect(log.mock.calls.map((c) => String(c[0])).join('\n')).toContain('Keras 3 (.keras) model, 106 parameters');
    } finally {
      err.mockRestore();
      log.mockRestore();
    }
  });
});

/** Overwrites a 32-bit field at `offset` of `name`'s central directory record. */
function patchCentral(bytes: Uint8Array, name: string, offset: number, value: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let e = bytes.length - 22;
  while (view.getUint32(e, true) !== 0x06054b50) e--;
  let o = view.getUint32(e + 16, true);
  for (let i = 0; i < view.getUint16(e + 10, true); i++) {
    const n = view.getUint16(o + 28, true);
    if (new TextDecoder().decode(bytes.subarray(o + 46, o + 46 + n)) === name) {
      view.setUint32(o + offset, value, true);
      return;
    }
    o += 46 + n + view.getUint16(o + 30, true) + view.getUint16(o + 32, true);
  }
  throw new Error(`no ${name}`);
}
