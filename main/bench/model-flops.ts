/**
 * FLOPs of a model as the engine builds it, with a free time axis given `timesteps`: for a
 * case's model (case.ts), and for specs in a worker of its own (index.ts, workerData.benchFlops)
 * so that the bench's main thread never loads tfjs.
 */
import { buildModel } from '../engine/model/build';
import { initBackend, type tf } from '../engine/platform/backend';
import type { Experiment } from '../../shared/experiment';
import { modelFlops, type LayerLike, type ModelFlops, type Shape } from './flops';

export interface FlopsJob {
  key: string;
  spec: Experiment['model'];
  timesteps: number;
  batchSize: number;
}

/** FLOPs of a built model on a batch of `batchSize`, a free time axis given `timesteps`. */
export function flopsOfModel(model: tf.LayersModel, batchSize: number, timesteps: number): ModelFlops {
  const shapes = new Map<string, Shape>(model.inputs.map((inp) => [inp.sourceLayer.name, inp.shape.map((d, i) => (i === 0 ? batchSize : (d ?? timesteps)))]));
  return modelFlops(model.layers as unknown as LayerLike[], shapes);
}

export async function countFlops(jobs: readonly FlopsJob[]): Promise<Record<string, ModelFlops>> {
  await initBackend({ prefer: 'wasm' });
  const out: Record<string, ModelFlops> = {};
  for (const j of jobs) {
    const model = await buildModel({ model: j.spec, training: { seed: 1 } } as Experiment);
    try {
      out[j.key] = flopsOfModel(model, j.batchSize, j.timesteps);
    } finally {
      model.dispose();
    }
  }
  return out;
}
