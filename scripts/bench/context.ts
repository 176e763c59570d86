import path from 'node:path';
import type { FigureSet } from './figures';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** What every section gets: how hard to measure, and where to say what it is doing. */
export interface BenchContext {
  readonly quick: boolean;
  /** Counted runs per figure (warm-ups come on top and are not counted). */
  readonly runs: number;
  /** True when the section was named in --only: --quick then runs it anyway. */
  readonly chosen: boolean;
  readonly root: string;
  progress(message: string): void;
}

/** A section measures into `figures`; it throws to say it failed (figures it added before that are kept). */
export type Section = (context: BenchContext, figures: FigureSet) => Promise<void>;

/** A section that decided not to run, and says why (e.g. --quick skips npm test). */
export class SectionSkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SectionSkipped';
  }
}

export const secondsSince = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;
