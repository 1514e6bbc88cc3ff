/**
 * The book's comparison on the Jena data (issue #17.2): which models, at which size, with
 * which windowing. Pure: the engine's compare job (main/engine/jobs/compare.ts) trains the
 * experiments built here, the window and the CLI show the sizes, and the sequence length
 * each row's recurrent layer reads follows from the shape rules (model/shapes.ts).
 */
import { ModelSpecSchema, type Experiment } from './experiment';
import { getBlock, getPreset, inferShapes, toKerasSpec, withLayerNames, type BuilderGraph } from './model';

/** The trained rows, in table order; each is the builder preset of the same id. */
export const COMPARE_MODELS = ['gru', 'conv1d-6.47', 'conv1d-gru-6.49', 'bidirectional-gru', 'stacked-gru'] as const;
export type CompareModelId = (typeof COMPARE_MODELS)[number];

export const COMPARE_SIZE_NAMES = ['smallest', 'lecture', 'book'] as const;
export type CompareSizeName = (typeof COMPARE_SIZE_NAMES)[number];

export interface CompareSize {
  /** Rows of the bundled synthetic Jena table (420,551 is the real file's length). */
  rows: number;
  lookback: number;
  step: number;
  /** Listing 6.49 reads twice as many points (the book's step 3 against step 6). */
  stepConvGru: number;
  delay: number;
  batchSize: number;
  epochs: number;
  /** Rows the book trained longer (its dropout-regularised and bidirectional listings ran 40 epochs). */
  epochsFor?: Partial<Record<CompareModelId, number>>;
  stepsPerEpoch: number;
  validationSteps: number;
  testSteps: number;
}

const FULL_ROWS = 420_551;
/** The book's val_steps and test_steps: (300000 - 200001 - lookback) // 128 and (len - 300001 - lookback) // 128. */
const BOOK_VAL_STEPS = Math.floor((300_000 - 200_001 - 1440) / 128);
const BOOK_TEST_STEPS = Math.floor((FULL_ROWS - 300_001 - 1440) / 128);

/**
 * smallest: seconds, for the tests (too short to train well: every model is barely past its
 * initial weights). lecture: the book's windowing on the full-size data with fewer, shorter
 * epochs, under ten minutes on a two-core lab PC (6 min 35 s measured on the idle build machine, README). book: the book's
 * setup (section 6.3): 500 steps of 128 per epoch, validation and test on their whole splits.
 */
export const COMPARE_SIZES: Record<CompareSizeName, CompareSize> = {
  smallest: { rows: 20_000, lookback: 480, step: 6, stepConvGru: 3, delay: 144, batchSize: 32, epochs: 2, stepsPerEpoch: 6, validationSteps: 4, testSteps: 4 },
  lecture: { rows: FULL_ROWS, lookback: 1440, step: 6, stepConvGru: 3, delay: 144, batchSize: 128, epochs: 8, stepsPerEpoch: 100, validationSteps: 40, testSteps: 40 },
  book: {
    rows: FULL_ROWS, lookback: 1440, step: 6, stepConvGru: 3, delay: 144, batchSize: 128, epochs: 20,
    epochsFor: { 'bidirectional-gru': 40, 'stacked-gru': 40 },
    stepsPerEpoch: 500, validationSteps: BOOK_VAL_STEPS, testSteps: BOOK_TEST_STEPS,
  },
};

/** The bundled data and its seed: every row trains on the same table. */
export const COMPARE_DATA_SEED = 42;
export const COMPARE_TRAIN_SEED = 1;
/** Feature index of T (degC) in the Jena table, the book's target. */
export const COMPARE_TARGET_COLUMN = 1;

export function compareStep(size: CompareSize, model: CompareModelId): number {
  return model === 'conv1d-gru-6.49' ? size.stepConvGru : size.step;
}

/** The preset's graph with its input set to this size's window (timesteps = ceil(lookback / step)). */
export function compareGraph(size: CompareSize, model: CompareModelId): BuilderGraph {
  const preset = getPreset(model);
  if (!preset) throw new Error(`no preset ${model}`);
  const graph = structuredClone(preset.graph);
  const timesteps = Math.ceil(size.lookback / compareStep(size, model));
  for (const node of graph.nodes) {
    if (getBlock(node.block)?.kind === 'input') node.params = { ...node.params, timesteps, features: 14 };
  }
  return { ...graph, name: `compare_${model.replace(/[^a-z0-9]/g, '_')}` };
}

/** The normal forecasting experiment of one row (recorded as a run of the project like any other). */
export function compareExperiment(sizeName: CompareSizeName, model: CompareModelId): Experiment {
  const size = COMPARE_SIZES[sizeName];
  return {
    version: 1,
    name: `compare-${model}`,
    dataset: { kind: 'builtin', id: 'synthetic-jena', options: { rows: size.rows, seed: COMPARE_DATA_SEED } },
    windowing: { lookback: size.lookback, step: compareStep(size, model), delay: size.delay, batchSize: size.batchSize, targetColumn: COMPARE_TARGET_COLUMN },
    model: ModelSpecSchema.parse(toKerasSpec(withLayerNames(compareGraph(size, model)))),
    training: {
      optimizer: 'rmsprop', learningRate: 0.001, loss: 'mae',
      epochs: size.epochsFor?.[model] ?? size.epochs, stepsPerEpoch: size.stepsPerEpoch,
      validationSteps: size.validationSteps, testSteps: size.testSteps, seed: COMPARE_TRAIN_SEED,
    },
  };
}

/**
 * How many timesteps the first recurrent layer (a wrapped one included) reads, from the shape
 * rules: 6.49's GRU sees the window after its convolutions and pooling; null without one.
 */
export function recurrentSteps(graph: BuilderGraph): number | null {
  const report = inferShapes(graph);
  for (const id of report.order) {
    const node = graph.nodes.find((n) => n.id === id)!;
    const block = getBlock(node.block);
    const recurrent = block?.kind === 'recurrent' || (block?.kind === 'wrapper' && node.wrapped && getBlock(node.wrapped.block)?.kind === 'recurrent');
    if (!recurrent) continue;
    const source = graph.edges.find((e) => e.target === id)?.source;
    const info = source ? report.nodes[source] : undefined;
    if (!info?.outputShape || info.timeAxis === null) return null;
    const t = info.outputShape[info.timeAxis];
    return typeof t === 'number' ? t : null;
  }
  return null;
}
