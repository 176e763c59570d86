import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchArgs } from './args';
import { type SectionOutcome, summaryOf } from './figures';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly java: string;
  readonly platform: string;
  /** 1, 5 and 15 minute load averages: a busy machine explains slow figures. */
  readonly loadAverageAtStart: readonly number[];
}

/** The CPU model as /proc/cpuinfo names it ("model name"), or what Node reports elsewhere. */
export function cpuModel(cpuinfo: string | undefined, fallback: string): string {
  const match = cpuinfo ? /^model name\s*:\s*(.+)$/m.exec(cpuinfo) : null;
  return (match?.[1] ?? fallback).trim() || 'unknown';
}

export function describeMachine(): Machine {
  let cpuinfo: string | undefined;
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux: os.cpus() still names the model
  }
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return {
    cpu: cpuModel(cpuinfo, os.cpus()[0]?.model ?? ''),
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    java: java.stderr?.split('\n')[0]?.trim() || 'not found',
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function gitCommit(root: string): { commit: string; dirty: boolean } {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const status = spawnSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' });
  return { commit: head.stdout?.trim() || 'unknown', dirty: (status.stdout ?? '').trim() !== '' };
}

export interface BenchReport {
  readonly format: 'sdp-bench/1';
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly git: { commit: string; dirty: boolean };
  readonly machine: Machine;
  readonly loadAverageAtEnd: readonly number[];
  readonly options: { quick: boolean; runs: number; sections: readonly string[] };
  readonly sections: readonly unknown[];
}

/** The JSON document: every sample kept (so later tools can recompute), plus the summary the table shows. */
export function buildReport(
  args: BenchArgs,
  outcomes: readonly SectionOutcome[],
  machine: Machine,
  startedAt: Date,
  finishedAt: Date,
  root: string,
): BenchReport {
  return {
    format: 'sdp-bench/1',
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    git: gitCommit(root),
    machine,
    loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
    options: { quick: args.quick, runs: args.runs, sections: args.sections },
    sections: outcomes.map((outcome) => ({
      section: outcome.section,
      seconds: Math.round(outcome.seconds * 10) / 10,
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      figures: outcome.figures
        .filter((figure) => figure.samples.length > 0)
        .map((figure) => ({ name: figure.name, unit: figure.unit, ...summaryOf(figure), samples: figure.samples })),
    })),
  };
}

/** `2026-11-27T15:04:05.123Z` -> `2026-11-27T15-04-05Z`: sortable, and legal in every file system. */
export function timestampName(at: Date): string {
  return `${at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-')}.json`;
}

/** Writes <dir>/<timestamp>.json and <dir>/latest.json, and the Markdown table as <dir>/latest.md; returns the JSON paths. */
export function writeReport(report: BenchReport, markdownTable: string, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  const files = [path.join(dir, timestampName(new Date(report.startedAt))), path.join(dir, 'latest.json')];
  for (const file of files) writeFileSync(file, text);
  // A whole Markdown document, heading first: `npm run lint:md` lints every .md file, ignored ones included.
  const machine = `${report.machine.cpu}, ${report.machine.cores} cores, Node.js ${report.machine.node}`;
  writeFileSync(path.join(dir, 'latest.md'), `# Bench run of ${report.startedAt}\n\nOn ${machine}.\n\n${markdownTable}\n`);
  return files;
}
