/** The synthetic Jena generator and the windowing/splitting of tables. */
import { describe, expect, it } from 'vitest';
import type { Experiment } from '../../shared/experiment';
import { parseCsv } from '../../main/engine/data/csv';
import { formatJenaTime, generateJena, JENA_HEADER, jenaCsv, magnus } from '../../main/engine/data/jena';
import type { NumericTable } from '../../main/engine/data/table';
import { fillBatch, sampleRows, statistics, timesteps } from '../../main/engine/data/window';
import { naiveBaseline } from '../../main/engine/training/evaluate';
import { prepareData } from '../../main/engine/data/datasets';

describe('synthetic Jena generator', () => {
  const small = generateJena({ rows: 3000, seed: 9 });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateJena({ rows: 3000, seed: 9 }).table.data).toEqual(small.table.data);
    expect(generateJena({ rows: 3000, seed: 10 }).table.data).not.toEqual(small.table.data);
  });

  it('writes the exact header and timestamp format of the real file', () => {
    const text = jenaCsv(generateJena({ rows: 200, seed: 1 }));
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      '"Date Time","p (mbar)","T (degC)","Tpot (K)","Tdew (degC)","rh (%)","VPmax (mbar)","VPact (mbar)","VPdef (mbar)","sh (g/kg)","H2OC (mmol/mol)","rho (g/m**3)","wv (m/s)","max. wv (m/s)","wd (deg)"',
    );
    expect(lines[1]!.startsWith('01.01.2009 00:10:00,')).toBe(true);
    expect(lines[2]!.startsWith('01.01.2009 00:20:00,')).toBe(true);
    expect(lines[144]!.startsWith('02.01.2009 00:00:00,')).toBe(true);
    expect(lines[1]).toMatch(/^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d(,-?\d+\.\d\d){14}$/);
    expect(lines.length).toBe(202); // header + 200 rows + the empty string after the last LF
    expect(formatJenaTime(Date.UTC(2016, 11, 31, 23, 50))).toBe('31.12.2016 23:50:00');
  });

  it('keeps the physical couplings', () => {
    const { table } = small;
    const C = table.columns.length;
    const col = (name: string): number => table.columns.indexOf(name);
    const [p, T, Tpot, Tdew, rh, VPmax, VPact, VPdef, sh, H2OC, rho] = [
      'p (mbar)', 'T (degC)', 'Tpot (K)', 'Tdew (degC)', 'rh (%)', 'VPmax (mbar)', 'VPact (mbar)', 'VPdef (mbar)', 'sh (g/kg)', 'H2OC (mmol/mol)', 'rho (g/m**3)',
    ].map(col) as number[];
    for (let r = 0; r < table.rows; r += 7) {
      const v = (c: number): number => table.data[r * C + c]!;
      expect(Math.abs(v(VPdef!) - (v(VPmax!) - v(VPact!)))).toBeLessThan(0.011);
      expect(v(Tdew!)).toBeLessThanOrEqual(v(T!));
      expect(Math.abs(v(VPmax!) - magnus(v(T!)))).toBeLessThan(0.011);
      expect(Math.abs(v(VPact!) - (v(rh!) / 100) * v(VPmax!))).toBeLessThan(0.02);
      expect(Math.abs(v(H2OC!) - (1000 * v(VPact!)) / v(p!))).toBeLessThan(0.02);
      expect(Math.abs(v(sh!) - (622 * v(VPact!)) / (v(p!) - 0.378 * v(VPact!)))).toBeLessThan(0.02);
      expect(Math.abs(v(Tpot!) - (v(T!) + 273.15) * (1000 / v(p!)) ** 0.286)).toBeLessThan(0.02);
      expect(Math.abs(v(rho!) / ((v(p!) * 1e5) / (287.05 * (v(T!) + 273.15))) - 1)).toBeLessThan(0.01);
      expect(v(rh!)).toBeGreaterThan(0);
      expect(v(rh!)).toBeLessThanOrEqual(100);
    }
  });

  it('parses back from its CSV to the same numbers and times', () => {
    const d = generateJena({ rows: 2000, seed: 3, sensorErrors: 2 });
    const r = parseCsv(jenaCsv(d));
    expect(r.table.columns).toEqual(JENA_HEADER.slice(1));
    expect(r.table.data).toEqual(d.table.data);
    expect(r.timestamps).toEqual(d.timestamps);
    expect(r.columns[11]!.sentinel.count).toBe(2);
  });

  it('gives the naive 24 h baseline a normalised validation MAE near the real data (0.29)', async () => {
    for (const rows of [52_560, 420_551]) {
      const exp = {
        dataset: { kind: 'builtin', id: 'synthetic-jena', options: { rows } },
        windowing: { lookback: 1440, step: 6, delay: 144, batchSize: 128, targetColumn: 1 },
      } satisfies Pick<Experiment, 'dataset' | 'windowing'>;
      const data = prepareData(exp);
      const b = (await naiveBaseline(data, 'validation', 'mae', 4096))!;
      expect(b.baselineLoss!).toBeGreaterThan(0.2);
      expect(b.baselineLoss!).toBeLessThan(0.4);
      expect(b.baselineLossPhysical!).toBeGreaterThan(1.5);
      expect(b.baselineLossPhysical!).toBeLessThan(3.5);
      if (rows === 420_551) expect(data.splits).toEqual({ train: { start: 0, end: 200_000 }, validation: { start: 200_000, end: 300_000 }, test: { start: 300_000, end: 420_551 } });
    }
  });
});

describe('windowing', () => {
  // Row r holds [r, 100 + r]: every value names its row.
  const table: NumericTable = { columns: ['a', 'b'], rows: 30, data: Float32Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? i / 2 : 100 + (i - 1) / 2)) };
  const w = { lookback: 6, step: 2, delay: 3, targetColumn: 1 };

  it('counts samples and cuts the rows by hand arithmetic', () => {
    expect(timesteps(w)).toBe(3);
    // Split [0, 20): the first sample ends at row 6, the last at 20 - 1 - 3 = 16.
    expect(sampleRows(w, { start: 0, end: 20 })).toEqual({ first: 6, last: 16, count: 11 });
    expect(sampleRows(w, { start: 20, end: 30 })).toEqual({ first: 26, last: 26, count: 1 });
    expect(sampleRows(w, { start: 20, end: 29 }).count).toBe(0);
    const x = new Float32Array(2 * 3 * 2);
    const y = new Float32Array(2);
    const naive = new Float32Array(2);
    fillBatch(table, w, [6, 16], x, y, naive);
    // Sample ending at 6: rows 0, 2, 4; target row 9. Ending at 16: rows 10, 12, 14; target 19.
    expect(Array.from(x)).toEqual([0, 100, 2, 102, 4, 104, 10, 110, 12, 112, 14, 114]);
    expect(Array.from(y)).toEqual([109, 119]);
    expect(Array.from(naive)).toEqual([104, 114]);
    fillBatch(table, { ...w, inputColumns: [1] }, [7], x, y);
    expect(Array.from(x.subarray(0, 3))).toEqual([101, 103, 105]);
  });

  it('splits by explicit row counts and takes statistics from training rows only', () => {
    const exp = {
      dataset: { kind: 'builtin', id: 'starter-series', options: { rows: 300, seed: 1 } },
      windowing: { lookback: 12, step: 3, delay: 2, batchSize: 8, targetColumn: 0, splits: { train: 150, validation: 90 } },
    } satisfies Pick<Experiment, 'dataset' | 'windowing'>;
    const data = prepareData(exp);
    expect(data.splits).toEqual({ train: { start: 0, end: 150 }, validation: { start: 150, end: 240 }, test: { start: 240, end: 300 } });
    expect(data.source.count('train')).toBe(150 - 12 - 2);
    expect(data.source.count('validation')).toBe(90 - 12 - 2);
    expect(data.source.count('test')).toBe(60 - 12 - 2);
    const ds = data.dataset;
    if (ds.kind !== 'table') throw new Error('table expected');
    const before = statistics(ds.table, data.splits.train);
    expect(Array.from(data.stats!.mean)).toEqual(Array.from(before.mean));
    // Change a test row and a validation row: the statistics do not move.
    const changed = { ...ds, table: { ...ds.table, data: ds.table.data.slice() } };
    changed.table.data[260 * 3] = 1e6;
    changed.table.data[200 * 3 + 1] = -1e6;
    const again = prepareData(exp, changed);
    expect(Array.from(again.stats!.mean)).toEqual(Array.from(data.stats!.mean));
    expect(Array.from(again.stats!.std)).toEqual(Array.from(data.stats!.std));
    // Change a training row: they do.
    changed.table.data[10 * 3] = 1e6;
    expect(prepareData(exp, changed).stats!.mean[0]).not.toBe(data.stats!.mean[0]);
    // The normalised target converts back with the training std and mean.
    const src = data.source;
    const x = new Float32Array(src.timesteps * src.features);
    const y = new Float32Array(1);
    src.fill('test', [0], x, y);
    expect(y[0]! * src.targetScale + src.targetOffset).toBeCloseTo(ds.table.data[(240 + 12 + 2) * 3]!, 3);
  });
});
