import { UsageError } from '../cli-args';
import { changeFrom, parseReference } from './compare';

describe('comparing a bench run with an earlier one', () => {
  const reference = parseReference(
    {
      sections: [
        { section: 'package', figures: [{ name: 'npm run package', median: 4 }] },
        { section: 'throughput', figures: [{ name: 'failed POSTs at concurrency 1', median: 0 }] },
      ],
    },
    'ref.json',
  );

  it('gives the change of each median in percent', () => {
    expect(changeFrom(reference, 'package', 'npm run package', 5)).toBe('+25%');
    expect(changeFrom(reference, 'package', 'npm run package', 3)).toBe('-25%');
    expect(changeFrom(reference, 'package', 'npm run package', 4.01)).toBe('±0%');
  });

  it('says when a figure is new or its reference was zero', () => {
    expect(changeFrom(reference, 'package', 'zip new.zip', 10)).toBe('new');
    expect(changeFrom(reference, 'throughput', 'failed POSTs at concurrency 1', 0)).toBe('±0%');
    expect(changeFrom(reference, 'throughput', 'failed POSTs at concurrency 1', 3)).toBe('was 0');
  });

  it('refuses a file that is not a bench report, naming it', () => {
    expect(() => parseReference({ figures: [] }, 'other.json')).toThrow(UsageError);
    expect(() => parseReference([], 'other.json')).toThrow(/--compare other.json: not a bench report/);
  });
});
