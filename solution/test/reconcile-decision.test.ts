import { decideAction, executionNameFor, nextVisit } from '@app/lib/reconcile-decision';

/** The reconciler's choice for one open order past its bound: every case, without an engine. */
describe('what the reconciler does with an open order, by the state of its saga execution', () => {
  it.each([
    ['no execution exists (lost before it started)', { status: 'NONE' }, undefined, 'START'],
    ['the execution is still running', { status: 'RUNNING' }, undefined, 'LEAVE_RUNNING'],
    ['a re-drive is pending', { status: 'PENDING_REDRIVE' }, undefined, 'LEAVE_RUNNING'],
    ['the execution failed (first time seen)', { status: 'FAILED', error: 'States.Timeout' }, undefined, 'REDRIVE'],
    ['the execution was aborted', { status: 'ABORTED' }, undefined, 'REDRIVE'],
    ['the execution timed out', { status: 'TIMED_OUT' }, 'LEAVE_RUNNING', 'REDRIVE'],
    ['the execution failed again after a re-drive', { status: 'FAILED' }, 'REDRIVE', 'RESTART'],
    [
      'the saga ended in its NeedsAttention Fail state (a re-drive would only repeat it)',
      { status: 'FAILED', error: 'OrderNeedsAttention' },
      undefined,
      'RESTART',
    ],
    ['the execution succeeded yet the order is open', { status: 'SUCCEEDED' }, undefined, 'RESTART'],
  ] as const)('%s', (_, execution, lastReconcileAction, expected) => {
    expect(decideAction({ lastReconcileAction }, execution)).toBe(expected);
  });
});

describe('which execution the reconciler looks at', () => {
  it("is the relay's (named after the ORDER_CREATED event) until the reconciler starts fresh runs, then its latest", () => {
    expect(executionNameFor({ eventId: 'e-1' })).toBe('e-1');
    expect(executionNameFor({ eventId: 'e-1', sagaRestarts: 2 })).toBe('e-1-retry-2');
    expect(executionNameFor({ eventId: 'e-1', sagaRestarts: 2 }, 3)).toBe('e-1-retry-3');
  });
});

describe('back-off between visits', () => {
  it('doubles from the bound and is capped at six hours', () => {
    const now = new Date('2031-01-01T00:00:00Z');
    const minutesLater = (visit: number) => (nextVisit(now, visit, 300).getTime() - now.getTime()) / 60_000;
    expect([1, 2, 3, 4].map(minutesLater)).toEqual([5, 10, 20, 40]);
    expect(minutesLater(30)).toBe(360);
  });
});
