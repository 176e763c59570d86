import { type Block, type Lab, type Schedule, type Sheet, minutesOf } from './schedule';

/**
 * Markdown for the run sheets, as they appear in docs/instructor-guide.md
 * between the run-sheets markers. The tables keep the "Minutes" column and
 * a Total row, so the docs check can verify each lab's minutes and the sum.
 */
export const START_MARKER = '<!-- run-sheets:start (generated: npx tsx scripts/run-sheets/run-sheets.ts --write) -->';
export const END_MARKER = '<!-- run-sheets:end -->';

function clock(start: string, offset: number): string {
  const [hours, minutes] = start.split(':').map(Number);
  const total = hours * 60 + minutes + offset;
  return `${String(Math.floor(total / 60) % 24).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

function row(block: Block, schedule: Schedule, labs: readonly Lab[]): [string, string] {
  switch (block.kind) {
    case 'lab': {
      const lab = labs.find((l) => l.id === block.lab) as Lab;
      return [`[Lab ${lab.id}: ${lab.title}](../${lab.folder}/README.md)`, `5 min failure story, then \`npm run check:lab ${lab.id} -- --watch\``];
    }
    case 'demo': {
      const demo = schedule.demos[block.demo];
      return [`Demo: ${demo.title} ([how](#demos))`, demo.how];
    }
    case 'break':
      return [`*${block.title}*`, ''];
    case 'deploy':
      return [`Deploy: ${block.title.replace(/^Deploy:?\s*/i, '')}`, block.project];
    case 'talk':
      return [block.title, block.project];
  }
}

export function renderSheet(sheet: Sheet, schedule: Schedule, labs: readonly Lab[]): string {
  const total = sheet.blocks.reduce((sum, b) => sum + minutesOf(b, labs), 0);
  const lines = [
    `### Agenda: ${sheet.title.toLowerCase()} (${sheet.start} to ${clock(sheet.start, total)})`,
    '',
    '| Start | Block | Minutes | On screen, or what to do |',
    '| --- | --- | --- | --- |',
  ];
  let offset = 0;
  for (const block of sheet.blocks) {
    const [title, note] = row(block, schedule, labs);
    const cells = [clock(sheet.start, offset), title, String(minutesOf(block, labs)), note];
    lines.push(`|${cells.map((cell) => (cell ? ` ${cell} ` : ' ')).join('|')}|`);
    offset += minutesOf(block, labs);
  }
  lines.push(`| **Total** | | ${total} | |`);
  return lines.join('\n');
}

export function renderRunSheets(schedule: Schedule, labs: readonly Lab[]): string {
  return [START_MARKER, '', ...schedule.sheets.map((sheet) => `${renderSheet(sheet, schedule, labs)}\n`), END_MARKER].join('\n');
}

export class MarkersMissingError extends Error {
  constructor(file: string) {
    super(`${file} has no run-sheets markers: add the two lines\n${START_MARKER}\n${END_MARKER}`);
    this.name = 'MarkersMissingError';
  }
}

/** The guide with its run-sheets section replaced by `rendered`. */
export function spliceRunSheets(markdown: string, rendered: string, file: string): string {
  const start = markdown.indexOf('<!-- run-sheets:start');
  const end = markdown.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new MarkersMissingError(file);
  return markdown.slice(0, start) + rendered + markdown.slice(end + END_MARKER.length);
}
