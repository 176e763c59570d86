import type { HistoryEvent } from '../local-cloud/step-functions';
import { stateRuns } from './executions';

/**
 * How an execution's history becomes the dashboard's per-state view. The
 * browser tests show it on the real saga; these cases pin the folding rules
 * on hand-written histories in the shape GetExecutionHistory returns.
 */
let id = 0;
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms));
const event = (ms: number, type: string, details: Record<string, unknown> = {}): HistoryEvent => ({ id: ++id, previousEventId: id - 1, timestamp: at(ms), type, ...details });
const entered = (ms: number, name: string, input = '{}', type = 'Task') => event(ms, `${type}StateEntered`, { stateEnteredEventDetails: { name, input } });
const exited = (ms: number, name: string, output = '{}', type = 'Task') => event(ms, `${type}StateExited`, { stateExitedEventDetails: { name, output } });

describe('execution history as state runs', () => {
  it('gives each state its input, output and duration', () => {
    const runs = stateRuns([event(0, 'ExecutionStarted'), entered(0, 'ReserveInventory', '{"orderId":"o1"}'), exited(40, 'ReserveInventory', '{"reserved":true}')]);
    expect(runs).toEqual([
      { name: 'ReserveInventory', type: 'Task', status: 'succeeded', retries: 0, input: '{"orderId":"o1"}', output: '{"reserved":true}', enteredAt: at(0).toISOString(), durationMs: 40 },
    ]);
  });

  it('counts retries and keeps the last error, and a state still running after a retry is running', () => {
    const failed = (ms: number) => event(ms, 'TaskFailed', { taskFailedEventDetails: { resource: 'ProcessPayment', error: 'TransientError', cause: '{"errorType":"TransientError","errorMessage":"Injected fault"}' } });
    const retried = (ms: number, attempt: number) => event(ms, 'TaskStateRetried', { stateRetriedEventDetails: { name: 'ProcessPayment', attempt } });
    const runs = stateRuns([entered(0, 'ProcessPayment'), failed(5), retried(6, 1), failed(10), retried(11, 2)]);
    expect(runs[0]).toMatchObject({ status: 'running', retries: 2, error: 'TransientError', cause: 'Injected fault' });
  });

  it('marks a caught business error as the start of the compensation, and a Fail state as failed', () => {
    const runs = stateRuns([
      entered(0, 'ReserveInventory'),
      event(3, 'TaskFailed', { taskFailedEventDetails: { resource: 'ReserveInventory', error: 'OutOfStock', cause: '{"errorType":"OutOfStock","errorMessage":"sold-out-item: 0 left"}' } }),
      event(4, 'TaskStateCaught', { stateCaughtEventDetails: { name: 'ReserveInventory', next: 'BeginCompensation' } }),
      entered(5, 'BeginCompensation'),
      exited(9, 'BeginCompensation'),
      entered(10, 'OrderFailed', '{}', 'Fail'),
      event(11, 'ExecutionFailed', { executionFailedEventDetails: { error: 'OrderFailed', cause: 'compensated' } }),
    ]);
    expect(runs.map((run) => [run.name, run.status, run.error])).toEqual([
      ['ReserveInventory', 'caught', 'OutOfStock'],
      ['BeginCompensation', 'succeeded', undefined],
      ['OrderFailed', 'failed', 'OrderFailed'],
    ]);
    expect(runs[0].cause).toBe('sold-out-item: 0 left');
  });
});
