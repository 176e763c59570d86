import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileExecutionStore } from '../local-cloud/execution-store';
import { LocalLambdaRuntime } from '../local-cloud/lambda-runtime';
import { executionArn, stateMachineArn } from '../local-cloud/local-arns';
import { loadServiceConfig } from '../local-cloud/serverless-config';
import { type HistoryEvent, LocalStepFunctions } from '../local-cloud/step-functions';
import { ExecutionViews, stateRuns, verdictOf } from './executions';

/**
 * How an execution's history becomes the dashboard's per-state view. The
 * browser tests show it on the real saga; these cases pin the folding rules
 * on hand-written histories in the shape GetExecutionHistory returns.
 */
let id = 0;
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms));
const event = (ms: number, type: string, details: Record<string, unknown> = {}): HistoryEvent => ({
  id: ++id,
  previousEventId: id - 1,
  timestamp: at(ms),
  type,
  ...details,
});
const entered = (ms: number, name: string, input = '{}', type = 'Task') => event(ms, `${type}StateEntered`, { stateEnteredEventDetails: { name, input } });
const exited = (ms: number, name: string, output = '{}', type = 'Task') => event(ms, `${type}StateExited`, { stateExitedEventDetails: { name, output } });

describe('execution history as state runs', () => {
  it('gives each state its input, output and duration', () => {
    const runs = stateRuns([
      event(0, 'ExecutionStarted'),
      entered(0, 'ReserveInventory', '{"orderId":"o1"}'),
      exited(40, 'ReserveInventory', '{"reserved":true}'),
    ]);
    expect(runs).toEqual([
      {
        name: 'ReserveInventory',
        type: 'Task',
        status: 'succeeded',
        retries: 0,
        input: '{"orderId":"o1"}',
        output: '{"reserved":true}',
        enteredAt: at(0).toISOString(),
        durationMs: 40,
      },
    ]);
  });

  it('counts retries and keeps the last error, and a state still running after a retry is running', () => {
    const failed = (ms: number) =>
      event(ms, 'TaskFailed', {
        taskFailedEventDetails: {
          resource: 'ProcessPayment',
          error: 'TransientError',
          cause: '{"errorType":"TransientError","errorMessage":"Injected fault"}',
        },
      });
    const retried = (ms: number, attempt: number) => event(ms, 'TaskStateRetried', { stateRetriedEventDetails: { name: 'ProcessPayment', attempt } });
    const runs = stateRuns([entered(0, 'ProcessPayment'), failed(5), retried(6, 1), failed(10), retried(11, 2)]);
    expect(runs[0]).toMatchObject({ status: 'running', retries: 2, error: 'TransientError', cause: 'Injected fault' });
  });

  it('marks a caught business error as the start of the compensation, and a Fail state as failed', () => {
    const runs = stateRuns([
      entered(0, 'ReserveInventory'),
      event(3, 'TaskFailed', {
        taskFailedEventDetails: {
          resource: 'ReserveInventory',
          error: 'OutOfStock',
          cause: '{"errorType":"OutOfStock","errorMessage":"sold-out-item: 0 left"}',
        },
      }),
      event(4, 'TaskStateCaught', { stateCaughtEventDetails: { name: 'ReserveInventory', next: 'BeginCompensation' } }),
      entered(5, 'BeginCompensation'),
      exited(9, 'BeginCompensation'),
      entered(10, 'NeedsAttention', '{}', 'Fail'),
      event(11, 'ExecutionFailed', { executionFailedEventDetails: { error: 'OrderNeedsAttention', cause: 'a step ran out of retries' } }),
    ]);
    expect(runs.map((run) => [run.name, run.status, run.error])).toEqual([
      ['ReserveInventory', 'caught', 'OutOfStock'],
      ['BeginCompensation', 'succeeded', undefined],
      ['NeedsAttention', 'failed', 'OrderNeedsAttention'],
    ]);
    expect(runs[0].cause).toBe('sold-out-item: 0 left');
  });
});

describe('what an execution end means for the order', () => {
  it('tells a business failure (succeeded, outcome FAILED) from a replay, a completion and an execution that needs a person', () => {
    expect(verdictOf('SUCCEEDED', { status: 'FAILED', reason: 'OutOfStock' }, undefined)).toBe('business-failure');
    expect(verdictOf('SUCCEEDED', { status: 'ALREADY_FINISHED' }, undefined)).toBe('already-finished');
    expect(verdictOf('SUCCEEDED', { status: 'COMPLETED' }, undefined)).toBe('completed');
    expect(verdictOf('FAILED', undefined, 'OrderNeedsAttention')).toBe('needs-attention');
    expect(verdictOf('FAILED', undefined, 'States.Runtime')).toBe('failed');
    expect(verdictOf('RUNNING', undefined, undefined)).toBe('running');
    expect(verdictOf('ABORTED', undefined, undefined)).toBe('stopped');
  });
});

describe('executions kept on disk (--persist)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sdp-dashboard-executions-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('shows, after a restart, the graph of an execution that finished before it', () => {
    const config = loadServiceConfig();
    const machine = stateMachineArn(config, config.stateMachines[0].name);
    const arn = executionArn(config, config.stateMachines[0].name, 'event-1');
    const before = new FileExecutionStore(dir);
    before.put({
      executionArn: arn,
      stateMachineArn: machine,
      name: 'event-1',
      input: '{"orderId":"order-1"}',
      startDate: at(0).toISOString(),
      status: 'SUCCEEDED',
      stopDate: at(30).toISOString(),
      output: '{"orderId":"order-1","outcome":{"status":"FAILED","reason":"OutOfStock"}}',
      redriveCount: 0,
    });
    for (const stored of [
      entered(0, 'ReserveInventory'),
      exited(10, 'ReserveInventory'),
      entered(11, 'OrderFailed', '{}', 'Pass'),
      exited(12, 'OrderFailed', '{}', 'Pass'),
    ]) {
      before.appendHistory(arn, { ...stored, timestamp: stored.timestamp.getTime() });
    }

    // A new process on the same folder, as npm start -- --persist after a stop.
    const restarted = new LocalStepFunctions(config, new LocalLambdaRuntime(config), { store: new FileExecutionStore(dir) });
    const views = new ExecutionViews(restarted);
    const [view] = views.newest([machine], 50);
    expect(view).toMatchObject({ name: 'event-1', orderId: 'order-1', verdict: 'business-failure', outcome: { status: 'FAILED', reason: 'OutOfStock' } });
    expect(view.states.map((run) => [run.name, run.status])).toEqual([
      ['ReserveInventory', 'succeeded'],
      ['OrderFailed', 'succeeded'],
    ]);
    // A finished execution is read once, not on every update.
    expect(views.newest([machine], 50)[0]).toBe(view);
  });
});
