import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadLabs } from './labs/manifest';
import { npmScriptCommand } from './test-support/npm-script';

/**
 * `npm run check:lab` as a learner runs it: a separate process, its output
 * and exit status. The runs that test code reuse the DynamoDB Local this
 * jest run already started (SDP_DYNAMODB_ENDPOINT), so each takes seconds.
 */
const ROOT = path.resolve(__dirname, '..');
const CHECK_LAB = npmScriptCommand('check:lab');
const labs = loadLabs();
let progressDir: string;

beforeAll(() => {
  progressDir = mkdtempSync(path.join(os.tmpdir(), 'check-lab-test-'));
});
afterAll(() => {
  rmSync(progressDir, { recursive: true, force: true });
});

function checkLab(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, SDP_LAB_PROGRESS_FILE: path.join(progressDir, 'progress.json'), NO_COLOR: '1' };
  delete env.JEST_WORKER_ID; // the checker runs jest itself; it must not think it is a jest worker
  delete env.FORCE_COLOR;
  const result = spawnSync(CHECK_LAB.command, [...CHECK_LAB.args, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run check:lab', () => {
  it.each(['7', 'foo', '0'])('answers "check:lab %s" with the valid labs and exit status 2', (which) => {
    const { status, stderr, stdout } = checkLab(which);

    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`There is no lab "${which}".`);
    for (const lab of labs) expect(stderr).toContain(`${lab.title}`);
    for (const lab of labs) expect(stderr).toContain(`npm run check:lab ${lab.id}`);
    expect(stderr).toContain('npm run check:lab all');
  });

  it('asks which lab, with the list, when none is given', () => {
    const { status, stderr } = checkLab();

    expect(status).toBe(2);
    expect(stderr).toContain('Which lab?');
    expect(stderr).toContain(labs[0].title);
  });

  it('on a starter: lists the requirements, names the first unmet one and the file to edit, and exits 1', () => {
    const { status, stdout, stderr } = checkLab('1');

    expect(stderr).toBe('');
    expect(status).toBe(1);
    expect(stdout).toContain('Lab 1 · Transactional outbox');
    expect(stdout).toContain('✘ converts decimal prices to whole cents (1299.99 is 129999 cents, 0.1 is 10)');
    expect(stdout).toContain('Next requirement: converts decimal prices to whole cents (1299.99 is 129999 cents, 0.1 is 10)');
    expect(stdout).toMatch(/Edit {6}labs\/01-transactional-outbox\/src\/lib\/money\.ts:\d+/);
    expect(stdout).toContain('Not implemented: lab 1, step 1 — convert a decimal amount to whole cents');
    expect(stdout).toContain('✔ the code compiles: no type errors (tsc)'); // the starter compiles: the one requirement met
    expect(stdout).toMatch(/Progress {2}\[█*░+\] {2}1\/\d+ requirements met/); // no test met, however many the lab has
    expect(stdout).toContain('Why '); // what breaks in production when step 1 is wrong (labs.json)
    expect(stdout).toContain(labs[0].steps[0].why.split(' ').slice(0, 4).join(' '));
    expect(stdout).toContain('npm run check:lab 1 -- --hint shows hint 1 of 3');
    // Infrastructure noise stays out: no jest banner, no DynamoDB Local or SDK chatter.
    expect(stdout).not.toMatch(/PASS|FAIL|Test Suites:|NodeVersionSupportWarning|DynamoDB Local|Initializing/);
  });

  it('against the solution (instructors): meets every requirement, says the lab is complete, and exits 0', () => {
    const { status, stdout, stderr } = checkLab('2', '--', '--solution');

    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain('Lab 2 · Streams relay');
    expect(stdout).toContain('checked against solution/');
    expect(stdout).not.toContain('✘');
    expect(stdout).toMatch(/ (\d+)\/\1 requirements met/); // all met, however many the lab has
    expect(stdout).toContain('✔ Lab 2 complete.');
    expect(stdout).toContain('✔ the code compiles: no type errors (tsc)'); // solution/src type-checked with the lab's tests
  });

  it('shows the hints one at a time with --hint, remembering how many were shown', () => {
    const first = checkLab('3', '--hint');
    const second = checkLab('3', '--hint');

    expect(first.status).toBe(0);
    expect(first.stdout).toContain('hint 1 of 3');
    expect(first.stdout).toContain(labs[2].hints[0].split(' ').slice(0, 6).join(' '));
    expect(first.stdout).not.toContain(labs[2].hints[1].split(' ').slice(0, 6).join(' '));
    expect(second.stdout).toContain('hint 2 of 3');
    const progress = JSON.parse(readFileSync(path.join(progressDir, 'progress.json'), 'utf8'));
    expect(progress.labs['3'].hintsShown).toBe(2);
  });

  it('refuses options that do not go together, with status 2', () => {
    expect(checkLab('all', '--hint').status).toBe(2);
    expect(checkLab('1', '--bogus').status).toBe(2);
  });
});
