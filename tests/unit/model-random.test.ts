/**
 * Property test: for randomly generated stacks (small dims) our shape inference agrees with
 * tfjs layer by layer, the predicted tensor has the inferred shape, and every stack we flag
 * as invalid is one tfjs refuses too (so the errors are real), while inference never throws.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { chainGraph, fromKerasSpec, inferShapes, ISSUE_CODES, toKerasSpec, type BuilderGraph, type Params } from '../../shared/model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Step = [string, Params?, [string, Params?]?];

const rnn = fc.record({ b: fc.constantFrom('simple_rnn', 'lstm', 'gru'), units: fc.integer({ min: 1, max: 3 }), rs: fc.boolean(), back: fc.boolean() })
  .map(({ b, units, rs, back }): Step => [b, { units, return_sequences: rs, go_backwards: back }]);
const step: fc.Arbitrary<Step> = fc.oneof(
  rnn,
  fc.tuple(rnn, fc.constantFrom('concat', 'sum', 'mul', 'ave')).map(([r, m]): Step => ['bidirectional', { merge_mode: m }, [r[0], r[1]]]),
  fc.record({ f: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 2 }), p: fc.constantFrom('valid', 'same'), d: fc.integer({ min: 1, max: 2 }) })
    .map(({ f, k, s, p, d }): Step => ['conv1d', { filters: f, kernel_size: k, strides: s, padding: p, dilation_rate: s > 1 ? 1 : d }]),
  fc.record({ b: fc.constantFrom('max_pooling1d', 'average_pooling1d'), k: fc.integer({ min: 1, max: 3 }), s: fc.option(fc.integer({ min: 1, max: 2 }), { nil: null }), p: fc.constantFrom('valid', 'same') })
    .map(({ b, k, s, p }): Step => [b, { pool_size: k, strides: s, padding: p }]),
  fc.constantFrom<Step>(['global_max_pooling1d'], ['global_average_pooling1d'], ['flatten'], ['batch_normalization'], ['dropout', { rate: 0.2 }]),
  fc.integer({ min: 1, max: 3 }).map((u): Step => ['dense', { units: u }]),
  fc.integer({ min: 1, max: 3 }).map((n): Step => ['repeat_vector', { n }]),
  fc.integer({ min: 1, max: 3 }).map((u): Step => ['time_distributed', {}, ['dense', { units: u }]]),
  // Forms tfjs 4.22 cannot run: they must be flagged.
  fc.constantFrom<Step>(['gru', { units: 2, reset_after: true }], ['conv1d', { filters: 2, kernel_size: 2, padding: 'causal' }], ['conv1d', { filters: 2, kernel_size: 2, strides: 2, dilation_rate: 2 }]),
);
const stack = fc.record({
  t: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null, freq: 4 }),
  d: fc.integer({ min: 1, max: 4 }),
  steps: fc.array(step, { minLength: 1, maxLength: 4 }),
});

function graphOf(t: number | null, d: number, steps: Step[]): BuilderGraph {
  return chainGraph('random', ['input_sequence', { timesteps: t, features: d }], steps as never);
}

async function tfjsRuns(graph: BuilderGraph, t: number): Promise<number[]> {
  const model = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(toKerasSpec(graph))));
  try {
    const x = tf.zeros([2, t, Number(graph.nodes[0]!.params.features)]);
    const y = model.predict(x) as tf.Tensor;
    const shape = y.shape;
    tf.dispose([x, y]);
    return shape;
  } finally {
    model.dispose();
  }
}

describe('random stacks against tfjs', () => {
  it('valid stacks match tfjs; invalid ones are flagged and tfjs refuses them too', async () => {
    let valid = 0;
    let invalid = 0;
    await fc.assert(
      fc.asyncProperty(stack, async ({ t, d, steps }) => {
        const graph = graphOf(t, d, steps);
        const report = inferShapes(graph);
        const out = report.nodes[report.outputs[0]!]!;
        const runT = t ?? 9;
        if (!report.ok) {
          invalid++;
          expect(report.errorCount).toBeGreaterThan(0);
          for (const i of report.issues) expect(ISSUE_CODES).toContain(i.code);
          // A null-length stack may fail only for the length we pick; judge with that length.
          const fixed = inferShapes(graphOf(runT, d, steps));
          if (fixed.ok) return;
          // tfjs refuses: it throws, or produces an empty tensor (a zero-length axis).
          let refused = false;
          try {
            refused = (await tfjsRuns(graph, runT)).includes(0);
          } catch {
            refused = true;
          }
          expect(refused, `tfjs ran a stack we flagged: ${JSON.stringify(report.issues)}`).toBe(true);
          return;
        }
        valid++;
        const model = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(toKerasSpec(graph))));
        const byName = new Map(Object.values(report.nodes).map((n) => [n.layerName, n]));
        for (const layer of model.layers) {
          expect(byName.get(layer.name)?.outputShape, layer.name).toEqual(layer.outputShape);
          expect(byName.get(layer.name)?.params.total, layer.name).toBe(layer.countParams());
        }
        expect(report.totals.total).toBe(model.countParams());
        // round trip through tfjs's writer
        const again = toKerasSpec(fromKerasSpec(model.toJSON(null, false)));
        expect(again.config.layers).toEqual(toKerasSpec(graph).config.layers);
        model.dispose();
        // the real tensor has the inferred shape (for a variable length: with length runT)
        const concrete = t === null ? inferShapes(graphOf(runT, d, steps)) : report;
        if (!concrete.ok) return;
        const want = concrete.nodes[concrete.outputs[0]!]!.outputShape!.map((x) => x ?? 2);
        expect(await tfjsRuns(graph, runT)).toEqual(want);
        expect(out.outputShape).not.toBeNull();
      }),
      { numRuns: 300, seed: 20240601 },
    );
    expect(valid).toBeGreaterThan(60);
    expect(invalid).toBeGreaterThan(30);
  });
});
