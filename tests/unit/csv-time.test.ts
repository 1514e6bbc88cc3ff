// How the importer reads time as public datasets write it (issue #17): ISO dates and date-times,
// the Jena form, 8-digit YYYYMMDD, a lone year column, year + month and year + quarter. The
// time column becomes the time index (shown, not a feature unless asked), and the sampling
// interval and its gaps are found in calendar units. Files made here for each form, plus four
// public-domain files shipped in tests/fixtures/public (see the README there).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../main/engine/data/csv';
import { samplingInterval, stepsAsDuration } from '../../shared/time';

const utc = (y: number, m: number, d = 1, h = 0, mi = 0): number => Date.UTC(y, m - 1, d, h, mi);
const lines = (header: string, rows: string[]): string => [header, ...rows].join('\n') + '\n';
const range = <T,>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

describe('time written as dates', () => {
  it('ISO dates, daily: the date column indexes time, interval 1 day', () => {
    const r = parseCsv(lines('date,value', range(60, (i) => `${new Date(utc(2020, 1, 1) + i * 86_400_000).toISOString().slice(0, 10)},${i}`)));
    expect(r.dateColumn).toMatchObject({ name: 'date', format: 'iso' });
    expect(r.table.columns).toEqual(['value']);
    expect(r.timestamps![59]).toBe(utc(2020, 2, 29));
    expect(samplingInterval(r.timestamps!)).toEqual({ unit: 'day', count: 1, gaps: 0, firstGapRow: null, irregular: 0 });
  });

  it('ISO date-times, hourly with two rows missing: 1 hour, one gap before the right row', () => {
    const hours = range(72, (i) => i).filter((i) => i !== 30 && i !== 31);
    const r = parseCsv(lines('time,load', hours.map((h) => `${new Date(utc(2021, 6, 1) + h * 3_600_000).toISOString().slice(0, 16)},${h}`)));
    expect(r.dateColumn?.format).toBe('iso');
    expect(samplingInterval(r.timestamps!)).toEqual({ unit: 'hour', count: 1, gaps: 1, firstGapRow: 30, irregular: 0 });
  });

  it('the Jena form dd.mm.yyyy HH:MM:SS: 10 minutes; 1440 steps are 10 days', () => {
    const r = parseCsv(lines('"Date Time","T (degC)"', range(50, (i) => {
      const t = new Date(utc(2009, 1, 1, 0, 10) + i * 600_000);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${p(t.getUTCDate())}.${p(t.getUTCMonth() + 1)}.${t.getUTCFullYear()} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:00,${i / 10}`;
    })));
    expect(r.dateColumn?.format).toBe('dd.mm.yyyy');
    const iv = samplingInterval(r.timestamps!)!;
    expect(iv).toMatchObject({ unit: 'minute', count: 10, gaps: 0 });
    expect(stepsAsDuration(1440, iv)).toEqual({ n: 10, unit: 'day' });
    expect(stepsAsDuration(6, iv)).toEqual({ n: 1, unit: 'hour' });
  });

  it('8-digit YYYYMMDD integers are dates, not a number feature (was: a column with mean 1.98e7)', () => {
    const r = parseCsv(lines('DATE,PRCP,TMAX', range(40, (i) => {
      const t = new Date(utc(2019, 12, 20) + i * 86_400_000);
      const ymd = `${t.getUTCFullYear()}${String(t.getUTCMonth() + 1).padStart(2, '0')}${String(t.getUTCDate()).padStart(2, '0')}`;
      return `${ymd},${(i % 7) / 10},${20 + (i % 5)}`;
    })));
    expect(r.dateColumn).toMatchObject({ name: 'DATE', format: 'yyyymmdd', columnNumber: 1 });
    expect(r.table.columns).toEqual(['PRCP', 'TMAX']);
    expect(r.timestamps![0]).toBe(utc(2019, 12, 20));
    expect(r.timestamps![12]).toBe(utc(2020, 1, 1));
    expect(samplingInterval(r.timestamps!)).toMatchObject({ unit: 'day', count: 1, gaps: 0 });
    // The same parse on the general path (every line through it) gives the same index.
    expect(Array.from(parseCsv(lines('DATE,PRCP', ['20200101,1', '20200102,2', '20200103,3']), { fastPath: false }).timestamps!)).toEqual([utc(2020, 1, 1), utc(2020, 1, 2), utc(2020, 1, 3)]);
  });

  it('8-digit numbers that are not dates stay numbers', () => {
    const r = parseCsv(lines('id,value', range(20, (i) => `${19_876_543 + i * 37},${i}`)));
    expect(r.dateColumn).toBeNull();
    expect(r.table.columns).toEqual(['id', 'value']);
  });
});

describe('time written as numbers', () => {
  it('a lone year column (year, YEAR, or four-digit years rising by one) is the time index, yearly', () => {
    for (const name of ['year', 'YEAR', 'Year', 'when']) {
      const r = parseCsv(lines(`${name},flow`, range(30, (i) => `${1871 + i},${1000 + i}`)));
      expect(r.dateColumn, name).toMatchObject({ name, format: 'year' });
      expect(r.table.columns, name).toEqual(['flow']);
      expect(r.excluded, name).toEqual([{ name, columnNumber: 1, reason: 'time', example: null }]);
      expect(r.timestamps![1]).toBe(utc(1872, 1));
      expect(samplingInterval(r.timestamps!)).toMatchObject({ unit: 'year', count: 1, gaps: 0 });
    }
  });

  it('asked to, the year stays a feature as well', () => {
    const r = parseCsv(lines('year,flow', range(10, (i) => `${2000 + i},${i}`)), { timeAsFeature: true });
    expect(r.dateColumn?.format).toBe('year');
    expect(r.table.columns).toEqual(['year', 'flow']);
  });

  it('year + month, and year + quarter, make one index; both columns leave the features', () => {
    const m = parseCsv(lines('Year,Month,sales', range(30, (i) => `${2001 + Math.floor(i / 12)},${(i % 12) + 1},${i}`)));
    expect(m.dateColumn).toMatchObject({ name: 'Year + Month', format: 'year-month' });
    expect(m.table.columns).toEqual(['sales']);
    expect(m.timestamps![13]).toBe(utc(2002, 2));
    expect(samplingInterval(m.timestamps!)).toMatchObject({ unit: 'month', count: 1, gaps: 0 });
    const q = parseCsv(lines('year,quarter,gdp', range(12, (i) => `${1990 + Math.floor(i / 4)},${(i % 4) + 1},${100 + i}`)));
    expect(q.dateColumn).toMatchObject({ format: 'year-quarter' });
    expect(q.table.columns).toEqual(['gdp']);
    expect(q.timestamps![5]).toBe(utc(1991, 4));
    const iv = samplingInterval(q.timestamps!)!;
    expect(iv).toMatchObject({ unit: 'quarter', count: 1 });
    expect(stepsAsDuration(8, iv)).toEqual({ n: 2, unit: 'year' });
  });

  it('numbers that only look like time stay features: small counts, or years that repeat without a month', () => {
    expect(parseCsv(lines('n,value', range(20, (i) => `${i + 1},${i}`))).dateColumn).toBeNull();
    const repeated = parseCsv(lines('year,value', range(20, (i) => `${2000 + Math.floor(i / 4)},${i}`)));
    expect(repeated.dateColumn).toBeNull();
    expect(repeated.table.columns).toEqual(['year', 'value']);
  });

  it('a header that names fewer columns than every row has is read, with a note', () => {
    const r = parseCsv(lines('Date,Average', range(20, (i) => `${2000 + i}-01,${i},0.1`)));
    expect(r.headerShort).toEqual({ line: 1, named: 2, found: 3 });
    expect(r.table.columns).toEqual(['Average', 'column 3']);
    expect(r.ragged.count).toBe(0);
  });
});

describe('public-domain time series (tests/fixtures/public)', () => {
  const read = (f: string) => parseCsv(readFileSync(`tests/fixtures/public/${f}`));

  it('US CPI (BLS, monthly ISO dates since 1913): 1 month, and the one month BLS did not publish shows as a gap', () => {
    const r = read('cpi-us-cpiai.csv');
    expect(r.dateColumn).toMatchObject({ name: 'Date', format: 'iso' });
    expect(r.table.columns).toEqual(['Index', 'Inflation']);
    expect(r.timestamps![0]).toBe(utc(1913, 1));
    const iv = samplingInterval(r.timestamps!)!;
    expect(iv).toMatchObject({ unit: 'month', count: 1, gaps: 1, irregular: 0 });
    // The row after the gap is two months after the one before it.
    const g = iv.firstGapRow!;
    expect(new Date(r.timestamps![g]!).getUTCMonth() - new Date(r.timestamps![g - 1]!).getUTCMonth()).toBe(2);
  });

  it('Mauna Loa CO2 annual means (NOAA GML): Year is the time index, yearly, no gaps', () => {
    const r = read('co2-annmean-mlo.csv');
    expect(r.dateColumn).toMatchObject({ name: 'Year', format: 'year' });
    expect(r.table.columns).toEqual(['Mean', 'Uncertainty']);
    expect(new Date(r.timestamps![0]!).getUTCFullYear()).toBe(1959);
    expect(samplingInterval(r.timestamps!)).toMatchObject({ unit: 'year', count: 1, gaps: 0 });
  });

  it('Mauna Loa CO2 growth rate (NOAA GML, a blank line after the header): yearly', () => {
    const r = read('co2-gr-mlo.csv');
    expect(r.dateColumn?.format).toBe('year');
    expect(r.table.columns).toEqual(['Annual Increase', 'Uncertainty']);
    expect(samplingInterval(r.timestamps!)).toMatchObject({ unit: 'year', gaps: 0 });
  });

  it('global monthly CO2 (NOAA GML, YYYY-MM dates, a header two names short): monthly, read with a note', () => {
    const r = read('co2-mm-gl.csv');
    expect(r.dateColumn).toMatchObject({ name: 'Date', format: 'iso' });
    expect(r.headerShort).toEqual({ line: 1, named: 4, found: 6 });
    expect(r.rows).toBeGreaterThan(500);
    expect(r.timestamps![0]).toBe(utc(1979, 1));
    expect(samplingInterval(r.timestamps!)).toMatchObject({ unit: 'month', count: 1, gaps: 0 });
  });
});

describe('a wide table (a row per year, a column per month) read as one monthly series', () => {
  const header = 'Year,Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec,J-D';
  const wide = lines(header, range(5, (y) => [1990 + y, ...range(12, (m) => y * 100 + m), 99].join(',')));

  it('finds the twelve month columns (short or long names) and none in an ordinary table', async () => {
    const { wideMonthColumns } = await import('../../main/engine/data/csv/wide');
    const r = parseCsv(wide);
    expect(r.dateColumn?.format).toBe('year');
    expect(wideMonthColumns(r)).toEqual(range(12, (m) => m));
    const long = parseCsv(lines('year,January,February,March,April,May,June,July,August,September,October,November,December', range(3, (y) => [2000 + y, ...range(12, (m) => m)].join(','))));
    expect(wideMonthColumns(long)).toHaveLength(12);
    expect(wideMonthColumns(parseCsv(lines('Year,Jan,Feb', range(4, (y) => `${2000 + y},1,2`))))).toBeNull();
  });

  it('reads the months in time order, one row each, with monthly timestamps; other columns (J-D) are left out', async () => {
    const { toLongMonths, wideMonthColumns } = await import('../../main/engine/data/csv/wide');
    const r = parseCsv(wide);
    const long = toLongMonths(r, wideMonthColumns(r)!);
    expect(long.rows).toBe(60);
    expect(long.table.columns).toEqual(['value']);
    expect(Array.from(long.table.data.subarray(10, 15))).toEqual([10, 11, 100, 101, 102]);
    expect(long.timestamps![12]).toBe(utc(1991, 1));
    expect(samplingInterval(long.timestamps!)).toEqual({ unit: 'month', count: 1, gaps: 0, firstGapRow: null, irregular: 0 });
    expect(long.columns[0]!.stats.max).toBe(411);
  });
});
