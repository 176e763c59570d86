import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiRequestLog } from './api-server';
import type { HistoryEvent } from './history-events';
import { HopLog, describeOutcome } from './hop-log';
import { KnownOrders } from './known-orders';
import type { LocalExecution } from './step-functions';

/**
 * The hop log tells an operator the truth: the order's real status at the
 * end of its saga (loud when a person must act), and a retried request as a
 * replay, even after a restart with --persist.
 */
const at = new Date(0);
let id = 0;
const event = (type: string, details: Record<string, unknown> = {}): HistoryEvent => ({ id: ++id, previousEventId: id - 1, timestamp: at, type, ...details });

function execution(history: HistoryEvent[], status: LocalExecution['status'] = 'FAILED'): LocalExecution {
  return {
    executionArn: 'arn:x',
    stateMachineArn: 'arn:m',
    name: 'e',
    input: '{"orderId":"o-1"}',
    startDate: at,
    status,
    error: 'States.TaskFailed',
    cause: '{"errorType":"TransientError","errorMessage":"payments down"}',
    redriveCount: 0,
    history,
    finished: Promise.resolve(),
  };
}

const entered = (type: string, name: string) => event(type, { stateEnteredEventDetails: { name } });
const failed = (resource: string) => event('TaskFailed', { taskFailedEventDetails: { resource, error: 'TransientError', cause: 'payments down' } });

describe('the end of a saga in the hop log', () => {
  it('says "compensations ran" only for a business failure, which the saga ends as SUCCEEDED with outcome FAILED', () => {
    const compensated = {
      ...execution([entered('TaskStateEntered', 'MarkOrderFailed'), event('ExecutionSucceeded')], 'SUCCEEDED'),
      output: '{"outcome":{"status":"FAILED","reason":"card declined"}}',
    };
    expect(describeOutcome(compensated, compensated.history.at(-1) as HistoryEvent, { status: 'FAILED', failureReason: 'card declined' }).message).toBe(
      '✘ order FAILED: card declined (compensations ran)',
    );
  });

  it('says a replay for a finished order changed nothing', () => {
    const replay = { ...execution([event('ExecutionSucceeded')], 'SUCCEEDED'), output: '{"outcome":{"status":"ALREADY_FINISHED"}}' };
    expect(describeOutcome(replay, replay.history[0], { status: 'COMPLETED' }).message).toBe('order already COMPLETED: this run changed nothing');
  });

  it('is loud when a compensation ran out of retries, and names the step and the real status', () => {
    const stuck = execution([entered('TaskStateEntered', 'RefundPayment'), failed('RefundPayment'), event('ExecutionFailed')]);
    const { message, tone } = describeOutcome(stuck, stuck.history.at(-1) as HistoryEvent, { status: 'COMPENSATING' });
    expect(tone).toBe('bad');
    expect(message).toMatch(/^‼ order NEEDS ATTENTION \(status COMPENSATING\): RefundPayment ran out of retries/);
    expect(message).not.toMatch(/compensations ran/);
    // Without a status to read (no table), the history alone still says it.
    expect(describeOutcome(stuck, stuck.history.at(-1) as HistoryEvent, undefined).message).toMatch(/NEEDS ATTENTION: RefundPayment ran out of retries/);
  });

  it('reports an order flagged as needing attention as such even when its execution ended normally', () => {
    const ended = execution([event('ExecutionSucceeded')], 'SUCCEEDED');
    expect(describeOutcome(ended, ended.history[0], { status: 'COMPENSATING', needsAttention: true }).message).toMatch(/^‼ order NEEDS ATTENTION/);
  });

  it('is loud when the saga reached its NeedsAttention Fail state', () => {
    const flagged = {
      ...execution([entered('TaskStateEntered', 'FlagNeedsAttention'), entered('FailStateEntered', 'NeedsAttention'), event('ExecutionFailed')]),
      error: 'OrderNeedsAttention',
    };
    expect(describeOutcome(flagged, flagged.history.at(-1) as HistoryEvent, { status: 'PAYMENT_PROCESSED', needsAttention: true }).message).toMatch(
      /^‼ order NEEDS ATTENTION \(status PAYMENT_PROCESSED\)/,
    );
  });
});

describe('replays in the hop log', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'sdp-hoplog-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const created = (orderId: string): ApiRequestLog => ({
    requestId: 'r',
    method: 'POST',
    path: '/orders',
    statusCode: 201,
    durationMs: 5,
    requestHeaders: { 'x-idempotency-key': 'k-1' },
    responseBody: JSON.stringify({ orderId, status: 'PENDING' }),
  });

  it('logs a repeated request with the same key as a replay after a restart with --persist', () => {
    const journal = path.join(dir, 'hop-log-orders.txt');
    const before: string[] = [];
    new HopLog({ write: (line) => before.push(line), knownOrders: new KnownOrders(100, journal) }).api(created('o-42'));
    const after: string[] = [];
    new HopLog({ write: (line) => after.push(line), knownOrders: new KnownOrders(100, journal) }).api(created('o-42'));
    expect(before[0]).toMatch(/written in one transaction/);
    expect(after[0]).toMatch(/idempotent replay for key "k-1"/);
  });

  it('remembers a bounded number of orders', () => {
    const known = new KnownOrders(3);
    for (const orderId of ['a', 'b', 'c', 'd']) known.add(orderId);
    expect(known.size).toBe(3);
    expect(known.has('a')).toBe(false);
    expect(known.has('d')).toBe(true);
  });
});
