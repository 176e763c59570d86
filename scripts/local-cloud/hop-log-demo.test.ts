import type { HistoryEvent } from './history-events';
import { HopLog } from './hop-log';
import { LocalLambdaRuntime } from './lambda-runtime';
import { loadServiceConfig } from './serverless-config';
import { describePublished, describeUndo, splitRecordErrors } from './hop-log-details';
import { PROJECTOR_COLUMNS, wrap } from './hop-log-style';
import type { LocalExecution } from './step-functions';

/**
 * The hop log in a classroom: a projected screen must be readable from the
 * back row, say what a compensation undid, show why a broken event failed,
 * show the events put on the bus, and never hide that a demo setting is on.
 */
const ORDER = '2881ff0e-74dd-4996-850e-6513c1faf6f1';
const EXECUTION = '8521e0ca-5a1c-4f6e-9d0a-1b2c3d4e5f60';
const at = new Date(2026, 0, 1, 9, 25, 1, 120);
let id = 0;
const event = (type: string, details: Record<string, unknown>): HistoryEvent => ({ id: ++id, previousEventId: id - 1, timestamp: at, type, ...details });

/** The two history events the engine writes around a Task: its input, then the state's output with the task's result at its ResultPath. */
function compensationStep(name: string, resultPath: string, result: unknown, input: Record<string, unknown> = { orderId: ORDER }) {
  return [
    event('TaskStateEntered', { stateEnteredEventDetails: { name, input: JSON.stringify(input) } }),
    event('TaskStateExited', { stateExitedEventDetails: { name, output: JSON.stringify({ ...input, [resultPath]: result }) } }),
  ];
}

function execution(history: HistoryEvent[]): LocalExecution {
  return {
    executionArn: 'arn:x',
    stateMachineArn: 'arn:m',
    name: EXECUTION,
    input: JSON.stringify({ orderId: ORDER }),
    startDate: at,
    status: 'RUNNING',
    redriveCount: 0,
    history,
    finished: Promise.resolve(),
  };
}

function capture(options: Partial<ConstructorParameters<typeof HopLog>[0]> = {}) {
  const lines: string[] = [];
  const log = new HopLog({ write: (line) => lines.push(line), now: () => at, ...options });
  return { lines, log };
}

describe('compensation lines say what was undone', () => {
  it("reads the refund and the returned stock from the compensation steps' output in the execution history", () => {
    const refund = compensationStep('RefundPayment', 'refund', { outcome: 'REFUNDED', amountCents: 129999 });
    const release = compensationStep('ReleaseInventory', 'release', {
      outcome: 'RELEASED',
      items: [
        { productId: 'laptop', quantity: 1 },
        { productId: 'mouse', quantity: 2 },
      ],
    });
    const run = execution([...refund, ...release]);
    const { lines, log } = capture();
    for (const e of run.history) log.saga(run, e);

    expect(lines.filter((l) => l.includes('succeeded'))).toEqual([
      expect.stringMatching(/RefundPayment succeeded: refunded 1,299\.99$/),
      expect.stringMatching(/ReleaseInventory succeeded: returned 1 laptop, 2 × mouse to stock$/),
    ]);
  });

  it('says when there was nothing to undo, or it was undone by an earlier run (a re-drive)', () => {
    expect(describeUndo({ outcome: 'NOTHING_TO_REFUND', amountCents: 0 })).toBe('nothing was charged: nothing to refund');
    expect(describeUndo({ outcome: 'ALREADY_REFUNDED', amountCents: 500 })).toBe('5.00 was already refunded (an earlier run): nothing to do');
    expect(describeUndo({ outcome: 'NOTHING_RESERVED', items: [] })).toBe('nothing was reserved: no stock to return');
    expect(describeUndo({ outcome: 'ALREADY_RELEASED', items: [] })).toBe('stock was already returned (an earlier run): nothing to do');
    // A forward step's result is not a compensation: its line stays "succeeded".
    expect(describeUndo({ reservationId: 'r-1' })).toBeUndefined();
  });
});

describe('the broken-event demo shows its error', () => {
  it('prints each failed record\'s error under Powertools\' "see individual errors below"', () => {
    const { lines, log } = capture();
    const record = {
      eventName: 'INSERT',
      dynamodb: { SequenceNumber: '21', NewImage: { eventId: { S: 'broken-event-1' }, aggregateId: { S: 'no-such-order' } } },
    } as any;
    const errorMessage =
      'All records failed processing. See individual errors below.\nrecord 1: InvalidInputError: Invalid step input: orderId: must be a UUID';
    log.poller('outboxRelay', { type: 'function-error', batch: [record], error: { errorType: 'FullBatchFailureError', errorMessage } });

    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /outboxRelay threw FullBatchFailureError: All records failed processing\. See individual errors below\.; the whole batch of 1 failed$/,
    );
    expect(lines[1]).toMatch(/order no-such-order + {2}record 1: InvalidInputError: Invalid step input: orderId: must be a UUID$/);
    expect(splitRecordErrors('plain message')).toEqual({ headline: 'plain message', recordErrors: [] });
  });

  it("gets each record's error from the real relay, run by the local Lambda runtime (Powertools' FullBatchFailureError.recordErrors)", async () => {
    const runtime = new LocalLambdaRuntime(loadServiceConfig({ stage: 'hoplog' }));
    const broken = {
      eventName: 'INSERT',
      eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/local',
      dynamodb: {
        SequenceNumber: '21',
        NewImage: { eventId: { S: 'broken-event-1' }, eventType: { S: 'ORDER_CREATED' }, aggregateId: { S: 'no-such-order' } },
      },
    };

    const failure = await runtime.invoke('outboxRelay', { Records: [broken] }).then(
      () => undefined,
      (error) => error,
    );

    expect(failure).toMatchObject({ errorType: 'FullBatchFailureError' });
    const { headline, recordErrors } = splitRecordErrors(failure.errorMessage);
    expect(headline).toBe('All records failed processing. See individual errors below.');
    expect(recordErrors).toEqual([expect.stringMatching(/^record 1: \w+Error: .+/)]);
  });
});

describe('events put on the bus', () => {
  it('shows OrderCompleted and OrderFailed in one line each, and OrderNeedsAttention loud, naming who found it and why', async () => {
    const bus = 'demo-events-local';
    expect(
      describePublished({ EventBusName: bus, Source: 'orders.saga', DetailType: 'OrderCompleted', Detail: { orderId: ORDER, totalCents: 129999 } }),
    ).toEqual({
      orderId: ORDER,
      message: `OrderCompleted published to ${bus} (total 1,299.99)`,
      loud: false,
    });
    expect(
      describePublished({ EventBusName: bus, Source: 'orders.saga', DetailType: 'OrderFailed', Detail: { orderId: ORDER, reason: 'Payment declined' } })
        .message,
    ).toBe(`OrderFailed published to ${bus} (Payment declined)`);
    const attention = { orderId: ORDER, detectedBy: 'reconciler', attempts: 3, reason: 'still COMPENSATING 15 min after it was created' };
    const { lines, log } = capture({ color: true });
    // From the reconciler's PutEvents the Detail is a JSON string, as on the wire.
    log.published({ EventBusName: bus, Source: 'orders.saga', DetailType: 'OrderNeedsAttention', Detail: JSON.stringify(attention) });
    await new Promise((resolve) => setImmediate(resolve));

    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      '\u001b[31m‼ OrderNeedsAttention published by the reconciler, visit 3: still COMPENSATING 15 min after it was created. A person must act',
    );
    expect(lines[0]).toContain(ORDER);
  });
});

describe('projector mode', () => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matches the terminal colour codes (ESC [ … m) that the output carries
  const strip = (line: string) => line.replace(/\u001b\[[0-9;]*m/g, '');

  it('shows short ids, fits every line in 100 columns, and uses no faint grey or yellow', () => {
    const { lines, log } = capture({ projector: true, color: true });
    const run = execution([]);
    log.saga(run, event('ExecutionStarted', {}));
    log.saga(
      run,
      event('TaskFailed', {
        taskFailedEventDetails: {
          resource: 'ProcessPayment',
          error: 'TransientError',
          cause: JSON.stringify({
            errorType: 'TransientError',
            errorMessage: `Injected fault: processPayment attempt 1 of the first 2 for order ${ORDER}, then it succeeds`,
          }),
        },
      }),
    );

    expect(strip(lines[0])).toBe('09:25:01  relay   order 2881ff0e  saga started: execution 8521e0ca');
    expect(lines.length).toBeGreaterThan(2); // the long failure wraps instead of running off the screen
    for (const line of lines) {
      expect([...strip(line)].length).toBeLessThanOrEqual(PROJECTOR_COLUMNS);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matches the terminal colour codes (ESC [ … m) that the output carries
      expect(line).not.toMatch(/\u001b\[(90|33|1;33)m/);
    }
    expect(lines.join('\n')).not.toContain(ORDER);
  });

  it('wraps at spaces, and cuts a word only when it is longer than the line', () => {
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('x'.repeat(12), 5)).toEqual(['xxxxx', 'xxxxx', 'xx']);
  });
});

describe('demo settings stay on screen while they are on', () => {
  it('says so when a setting changes, again every screenful, and when it is switched off', () => {
    let setting: string | undefined = '⚠ demo settings: FAULT INJECTION ON: {"processPayment":{"firstAttempts":2}}';
    const { lines, log } = capture({ demoSettings: () => setting, reminderEvery: 3 });
    log.demoSettingsShown(); // the banner showed it
    for (let i = 0; i < 4; i++) log.info(`hop ${i}`);
    setting = undefined;
    log.info('hop 4');

    expect(lines.map((l) => l.replace(/^.*order -\s+/, ''))).toEqual([
      'hop 0',
      'hop 1',
      'hop 2',
      '⚠ demo settings: FAULT INJECTION ON: {"processPayment":{"firstAttempts":2}}',
      'hop 3',
      'demo settings off: the system runs as serverless.yml says',
      'hop 4',
    ]);
  });
});
