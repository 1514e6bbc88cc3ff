/**
 * FLOPs of a model spec as the engine builds it (buildModel), with a free time axis given
 * `timesteps`: run in a worker of its own (index.ts, workerData.benchFlops) so that the
 * bench's main thread never loads tfjs.
 */
import { buildModel } from '../engine/model/build';
import { initBackend } from '../engine/platform/backend';
import type { Experiment } from '../../shared/experiment';
import { modelFlops, type LayerLike, type ModelFlops, type Shape } from './flops';

export interface FlopsJob {
  key: string;
  spec: Experiment['model'];
  timesteps: number;
  batchSize: number;
}

export async function countFlops(jobs: readonly FlopsJob[]): Promise<Record<string, ModelFlops>> {
  await initBackend({ prefer: 'wasm' });
  const out: Record<string, ModelFlops> = {};
  for (const j of jobs) {
    const model = await buildModel({ model: j.spec, training: { seed: 1 } } as Experiment);
    try {
      const shapes = new Map<string, Shape>(model.inputs.map((inp) => [inp.sourceLayer.name, inp.shape.map((d, i) => (i === 0 ? j.batchSize : (d ?? j.timesteps)))]));
      out[j.key] = modelFlops(model.layers as unknown as LayerLike[], shapes);
    } finally {
      model.dispose();
    }
  }
  return out;
}
