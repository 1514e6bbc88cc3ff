// Importing a trained model (issue #5): the files of an export (model.json + shards) go to
// the engine in chunks, come back as a topology the builder shows, and a run started from
// the imported weights begins exactly where the exported model was; a changed model drops
// them (and says so).
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Experiment, ModelSpec } from '../../shared/experiment';
import { STARTER_EXPERIMENT } from '../../shared/experiments';
import { perKind } from './job-events';
import type { EventName, TrainDone } from '../../shared/ipc/contract';
import { PROJECT_CHUNK_BYTES } from '../../shared/ipc/project';
import { fromKerasSpec, toKerasSpec, withLayerNames, type BuilderGraph } from '../../shared/model';
import { Engine } from '../../main/engine/engine';

const tiny: Experiment = {
  ...STARTER_EXPERIMENT,
  name: 'import source',
  training: { ...STARTER_EXPERIMENT.training, epochs: 2, stepsPerEpoch: 4, validationSteps: 3, testSteps: 0 },
};

describe('model import into the builder and training from its weights', () => {
  let dataDir: string;
  let engine: Engine;
  const done: TrainDone[] = [];

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(tmpdir(), 'seqlab-import-'));
    engine = new Engine({ dataDir, backend: { prefer: 'cpu' } }, (name: EventName, payload: unknown) => {
      const e = perKind(name, payload);
      if (e.name === 'train.done') done.push(e.payload as TrainDone);
    });
  });
  afterAll(async () => {
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  async function train(experiment: Experiment, initialWeights?: { importId: string }): Promise<{ done: TrainDone; initialWeights: string | undefined }> {
    const reply = await engine.handlers['train.start']({ experiment, ...(initialWeights ? { initialWeights } : {}) });
    for (let i = 0; i < 6000 && !done.some((d) => d.runId === reply.runId); i++) await new Promise((r) => setTimeout(r, 20));
    const d = done.find((x) => x.runId === reply.runId)!;
    expect(d.status).toBe('completed');
    return { done: d, initialWeights: reply.initialWeights };
  }

  async function upload(files: string[]): Promise<Awaited<ReturnType<Engine['handlers']['model.importEnd']>>> {
    const sizes = await Promise.all(files.map(async (f) => (await fs.stat(f)).size));
    const { uploadId } = await engine.handlers['model.importBegin']({ files: files.map((f, i) => ({ name: path.basename(f), size: sizes[i]! })) });
    for (let i = 0; i < files.length; i++) {
      const bytes = await fs.readFile(files[i]!);
      // Small chunks, so that a file really arrives in several pieces.
      const step = Math.min(PROJECT_CHUNK_BYTES, 4096);
      for (let off = 0, seq = 0; off < bytes.length; off += step, seq++) {
        await engine.handlers['model.importChunk']({ uploadId, file: i, seq, dataBase64: bytes.subarray(off, off + step).toString('base64') });
      }
    }
    return engine.handlers['model.importEnd']({ uploadId });
  }

  it('imports an exported model.json + shards; a run from its weights starts at the exported validation loss', async () => {
    const source = await train(tiny);
    const exported = await engine.handlers['runs.export']({ runId: source.done.runId });
    const tfjsFiles = exported.files.filter((f) => f.startsWith('tfjs/')).map((f) => path.join(exported.folder, f));
    expect(tfjsFiles.some((f) => f.endsWith('model.json'))).toBe(true);
    expect(tfjsFiles.some((f) => f.endsWith('.bin'))).toBe(true);

    const info = await upload(tfjsFiles);
    const record = (await engine.handlers['runs.list']({})).runs.find((r) => r.id === source.done.runId)!;
    expect(info.format).toBe('tfjs');
    expect(info.params).toBe(record.params);

    // What the builder does: the graph from the topology, and the spec back from the graph.
    const graph: BuilderGraph = fromKerasSpec(info.topology);
    const spec = toKerasSpec(withLayerNames(graph)) as unknown as ModelSpec;
    // Validation only: SGD with a learning rate too small to move the weights in one step.
    const probe: Experiment = { ...tiny, model: spec, training: { ...tiny.training, optimizer: 'sgd', learningRate: 1e-12, epochs: 1, stepsPerEpoch: 1 } };

    const fromImport = await train(probe, { importId: info.importId });
    expect(fromImport.initialWeights).toBe('used');
    const exportedVal = source.done.bestValLoss!;
    expect(fromImport.done.history[0]!.valLoss!).toBeCloseTo(exportedVal, 5);

    // Without the imported weights the same model starts somewhere else entirely.
    const fresh = await train(probe);
    expect(Math.abs(fresh.done.history[0]!.valLoss! - exportedVal)).toBeGreaterThan(1e-3);
  });

  it('drops the weights (and says so) when the model no longer has their shapes', async () => {
    const source = await train(tiny);
    const exported = await engine.handlers['runs.export']({ runId: source.done.runId });
    const info = await upload(exported.files.filter((f) => f.startsWith('tfjs/')).map((f) => path.join(exported.folder, f)));
    const graph = fromKerasSpec(info.topology);
    const gru = graph.nodes.find((n) => n.block === 'gru')!;
    gru.params.units = Number(gru.params.units) + 3;
    const changed = toKerasSpec(withLayerNames(graph)) as unknown as ModelSpec;
    const r = await train({ ...tiny, model: changed, training: { ...tiny.training, epochs: 1, stepsPerEpoch: 1 } }, { importId: info.importId });
    expect(r.initialWeights).toBe('dropped');
  });

  it('imports a Keras .h5 file alone, and refuses files that are not a model', async () => {
    const source = await train({ ...tiny, training: { ...tiny.training, epochs: 1 } });
    const exported = await engine.handlers['runs.export']({ runId: source.done.runId });
    const h5 = exported.files.find((f) => f.endsWith('.h5'))!;
    const info = await upload([path.join(exported.folder, h5)]);
    expect(info.format).toBe('keras-h5');
    expect(info.params).toBeGreaterThan(0);
    const junk = path.join(dataDir, 'notes.json');
    await fs.writeFile(junk, '{"not":"a model"}');
    await expect(upload([junk])).rejects.toMatchObject({ code: 'E_MODEL_INVALID' });
    // A name that tries to leave the upload folder is reduced to a plain file name.
    const { uploadId } = await engine.handlers['model.importBegin']({ files: [{ name: '../../evil.json', size: 2 }] });
    await engine.handlers['model.importChunk']({ uploadId, file: 0, seq: 0, dataBase64: Buffer.from('{}').toString('base64') });
    await expect(engine.handlers['model.importEnd']({ uploadId })).rejects.toMatchObject({ code: 'E_MODEL_INVALID' });
    await expect(fs.access(path.join(dataDir, '..', 'evil.json'))).rejects.toThrow();
  });
});
