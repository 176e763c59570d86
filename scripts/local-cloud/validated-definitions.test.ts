import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadServiceConfig } from './serverless-config';
import { compileStateMachine } from './state-machine';
import { alreadyValidated, definitionKey, rememberValidated } from './validated-definitions';

// Counts the validator's runs; the real validator still does the work (a spy, not a mock of behaviour).
jest.mock('asl-validator', () => {
  const real = jest.requireActual('asl-validator');
  // aws-local-stepfunctions calls the module itself (CommonJS default).
  return jest.fn((...args: unknown[]) => (real.default ?? real)(...args));
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validator = require('asl-validator') as jest.Mock;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'asl-validated-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const definition = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };

describe('validated state machine definitions', () => {
  it('are validated the first time and remembered after', () => {
    expect(alreadyValidated(definitionKey(definition), dir)).toBe(false);
    rememberValidated(definitionKey(definition), dir);
    expect(alreadyValidated(definitionKey(definition), dir)).toBe(true);
  });

  it('are recognised by the key of the definition as given, before aws-local-stepfunctions adds to it', () => {
    const config = loadServiceConfig({ stage: 'keytest1' });
    const first = compileStateMachine(config, config.stateMachines[0]);
    const validations = validator.mock.calls.length;
    const again = loadServiceConfig({ stage: 'keytest2' });
    const second = compileStateMachine(again, again.stateMachines[0]);
    expect(second.taskFunctions).toEqual(first.taskFunctions);
    expect(validator.mock.calls.length).toBe(validations); // remembered: not validated again
  });

  it('are validated again after any change to the definition', () => {
    rememberValidated(definitionKey(definition), dir);
    const changed = { ...definition, States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } } };
    expect(definitionKey(changed)).not.toBe(definitionKey(definition));
    expect(alreadyValidated(definitionKey(changed), dir)).toBe(false);
  });

  it('are validated once for every stage: only the stage name differs between test files', () => {
    const forStage = (stage: string) => ({ StartAt: 'A', States: { A: { Type: 'Task', Resource: `arn:aws:lambda:us-east-1:000000000000:function:sdp-${stage}-reserve`, End: true } } });
    rememberValidated(definitionKey(forStage('t0abc1'), 't0abc1'), dir);
    expect(alreadyValidated(definitionKey(forStage('t1xyz7'), 't1xyz7'), dir)).toBe(true);
    expect(alreadyValidated(definitionKey({ ...forStage('t1xyz7'), TimeoutSeconds: 5 }, 't1xyz7'), dir)).toBe(false);
  });
});
