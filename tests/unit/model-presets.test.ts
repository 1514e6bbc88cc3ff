/**
 * The builder's presets against tfjs itself: every preset's shapes and parameter counts
 * equal what tfjs reports, the book's totals hold, the graph round-trips through tfjs's
 * own toJSON, and "Show code" is valid Python with the expected layer calls.
 */
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PRESETS, buildSummary, fromKerasSpec, getPreset, inferShapes, renderSummary, toKerasSpec, toPythonCode,
  type BuilderGraph, type KerasModelJSON,
} from '../../shared/model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function build(graph: BuilderGraph): Promise<tf.LayersModel> {
  const spec = toKerasSpec(graph);
  return tf.models.modelFromJSON(JSON.parse(JSON.stringify(spec)) as tf.io.ModelJSON['modelTopology'] as never);
}

/** Compares our inference with the tfjs model, layer by layer (by name). */
export function compareWithTfjs(graph: BuilderGraph, model: tf.LayersModel): void {
  const report = inferShapes(graph);
  expect(report.ok, JSON.stringify(report.issues)).toBe(true);
  const byName = new Map(Object.values(report.nodes).map((n) => [n.layerName, n]));
  let trainable = 0;
  for (const layer of model.layers) {
    const info = byName.get(layer.name);
    expect(info, `layer ${layer.name}`).toBeDefined();
    expect(info!.outputShape, layer.name).toEqual(layer.outputShape);
    expect(info!.params.total, layer.name).toBe(layer.countParams());
    trainable += layer.trainableWeights.reduce((a, w) => a + w.shape.reduce((x: number, y) => x * (y ?? 1), 1), 0);
  }
  expect(report.totals.total).toBe(model.countParams());
  expect(report.totals.trainable).toBe(trainable);
}

/** The meaningful part of a topology: layers (by name; their order is the writer's choice), inputs and outputs. */
export function stripToMeaning(spec: KerasModelJSON): unknown {
  const layers = [...spec.config.layers].sort((a, b) => String(a.config.name).localeCompare(String(b.config.name)));
  return { class_name: spec.class_name, config: { layers, input_layers: spec.config.input_layers, output_layers: spec.config.output_layers } };
}

describe('presets against tfjs', () => {
  for (const preset of PRESETS) {
    it(`${preset.id}: shapes and params equal tfjs, round trip keeps the topology`, async () => {
      const model = await build(preset.graph);
      compareWithTfjs(preset.graph, model);
      const report = inferShapes(preset.graph, { targetShape: preset.targetShape });
      expect(report.issues).toEqual([]);
      // round trip through tfjs's own writer
      const written = model.toJSON(null, false) as unknown;
      const back = fromKerasSpec(written);
      expect(stripToMeaning(toKerasSpec(back))).toEqual(stripToMeaning(toKerasSpec(preset.graph)));
      model.dispose();
    });
  }

  it('listing 6.47 totals 12,609 and 6.49 totals 13,697 parameters', () => {
    expect(inferShapes(getPreset('conv1d-6.47')!.graph).totals).toEqual({ trainable: 12609, nonTrainable: 0, total: 12609 });
    expect(inferShapes(getPreset('conv1d-gru-6.49')!.graph).totals).toEqual({ trainable: 13697, nonTrainable: 0, total: 13697 });
    const text = renderSummary(buildSummary(getPreset('conv1d-6.47')!.graph));
    expect(text).toContain('Total params: 12,609');
  });
});

describe('generated Python', () => {
  for (const preset of PRESETS) {
    it(`${preset.id}: parses with python3 ast and has the layer calls`, () => {
      const code = toPythonCode(preset.graph);
      const r = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: code, encoding: 'utf8' });
      expect(r.status, `${r.stderr}\n${code}`).toBe(0);
      const spec = toKerasSpec(preset.graph);
      for (const l of spec.config.layers) {
        if (l.class_name === 'InputLayer') expect(code).toContain(`name="${String(l.config.name)}"`);
        else expect(code).toContain(`layers.${l.class_name}(`);
      }
    });
  }
});
