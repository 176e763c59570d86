import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The run sheets (full day, half day) of the instructor guide, built from
 * docs/schedule.json and labs/labs.json. A lab's minutes live only in
 * labs.json: the schedule names the lab, never its length, so the two can
 * never disagree. Checks here are the rules a workable day follows (a lunch
 * in a full day, no two labs back to back, a slot for every demo, the
 * deploy segment).
 */
export const ROOT = path.resolve(__dirname, '../..');
export const SCHEDULE_FILE = 'docs/schedule.json';
export const LABS_FILE = 'labs/labs.json';

export type Block =
  | { readonly kind: 'talk' | 'deploy'; readonly title: string; readonly minutes: number; readonly project: string }
  | { readonly kind: 'break'; readonly title: string; readonly minutes: number }
  | { readonly kind: 'demo'; readonly demo: string; readonly minutes: number }
  | { readonly kind: 'lab'; readonly lab: number };

export interface Sheet {
  readonly id: string;
  readonly title: string;
  readonly start: string;
  readonly blocks: readonly Block[];
}

export interface Demo {
  readonly title: string;
  readonly how: string;
}

export interface Schedule {
  readonly demos: Readonly<Record<string, Demo>>;
  readonly sheets: readonly Sheet[];
}

export interface Lab {
  readonly id: number;
  readonly folder: string;
  readonly title: string;
  readonly minutes: number;
}

export class ScheduleError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`${SCHEDULE_FILE} has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ScheduleError';
  }
}

export function readSchedule(root = ROOT): Schedule {
  return JSON.parse(readFileSync(path.join(root, SCHEDULE_FILE), 'utf8')) as Schedule;
}

export function readLabs(root = ROOT): Lab[] {
  return (JSON.parse(readFileSync(path.join(root, LABS_FILE), 'utf8')) as { labs: Lab[] }).labs;
}

const KINDS = new Set(['talk', 'deploy', 'break', 'demo', 'lab']);
const isMinutes = (value: unknown) => Number.isInteger(value) && (value as number) > 0 && (value as number) <= 240;

/** Every problem with the schedule, each naming the sheet and block (an empty list: fine). */
export function scheduleProblems(schedule: Schedule, labs: readonly Lab[]): string[] {
  const problems: string[] = [];
  const demoIds = Object.keys(schedule.demos ?? {});
  for (const [id, demo] of Object.entries(schedule.demos ?? {})) {
    if (!demo.title || !demo.how) problems.push(`demos.${id} needs a title and a how`);
  }
  if (!schedule.sheets?.length) return [...problems, 'sheets must list at least one run sheet'];
  for (const sheet of schedule.sheets) {
    const where = (i: number) => `sheets.${sheet.id}.blocks[${i}]`;
    if (!/^\d{2}:\d{2}$/.test(sheet.start ?? '')) problems.push(`sheets.${sheet.id}.start must be HH:MM, got "${sheet.start}"`);
    const labsSeen: number[] = [];
    sheet.blocks.forEach((block, i) => {
      if (!KINDS.has(block.kind)) {
        problems.push(`${where(i)}.kind must be one of ${[...KINDS].join(', ')}, got "${block.kind}"`);
        return;
      }
      if (block.kind === 'lab') {
        if (!labs.some((lab) => lab.id === block.lab)) problems.push(`${where(i)}.lab ${block.lab} is not in ${LABS_FILE}`);
        if ('minutes' in block) problems.push(`${where(i)}: a lab's minutes come from ${LABS_FILE}; remove "minutes"`);
        if (sheet.blocks[i - 1]?.kind === 'lab') problems.push(`${where(i)}: two labs back to back; put a break, a demo or a talk between them`);
        labsSeen.push(block.lab);
        return;
      }
      if (!isMinutes(block.minutes)) problems.push(`${where(i)}.minutes must be a whole number from 1 to 240`);
      if (block.kind === 'demo' && !demoIds.includes(block.demo)) problems.push(`${where(i)}.demo "${block.demo}" is not one of ${demoIds.join(', ')}`);
      if ((block.kind === 'talk' || block.kind === 'deploy') && !block.project) problems.push(`${where(i)}.project must say what to project`);
      if ((block.kind === 'talk' || block.kind === 'deploy' || block.kind === 'break') && !block.title) problems.push(`${where(i)}.title is missing`);
    });
    for (const lab of labs) {
      const count = labsSeen.filter((id) => id === lab.id).length;
      if (count !== 1) problems.push(`sheets.${sheet.id} lists lab ${lab.id} ${count} times; every lab belongs in every sheet once`);
    }
    for (const demo of demoIds) {
      if (!sheet.blocks.some((b) => b.kind === 'demo' && b.demo === demo)) problems.push(`sheets.${sheet.id} has no slot for the demo "${demo}"`);
    }
    if (!sheet.blocks.some((b) => b.kind === 'deploy')) problems.push(`sheets.${sheet.id} has no deploy segment`);
    if (!sheet.blocks.some((b) => b.kind === 'break')) problems.push(`sheets.${sheet.id} has no break`);
    const total = sheet.blocks.reduce((sum, b) => sum + minutesOf(b, labs), 0);
    if (total > 6 * 60 && !sheet.blocks.some((b) => b.kind === 'break' && /lunch/i.test(b.title) && b.minutes >= 45)) {
      problems.push(`sheets.${sheet.id} runs ${total} minutes but has no lunch of 45 minutes or more`);
    }
  }
  return problems;
}

export function minutesOf(block: Block, labs: readonly Lab[]): number {
  return block.kind === 'lab' ? (labs.find((lab) => lab.id === block.lab)?.minutes ?? 0) : block.minutes;
}

export function loadCheckedSchedule(root = ROOT): { schedule: Schedule; labs: Lab[] } {
  const schedule = readSchedule(root);
  const labs = readLabs(root);
  const problems = scheduleProblems(schedule, labs);
  if (problems.length > 0) throw new ScheduleError(problems);
  return { schedule, labs };
}
