import type { Experiment } from './experiment';

/** The shell's starter experiment: a small GRU forecasting the bundled starter series. */
export const STARTER_EXPERIMENT: Experiment = {
  version: 1,
  name: 'starter-gru',
  dataset: { kind: 'builtin', id: 'starter-series', options: { rows: 2000, seed: 7 } },
  windowing: { lookback: 24, step: 1, delay: 6, batchSize: 32, targetColumn: 0 },
  model: {
    class_name: 'Sequential',
    config: {
      name: 'starter_gru',
      layers: [
        {
          class_name: 'GRU',
          config: {
            name: 'gru',
            units: 8,
            batch_input_shape: [null, 24, 3],
            dtype: 'float32',
            activation: 'tanh',
            recurrent_activation: 'hard_sigmoid',
            return_sequences: false,
            reset_after: false,
          },
        },
        { class_name: 'Dense', config: { name: 'dense', units: 1 } },
      ],
    },
  },
  training: {
    optimizer: 'rmsprop',
    learningRate: 0.005,
    loss: 'mae',
    epochs: 6,
    stepsPerEpoch: 25,
    validationSteps: 10,
    seed: 42,
  },
};
