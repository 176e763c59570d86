/**
 * The instructor guide's run sheets, generated and checked:
 *
 *   npx tsx scripts/run-sheets/run-sheets.ts           # exit 1 when the guide is out of date or the schedule is wrong
 *   npx tsx scripts/run-sheets/run-sheets.ts --write   # regenerate the section in docs/instructor-guide.md
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderRunSheets, spliceRunSheets } from './render';
import { ROOT, ScheduleError, loadCheckedSchedule } from './schedule';

export const GUIDE = 'docs/instructor-guide.md';

/** Problems with the run sheets in `root` (an empty list: the guide matches the schedule and labs.json). */
export function runSheetProblems(root = ROOT): string[] {
  try {
    const { schedule, labs } = loadCheckedSchedule(root);
    const file = path.join(root, GUIDE);
    const markdown = readFileSync(file, 'utf8');
    const expected = spliceRunSheets(markdown, renderRunSheets(schedule, labs), GUIDE);
    return expected === markdown
      ? []
      : [`${GUIDE}: the run sheets differ from docs/schedule.json and labs/labs.json; run npx tsx scripts/run-sheets/run-sheets.ts --write`];
  } catch (error) {
    return error instanceof ScheduleError ? [...error.problems] : [(error as Error).message];
  }
}

if (require.main === module) {
  if (process.argv.includes('--write')) {
    const { schedule, labs } = loadCheckedSchedule();
    const file = path.join(ROOT, GUIDE);
    writeFileSync(file, spliceRunSheets(readFileSync(file, 'utf8'), renderRunSheets(schedule, labs), GUIDE));
    console.log(`${GUIDE}: run sheets written.`);
  } else {
    const problems = runSheetProblems();
    for (const problem of problems) console.error(problem);
    if (problems.length === 0) console.log(`${GUIDE}: run sheets match docs/schedule.json and labs/labs.json.`);
    process.exit(problems.length > 0 ? 1 : 0);
  }
}
