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
    expect(alreadyValidated(definition, undefined, dir)).toBe(false);
    rememberValidated(definition, undefined, dir);
    expect(alreadyValidated(definition, undefined, dir)).toBe(true);
  });

  it('are validated again after any change to the definition', () => {
    rememberValidated(definition, undefined, dir);
    const changed = { ...definition, States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } } };
    expect(definitionKey(changed)).not.toBe(definitionKey(definition));
    expect(alreadyValidated(changed, undefined, dir)).toBe(false);
  });

  it('are validated once for every stage: only the stage name differs between test files', () => {
    const forStage = (stage: string) => ({ StartAt: 'A', States: { A: { Type: 'Task', Resource: `arn:aws:lambda:us-east-1:000000000000:function:sdp-${stage}-reserve`, End: true } } });
    rememberValidated(forStage('t0abc1'), 't0abc1', dir);
    expect(alreadyValidated(forStage('t1xyz7'), 't1xyz7', dir)).toBe(true);
    expect(alreadyValidated({ ...forStage('t1xyz7'), TimeoutSeconds: 5 }, 't1xyz7', dir)).toBe(false);
  });
});
