import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadServiceConfig } from './serverless-config';
import { compileStateMachine } from './state-machine';
import { definitionKey, recallValidated, rememberValidated } from './validated-definitions';

// Counts the validator's runs; the real validator still does the work (a spy, not a mock of behaviour).
jest.mock('asl-validator', () => {
  const real = jest.requireActual('asl-validator');
  // aws-local-stepfunctions calls the module itself (CommonJS default).
  return jest.fn((...args: unknown[]) => (real.default ?? real)(...args));
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validator = require('asl-validator') as jest.Mock;

/** What validation makes of a stage's definition, without the cache. */
function compileStateMachineValidated(config: ReturnType<typeof loadServiceConfig>): unknown {
  const { StateMachine } = jest.requireActual('aws-local-stepfunctions');
  const compiled = compileStateMachine(config, config.stateMachines[0]);
  const plain = JSON.parse(JSON.stringify(definitionOf(compiled.machine)));
  for (const state of Object.values<Record<string, unknown>>(plain.States)) delete state.QueryLanguage;
  return definitionOf(new StateMachine(plain));
}

const definitionOf = (machine: unknown) => (machine as { definition: unknown }).definition;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'asl-validated-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const definition = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };

describe('validated state machine definitions', () => {
  it('are validated the first time and remembered after', () => {
    expect(recallValidated(definitionKey(definition), undefined, dir)).toBeUndefined();
    rememberValidated(definitionKey(definition), definition, undefined, dir);
    expect(recallValidated(definitionKey(definition), undefined, dir)).toEqual(definition);
  });

  it('are recognised by the key of the definition as given, before aws-local-stepfunctions adds to it', () => {
    const config = loadServiceConfig({ stage: 'keytest1' });
    const first = compileStateMachine(config, config.stateMachines[0]);
    const validations = validator.mock.calls.length;
    const again = loadServiceConfig({ stage: 'keytest2' });
    const second = compileStateMachine(again, again.stateMachines[0]);
    expect(second.taskFunctions).toEqual(first.taskFunctions);
    expect(validator.mock.calls.length).toBe(validations); // remembered: not validated again
    // The very machine a validation builds: the validator's defaults included, for this stage.
    const validatedNow = loadServiceConfig({ stage: 'keytest2' });
    const fresh = compileStateMachineValidated(validatedNow);
    expect(definitionOf(second.machine)).toEqual(fresh);
  });

  it('are validated again after any change to the definition', () => {
    rememberValidated(definitionKey(definition), definition, undefined, dir);
    const changed = { ...definition, States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } } };
    expect(definitionKey(changed)).not.toBe(definitionKey(definition));
    expect(recallValidated(definitionKey(changed), undefined, dir)).toBeUndefined();
  });

  it('are validated once for every stage: only the stage name differs between test files', () => {
    const forStage = (stage: string) => ({
      StartAt: 'A',
      States: { A: { Type: 'Task', Resource: `arn:aws:lambda:us-east-1:000000000000:function:sdp-${stage}-reserve`, End: true } },
    });
    rememberValidated(definitionKey(forStage('t0abc1'), 't0abc1'), forStage('t0abc1'), 't0abc1', dir);
    // Recalled for the other stage, with that stage's names in it.
    expect(recallValidated(definitionKey(forStage('t1xyz7'), 't1xyz7'), 't1xyz7', dir)).toEqual(forStage('t1xyz7'));
    expect(recallValidated(definitionKey({ ...forStage('t1xyz7'), TimeoutSeconds: 5 }, 't1xyz7'), 't1xyz7', dir)).toBeUndefined();
  });
});
