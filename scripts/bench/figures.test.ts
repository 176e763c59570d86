import { FigureSet, overheadRatios, rateName } from './figures';
import { cpuModel, timestampName } from './results';
import { alignColumns, formatValue, renderMarkdownTable, renderTable } from './table';

describe('bench figures, table and report names', () => {
  it('collects the samples of one figure across runs, in first-seen order', () => {
    const set = new FigureSet();
    set.add('starter', 's', 2.5);
    set.add('done', 's', 3.1);
    set.add('starter', 's', 2.2);
    expect(set.list()).toEqual([
      { name: 'starter', unit: 's', samples: [2.5, 2.2] },
      { name: 'done', unit: 's', samples: [3.1] },
    ]);
  });

  it('refuses a sample that is not a number or changes unit', () => {
    const set = new FigureSet();
    expect(() => set.add('x', 's', Number.NaN)).toThrow(/not a measurement/);
    set.add('x', 's', 1);
    expect(() => set.add('x', 'ms', 1)).toThrow(/measured in s, not ms/);
  });

  it('gives the ceiling as a ratio of medians, per concurrency both measured', () => {
    const api = [{ name: rateName(32), unit: 'orders/s' as const, samples: [100, 120, 110] }];
    const ceiling = [
      { name: rateName(32), unit: 'orders/s' as const, samples: [400, 480] },
      { name: rateName(8), unit: 'orders/s' as const, samples: [300] },
    ];
    expect(overheadRatios(api, ceiling)).toEqual([{ name: 'ceiling ÷ API at concurrency 32', unit: 'ratio', samples: [4] }]);
  });

  it('formats each unit with the precision that matters', () => {
    expect(formatValue(2.345, 's')).toBe('2.35 s');
    expect(formatValue(123.4, 'ms')).toBe('123 ms');
    expect(formatValue(4.56, 'ms')).toBe('4.6 ms');
    expect(formatValue(12.34, 'KB')).toBe('12.3 KB');
    expect(formatValue(151.7, 'orders/s')).toBe('152 orders/s');
    expect(formatValue(3.04, 'ratio')).toBe('3.0×');
    expect(formatValue(0, 'count')).toBe('0');
  });

  it('pads columns and right-aligns numbers', () => {
    expect(
      alignColumns(
        [
          ['a', 'n'],
          ['long', '1'],
          ['b', '123'],
        ],
        [1],
      ),
    ).toBe('a       n\n----  ---\nlong    1\nb     123');
  });

  it('shows median, min, max and runs, and says why a section failed', () => {
    const table = renderTable([
      { section: 'package', seconds: 5, figures: [{ name: 'npm run package', unit: 's', samples: [3.5, 3.1, 4.2] }] },
      { section: 'start', seconds: 1, figures: [], error: 'Java missing\nmore detail' },
    ]);
    expect(table).toContain('npm run package  3.50 s  3.10 s  4.20 s     3');
    expect(table).toMatch(/^FAILED start: Java missing$/m);
    expect(table).not.toContain('more detail');
  });

  it('gives a Markdown table for the docs, failures included', () => {
    const markdown = renderMarkdownTable([
      { section: 'start', seconds: 9, figures: [{ name: 'ready, in memory', unit: 's', samples: [4, 5] }] },
      { section: 'ceiling', seconds: 1, figures: [], error: 'a | b' },
    ]);
    expect(markdown.split('\n')).toEqual([
      '| Section | Figure | Median | Min | Max | Runs |',
      '| --- | --- | ---: | ---: | ---: | ---: |',
      '| start | ready, in memory | 4.50 s | 4.00 s | 5.00 s | 2 |',
      '| ceiling | FAILED: a \\| b | | | | |',
    ]);
  });

  it('adds the change against a reference run as a last column', () => {
    const table = renderTable([{ section: 'package', seconds: 5, figures: [{ name: 'npm run package', unit: 's', samples: [5] }] }], ['+25%']);
    expect(table.split('\n')[0]).toMatch(/Runs {2}vs reference$/);
    expect(table.split('\n')[2]).toMatch(/ 1 +\+25%$/);
  });

  it('reads the CPU model from /proc/cpuinfo', () => {
    expect(cpuModel('processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Processor\nflags: x', 'other')).toBe('Intel(R) Xeon(R) Processor');
    expect(cpuModel(undefined, 'Apple M2')).toBe('Apple M2');
  });

  it('names result files by time, sortably and without colons', () => {
    expect(timestampName(new Date('2026-11-27T15:04:05.123Z'))).toBe('2026-11-27T15-04-05Z.json');
  });
});
