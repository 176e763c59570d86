import type { SectionName } from './args';
import { type Summary, summarize } from './stats';

export type Unit = 's' | 'ms' | 'KB' | 'MB' | 'orders/s' | 'count' | 'ratio';

/** One measured quantity and every sample of it taken in this bench run. */
export interface Figure {
  readonly name: string;
  readonly unit: Unit;
  readonly samples: readonly number[];
}

/** What one section produced: its figures, and why it stopped if it failed (figures taken before the failure are kept). */
export interface SectionOutcome {
  readonly section: SectionName;
  readonly figures: readonly Figure[];
  readonly seconds: number;
  readonly error?: string;
}

/**
 * Collects samples by figure name, in the order figures first appear, so a
 * section that measures "the same thing" in each of its runs just adds to it.
 */
export class FigureSet {
  private readonly byName = new Map<string, { unit: Unit; samples: number[] }>();

  add(name: string, unit: Unit, value: number): void {
    if (!Number.isFinite(value)) throw new RangeError(`${name}: ${value} is not a measurement`);
    const figure = this.byName.get(name) ?? { unit, samples: [] };
    if (figure.unit !== unit) throw new Error(`${name} was measured in ${figure.unit}, not ${unit}`);
    figure.samples.push(value);
    this.byName.set(name, figure);
  }

  list(): Figure[] {
    return [...this.byName].map(([name, { unit, samples }]) => ({ name, unit, samples: [...samples] }));
  }
}

export const summaryOf = (figure: Figure): Summary => summarize(figure.samples);

/** The name both the API and the ceiling use for a rate, so the two can be put side by side. */
export const rateName = (concurrency: number) => `orders/s at concurrency ${concurrency}`;

/**
 * How many times faster DynamoDB Local alone writes the same transaction than
 * the whole local cloud takes an order: the overhead of our API, handlers
 * and sagas as a ratio. A ratio of medians: the two are measured in separate
 * runs, so no sample of one belongs with a sample of the other.
 */
export function overheadRatios(throughput: readonly Figure[], ceiling: readonly Figure[]): Figure[] {
  return ceiling.flatMap((limit) => {
    const api = throughput.find((figure) => figure.name === limit.name && figure.unit === 'orders/s');
    if (!api || limit.unit !== 'orders/s' || api.samples.length === 0 || limit.samples.length === 0) return [];
    const concurrency = /(\d+)$/.exec(limit.name)?.[1];
    return [{ name: `ceiling ÷ API at concurrency ${concurrency}`, unit: 'ratio' as const, samples: [summaryOf(limit).median / summaryOf(api).median] }];
  });
}
