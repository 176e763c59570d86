import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alreadyValidated, definitionKey, rememberValidated } from './validated-definitions';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'asl-validated-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const definition = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };

describe('validated state machine definitions', () => {
  it('are validated the first time and remembered after', () => {
    expect(alreadyValidated(definition, dir)).toBe(false);
    rememberValidated(definition, dir);
    expect(alreadyValidated(definition, dir)).toBe(true);
  });

  it('are validated again after any change to the definition', () => {
    rememberValidated(definition, dir);
    const changed = { ...definition, States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } } };
    expect(definitionKey(changed)).not.toBe(definitionKey(definition));
    expect(alreadyValidated(changed, dir)).toBe(false);
  });
});
