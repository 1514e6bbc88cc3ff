// The pure parts of `npm run bench` (main/bench): the median and spread over repeated runs,
// the GRU(32) FLOP count the peak share is computed from, option parsing (--repeat,
// --before-env, --lesson*), and the lesson's experiment (the book's listing, whole validation split).
import { describe, expect, it } from 'vitest';
import { gruForwardFlops } from '../../main/bench/flops';
import { lessonExperiment } from '../../main/bench/lesson';
import { LESSON_MODELS, parseArgs, parseEnvList } from '../../main/bench/options';
import { fmtSpread, median, percentile, spread } from '../../main/bench/stats';

describe('median and spread over runs', () => {
  it('takes the middle value, or the mean of the two middle ones, whatever the order', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
  });
  it('spreads the finite values only and says how many runs gave one', () => {
    expect(spread([12, undefined, 10, NaN, 15])).toEqual({ median: 12, min: 10, max: 15, n: 3 });
    expect(spread([undefined, Infinity])).toBeNull();
  });
  it('prints median (min–max), and the median alone for one run', () => {
    expect(fmtSpread({ median: 12.34, min: 11.5, max: 140, n: 3 })).toBe('12.3 (11.5–140)');
    expect(fmtSpread({ median: 12.34, min: 12.34, max: 12.34, n: 1 })).toBe('12.3');
    expect(fmtSpread(null)).toBe('–');
  });
  it('percentile by nearest rank: p95 of 1..100 is 95, p100 the largest', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([7], 50)).toBe(7);
  });
});

describe('GRU forward FLOPs', () => {
  it('counts the input projection, recurrent products, bias and gates per sample and step', () => {
    // I=2, U=3: 2·2·9 (x·W) + 2·3·9 (h·U) + 9 (bias) + 30 (gates) = 36 + 54 + 9 + 30
    expect(gruForwardFlops({ B: 1, T: 1, I: 2, U: 3 })).toBe(129);
    // linear in batch and steps
    expect(gruForwardFlops({ B: 4, T: 5, I: 2, U: 3 })).toBe(129 * 20);
  });
});

describe('bench options', () => {
  it('defaults to 3 runs, no before row, the peak on and the lesson off', () => {
    const o = parseArgs([]);
    expect(o.repeat).toBe(3);
    expect(o.beforeEnv).toBeNull();
    expect(o.peak).toBe(true);
    expect(o.lesson).toBe(false);
    expect(o.lessonModels).toEqual([...LESSON_MODELS]);
  });
  it('--before-env keeps commas inside a value and starts a new variable at NAME=', () => {
    expect(parseEnvList('SEQLAB_FUSED_OFF=rnn-split,convlstm')).toEqual({ SEQLAB_FUSED_OFF: 'rnn-split,convlstm' });
    expect(parseEnvList('SEQLAB_FUSED_OFF=a,b,SEQLAB_THREADS=1')).toEqual({ SEQLAB_FUSED_OFF: 'a,b', SEQLAB_THREADS: '1' });
    expect(parseEnvList('SEQLAB_FUSED=0')).toEqual({ SEQLAB_FUSED: '0' });
    expect(parseArgs(['--before-env', 'SEQLAB_FUSED_OFF=convlstm', '--repeat', '5']).beforeEnv).toEqual({ SEQLAB_FUSED_OFF: 'convlstm' });
  });
  it('refuses what it cannot honour, saying which option', () => {
    expect(() => parseEnvList('rnn-split')).toThrow(/no VAR=/);
    expect(() => parseEnvList('1BAD=x')).toThrow(/not an environment variable name/);
    expect(() => parseArgs(['--repeat', '0'])).toThrow(/--repeat/);
    expect(() => parseArgs(['--repeat', '2.5'])).toThrow(/--repeat/);
    expect(() => parseArgs(['--repeat'])).toThrow(/needs a value/);
    expect(() => parseArgs(['--lesson-models', 'gru'])).toThrow(/unknown listing gru/);
    expect(() => parseArgs(['--compare-fused', '--before-env', 'SEQLAB_FUSED=0'])).toThrow(/use one/);
    expect(() => parseArgs(['--models', 'nope'])).toThrow(/unknown model nope/);
    expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown option/);
    expect(() => parseArgs(['--ab-off', 'SEQLAB_FUSED=0'])).toThrow(/kernel switch names/);
    expect(() => parseArgs(['--ab-off', 'lazy-outputs', '--before-env', 'SEQLAB_FUSED=0'])).toThrow(/--ab-off compares inside each case/);
  });
  it('--ab-off takes the switch names SEQLAB_FUSED_OFF takes', () => {
    expect(parseArgs(['--ab-off', 'lazy-outputs, tile-grad-sum']).abOff).toBe('lazy-outputs,tile-grad-sum');
    expect(parseArgs([]).abOff).toBeNull();
  });
  it('--lesson with shortened epochs and steps for a quick try', () => {
    const o = parseArgs(['--lesson', '--lesson-epochs', '2', '--lesson-steps', '10', '--lesson-models', 'conv1d-6.47', '--no-ui']);
    expect([o.lesson, o.lessonEpochs, o.lessonSteps, o.lessonModels, o.ui]).toEqual([true, 2, 10, ['conv1d-6.47'], false]);
  });
});

describe('the lesson run', () => {
  it('is listing 6.49 as the book runs it: 20 x 500, batch 128, lookback 1440 at step 3, the whole validation split, full-size data', () => {
    const e = lessonExperiment('conv1d-gru-6.49', { lessonEpochs: null, lessonSteps: null });
    expect(e.training).toMatchObject({ epochs: 20, stepsPerEpoch: 500, validationSteps: 0, testSteps: 0, optimizer: 'rmsprop' });
    expect(e.windowing).toMatchObject({ lookback: 1440, step: 3, batchSize: 128 });
    expect(e.dataset).toMatchObject({ id: 'synthetic-jena', options: { rows: 420_551 } });
    const six47 = lessonExperiment('conv1d-6.47', { lessonEpochs: 2, lessonSteps: 7 });
    expect(six47.windowing.step).toBe(6);
    expect(six47.training).toMatchObject({ epochs: 2, stepsPerEpoch: 7, validationSteps: 0 });
  });
});
