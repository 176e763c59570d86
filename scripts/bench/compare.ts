import { readFileSync } from 'node:fs';
import { UsageError } from '../cli-args';
import { type SectionOutcome, summaryOf } from './figures';

/** Medians of an earlier run, by "section / figure": what --compare puts beside this run's. */
export type Reference = ReadonlyMap<string, number>;

const keyOf = (section: string, figure: string) => `${section} / ${figure}`;

/** Reads a JSON report written by an earlier `npm run bench` (e.g. docs/benchmarks-reference.json). */
export function parseReference(json: unknown, source: string): Reference {
  const sections = (json as { sections?: unknown })?.sections;
  if (!Array.isArray(sections)) throw new UsageError(`--compare ${source}: not a bench report (no "sections" array)`);
  const medians = new Map<string, number>();
  for (const section of sections) {
    for (const figure of Array.isArray(section?.figures) ? section.figures : []) {
      if (typeof section.section === 'string' && typeof figure?.name === 'string' && typeof figure?.median === 'number') {
        medians.set(keyOf(section.section, figure.name), figure.median);
      }
    }
  }
  return medians;
}

export function readReference(file: string): Reference {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--compare ${file}: cannot be read (${(error as Error).message})`);
  }
  try {
    return parseReference(JSON.parse(text), file);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--compare ${file}: not JSON (${(error as Error).message})`);
  }
}

/** "+12%" when this run's median is 12% higher than the reference's, "new" when the reference lacks the figure. */
export function changeFrom(reference: Reference, section: string, figure: string, median: number): string {
  const before = reference.get(keyOf(section, figure));
  if (before === undefined) return 'new';
  if (before === 0) return median === 0 ? '±0%' : 'was 0';
  const percent = Math.round(((median - before) / Math.abs(before)) * 100);
  return percent === 0 ? '±0%' : `${percent > 0 ? '+' : ''}${percent}%`;
}

/** The comparison column for each figure row, in table order. */
export function changesFor(outcomes: readonly SectionOutcome[], reference: Reference): string[] {
  return outcomes.flatMap((outcome) =>
    outcome.figures.filter((f) => f.samples.length > 0).map((figure) => changeFrom(reference, outcome.section, figure.name, summaryOf(figure).median)),
  );
}
