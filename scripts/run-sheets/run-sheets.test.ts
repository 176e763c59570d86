import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderSheet } from './render';
import { GUIDE, runSheetProblems } from './run-sheets';
import { type Lab, LABS_FILE, ROOT, SCHEDULE_FILE, type Schedule, type Sheet, readLabs, readSchedule, scheduleProblems } from './schedule';

const labs: Lab[] = [
  { id: 1, folder: 'labs/01-a', title: 'A', minutes: 40 },
  { id: 2, folder: 'labs/02-b', title: 'B', minutes: 35 },
];
const demos = { decline: { title: 'Decline', how: 'order 6000' } };
const goodSheet: Sheet = {
  id: 'half',
  title: 'Half day',
  start: '09:00',
  blocks: [
    { kind: 'talk', title: 'Welcome', minutes: 15, project: 'the diagram' },
    { kind: 'lab', lab: 1 },
    { kind: 'break', title: 'Coffee', minutes: 10 },
    { kind: 'lab', lab: 2 },
    { kind: 'demo', demo: 'decline', minutes: 5 },
    { kind: 'deploy', title: 'Deploy', minutes: 10, project: 'the console' },
  ],
};
const withBlocks = (blocks: Sheet['blocks']): Schedule => ({ demos, sheets: [{ ...goodSheet, blocks }] });

describe('the run sheets (docs/schedule.json + labs/labs.json → docs/instructor-guide.md)', () => {
  it('the shipped schedule is workable and the guide shows exactly what it generates', () => {
    expect(scheduleProblems(readSchedule(), readLabs())).toEqual([]);
    expect(runSheetProblems()).toEqual([]);
  });

  it('accepts a sheet with every lab once, a break, every demo and the deploy segment', () => {
    expect(scheduleProblems(withBlocks(goodSheet.blocks), labs)).toEqual([]);
  });

  it('refuses labs back to back, a missing or repeated lab, and minutes for a lab', () => {
    const problems = scheduleProblems(
      withBlocks([goodSheet.blocks[0], { kind: 'lab', lab: 1 }, { kind: 'lab', lab: 1, minutes: 30 } as never, ...goodSheet.blocks.slice(4)]),
      labs,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/two labs back to back/),
        expect.stringMatching(/lab's minutes come from labs\/labs\.json/),
        expect.stringMatching(/lists lab 1 2 times/),
        expect.stringMatching(/lists lab 2 0 times/),
      ]),
    );
  });

  it('refuses an unknown demo, a demo without a slot, no deploy segment, no break, and a talk without what to project', () => {
    const problems = scheduleProblems(
      withBlocks([
        { kind: 'talk', title: 'Welcome', minutes: 15, project: '' },
        { kind: 'lab', lab: 1 },
        { kind: 'demo', demo: 'nope', minutes: 5 },
        { kind: 'lab', lab: 2 },
      ]),
      labs,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/project must say what to project/),
        expect.stringMatching(/demo "nope" is not one of decline/),
        expect.stringMatching(/no slot for the demo "decline"/),
        expect.stringMatching(/no deploy segment/),
        expect.stringMatching(/no break/),
      ]),
    );
  });

  it('a day longer than six hours needs a lunch', () => {
    const long = withBlocks([
      ...goodSheet.blocks,
      { kind: 'talk', title: 'More', minutes: 240, project: 'x' },
      { kind: 'break', title: 'Stretch', minutes: 10 },
      { kind: 'talk', title: 'Even more', minutes: 60, project: 'x' },
    ]);
    expect(scheduleProblems(long, labs)).toEqual([expect.stringMatching(/runs 425 minutes but has no lunch/)]);
  });

  it("renders clock times, each lab's minutes from labs.json and a Total that adds up", () => {
    const table = renderSheet(goodSheet, { demos, sheets: [goodSheet] }, labs);
    expect(table).toContain('### Agenda: half day (09:00 to 10:55)');
    expect(table).toContain('| 09:15 | [Lab 1: A](../labs/01-a/README.md) | 40 |');
    expect(table).toContain('| 10:05 | [Lab 2: B](../labs/02-b/README.md) | 35 |');
    expect(table).toContain('| **Total** | | 115 | |');
  });

  it('reports a guide that no longer matches labs.json, and says how to regenerate it', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sdp-run-sheets-'));
    try {
      for (const file of [SCHEDULE_FILE, LABS_FILE, GUIDE]) {
        mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        cpSync(path.join(ROOT, file), path.join(root, file));
      }
      const manifest = JSON.parse(readFileSync(path.join(root, LABS_FILE), 'utf8'));
      manifest.labs[0].minutes += 5;
      writeFileSync(path.join(root, LABS_FILE), JSON.stringify(manifest));
      expect(runSheetProblems(root)).toEqual([expect.stringMatching(/run sheets differ .* run npx tsx scripts\/run-sheets\/run-sheets\.ts --write/)]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
