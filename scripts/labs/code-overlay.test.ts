import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SOLUTION_SRC, overlaySrc, resolveOverlay } from './code-overlay';
import { loadLabs } from './manifest';
import { makeStyle, renderLabReport } from './report';

/**
 * The labs' one resolution rule: a module under src/ is the lab's file when
 * the lab folder has it, else solution/src's. A temporary lab folder that
 * holds only lib/orders.ts stands in for a lab.
 */
describe('the labs resolution rule (lab file if present, else solution/src)', () => {
  let labFolder: string;
  let labSrc: string | undefined;
  const labOrders = () => path.join(labFolder, 'src', 'lib', 'orders.ts');

  beforeAll(() => {
    labFolder = mkdtempSync(path.join(os.tmpdir(), 'sdp-overlay-'));
    mkdirSync(path.join(labFolder, 'src', 'lib'), { recursive: true });
    writeFileSync(labOrders(), 'export {};\n');
    labSrc = overlaySrc(labFolder);
  });
  afterAll(() => rmSync(labFolder, { recursive: true, force: true }));

  it("sends a solution file's relative import to the lab's file when the lab has one", () => {
    expect(resolveOverlay('../lib/orders', path.join(SOLUTION_SRC, 'handlers', 'create-order.ts'), labSrc)).toBe(labOrders());
    expect(resolveOverlay('./orders', path.join(SOLUTION_SRC, 'lib', 'order-request.ts'), labSrc)).toBe(labOrders());
  });

  it("sends a lab file's relative import of a module the lab does not hold to solution/src", () => {
    expect(resolveOverlay('./config', labOrders(), labSrc)).toBe(path.join(SOLUTION_SRC, 'lib', 'config.ts'));
    expect(resolveOverlay('../handlers/create-order', labOrders(), labSrc)).toBe(path.join(SOLUTION_SRC, 'handlers', 'create-order.ts'));
  });

  it("resolves the tests' @app/ imports and absolute solution paths by the same rule", () => {
    expect(resolveOverlay('@app/lib/orders', '/anywhere/x.test.ts', labSrc)).toBe(labOrders());
    expect(resolveOverlay('@app/lib/money', '/anywhere/x.test.ts', labSrc)).toBe(path.join(SOLUTION_SRC, 'lib', 'money.ts'));
    expect(resolveOverlay(path.join(SOLUTION_SRC, 'lib', 'orders.ts'), '/anywhere/x.ts', labSrc)).toBe(labOrders());
  });

  it('leaves packages, files outside both src trees and the solution alone to the ordinary resolver', () => {
    expect(resolveOverlay('@aws-sdk/lib-dynamodb', labOrders(), labSrc)).toBeUndefined();
    expect(resolveOverlay('../../serverless.yml', path.join(SOLUTION_SRC, 'lib', 'config.ts'), labSrc)).toBeUndefined();
    expect(resolveOverlay('./poll', path.join(__dirname, 'x.ts'), labSrc)).toBeUndefined();
    expect(overlaySrc('solution')).toBeUndefined();
    expect(resolveOverlay('../lib/orders', path.join(SOLUTION_SRC, 'handlers', 'create-order.ts'), undefined)).toBe(
      path.join(SOLUTION_SRC, 'lib', 'orders.ts'),
    );
  });
});

describe('check:lab and carried files', () => {
  const [, lab2] = loadLabs();

  it("says which of the learner's earlier files are in use", () => {
    const text = renderLabReport({ lab: lab2, codeRoot: lab2.folder, requirements: [], hintsShown: 0, carried: ['src/lib/money.ts'] }, makeStyle(false));
    expect(text).toContain(`Your earlier labs' code in use: ${lab2.folder}/src/lib/money.ts`);
    expect(text).toContain(`Code: ${lab2.folder}/src over solution/src`);
  });
});
