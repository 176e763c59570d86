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
  rmSync(path.join(REPO_ROOT, 'node_modules', '.cache', 'check-lab', `lab-1-${path.basename(folder)}.tsbuildinfo`), { force: true });
});

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
