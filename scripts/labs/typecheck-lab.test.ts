import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, loadLabs } from './manifest';
import { parseTscOutput, typecheckLab } from './typecheck-lab';

/**
 * check:lab's type check, with the real compiler. A learner's lab is stood in
 * for by a folder two levels under the repository (as labs/<lab> is), so it
 * resolves through labs/tsconfig.lab.json exactly like a lab.
 */
const lab1 = loadLabs()[0];
let folder: string;

beforeAll(() => {
  // Two levels under the repository, as labs/<lab> is: labs/tsconfig.lab.json finds solution/ at ${configDir}/../../solution.
  folder = mkdtempSync(path.join(REPO_ROOT, 'node_modules', '.typecheck-lab-test-'));
});
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
  const cache = path.join(REPO_ROOT, 'node_modules', '.cache', 'check-lab');
  rmSync(path.join(cache, `lab-1-${path.basename(folder)}.tsbuildinfo`), { force: true });
  rmSync(path.join(cache, `tsconfig.lab-1-${path.basename(folder)}.build.json`), { force: true });
});

const MONEY = "export type Cents = number & { readonly __brand: 'Cents' };\nexport const fromCents = (cents: Cents): number => cents / 100;\n";
const toCents = (body: string) => `${MONEY}export function toCents(amount: number): Cents | undefined {\n  ${body}\n}\n`;

describe('the type check of the code check:lab checks', () => {
  it('finds nothing wrong with a lab starter or the solution', async () => {
    await expect(typecheckLab(lab1, lab1.folder)).resolves.toEqual([]);
    await expect(typecheckLab(lab1, 'solution')).resolves.toEqual([]);
  }, 60_000);

  it("reports a type error in the learner's file with its file, line and the compiler's message, in the lab's own resolution", async () => {
    const lab = folder;
    mkdirSync(path.join(lab, 'src', 'lib'), { recursive: true });
    writeFileSync(path.join(lab, 'tsconfig.json'), JSON.stringify({ extends: path.join(REPO_ROOT, 'labs', 'tsconfig.lab.json') }));
    // The learner's money.ts (it wins over solution/src/lib/money.ts) returns a string where Cents is due.
    writeFileSync(
      path.join(lab, 'src', 'lib', 'money.ts'),
      "export type Cents = number & { readonly __brand: 'Cents' };\nexport function toCents(amount: number): Cents | undefined {\n  return String(amount * 100);\n}\nexport const fromCents = (cents: Cents): number => cents / 100;\n",
    );
    const codeRoot = path.relative(REPO_ROOT, lab);

    const errors = await typecheckLab(lab1, codeRoot);

    expect(errors).toContainEqual(
      expect.objectContaining({
        file: `${codeRoot}/src/lib/money.ts`,
        line: 3,
        code: 'TS2322',
        message: expect.stringContaining("Type 'string' is not assignable"),
      }),
    );
  }, 60_000);

  it('never answers from an earlier check: each save is checked, also back to a state it had before', async () => {
    // The unchanged, clean program is not checked again (tsc -b); every edit must be.
    const lab = folder;
    mkdirSync(path.join(lab, 'src', 'lib'), { recursive: true });
    writeFileSync(path.join(lab, 'tsconfig.json'), JSON.stringify({ extends: path.join(REPO_ROOT, 'labs', 'tsconfig.lab.json') }));
    const money = path.join(lab, 'src', 'lib', 'money.ts');
    const codeRoot = path.relative(REPO_ROOT, lab);
    const broken = toCents('return String(amount * 100);');
    const fixed = toCents('return Math.round(amount * 100) as Cents;');
    const codes = async () => (await typecheckLab(lab1, codeRoot)).map((error) => `${error.file}:${error.line} ${error.code}`);

    writeFileSync(money, fixed);
    expect(await codes()).toEqual([]);
    expect(await codes()).toEqual([]);
    writeFileSync(money, broken);
    expect(await codes()).toEqual([`${codeRoot}/src/lib/money.ts:4 TS2322`]);
    expect(await codes()).toEqual([`${codeRoot}/src/lib/money.ts:4 TS2322`]);
    writeFileSync(money, fixed);
    expect(await codes()).toEqual([]);
    // A new file in the lab's src/ joins the program.
    writeFileSync(path.join(lab, 'src', 'lib', 'extra.ts'), 'export const extra: number = "not a number";\n');
    expect(await codes()).toEqual([`${codeRoot}/src/lib/extra.ts:1 TS2322`]);
  }, 60_000);

  it("reads tsc's plain output, joining a message's follow-up lines", () => {
    const output = [
      "labs/01-x/src/a.ts(3,5): error TS2322: Type 'string' is not assignable to type 'number'.",
      "labs/01-x/src/b.ts(10,1): error TS2345: Argument of type '{}' is not assignable to parameter of type 'Order'.",
      "  Property 'orderId' is missing in type '{}' but required in type 'Order'.",
    ].join('\n');

    expect(parseTscOutput(output)).toEqual([
      { file: 'labs/01-x/src/a.ts', line: 3, column: 5, code: 'TS2322', message: "Type 'string' is not assignable to type 'number'." },
      {
        file: 'labs/01-x/src/b.ts',
        line: 10,
        column: 1,
        code: 'TS2345',
        message:
          "Argument of type '{}' is not assignable to parameter of type 'Order'. Property 'orderId' is missing in type '{}' but required in type 'Order'.",
      },
    ]);
  });
});
