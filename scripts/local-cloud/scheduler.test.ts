import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nextFireTime, parseScheduleExpression, ScheduleExpressionError } from './schedule-expression';
import { LocalScheduler, type Timer } from './scheduler';
import { loadServiceConfig, SERVERLESS_FILE, ServerlessConfigError } from './serverless-config';

/**
 * `schedule` events run in `npm start` (that is how the order reconciler
 * runs locally), read from serverless.yml, on an injected clock here.
 */
class FakeTimer implements Timer {
  time = Date.UTC(2026, 0, 1, 10, 0, 0);
  private readonly pending = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;

  now = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    const id = this.nextId++;
    this.pending.set(id, { at: this.time + ms, callback });
    return id;
  };
  clearTimeout = (handle: unknown) => void this.pending.delete(handle as number);

  /** Moves the clock forward, firing what falls due, in time order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }
}

/** Lets promise callbacks that are already due run (an invocation that has returned is then finished). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sdp-schedule-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** serverless.yml with one more function: the reconciler as another engineer adds it. */
function configWithSchedule(schedule: string): string {
  const file = path.join(dir, `serverless-${Math.abs(hash(schedule))}.yml`);
  const text = readFileSync(SERVERLESS_FILE, 'utf8').replace(
    /^functions:\n/m,
    `functions:\n  sweeper:\n    handler: src/handlers/get-order.handler\n    events:\n      - schedule: ${schedule}\n`,
  );
  writeFileSync(file, text);
  return file;
}
const hash = (text: string) => [...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7);

describe('schedule expressions', () => {
  it('reads rate() and minimal cron() forms', () => {
    expect(parseScheduleExpression('rate(5 minutes)')).toMatchObject({ kind: 'rate', everyMs: 300_000 });
    expect(parseScheduleExpression('rate(1 hour)')).toMatchObject({ kind: 'rate', everyMs: 3_600_000 });
    const cron = parseScheduleExpression('cron(0/15 8 * * ? *)');
    expect(nextFireTime(cron, Date.UTC(2026, 0, 1, 8, 14, 30))).toBe(Date.UTC(2026, 0, 1, 8, 15));
    expect(nextFireTime(cron, Date.UTC(2026, 0, 1, 8, 45))).toBe(Date.UTC(2026, 0, 2, 8, 0));
  });

  it('refuses what it cannot honour, saying what is accepted', () => {
    expect(() => parseScheduleExpression('rate(5 minute)')).toThrow(/rate\(5 minutes\)/);
    expect(() => parseScheduleExpression('rate(0 minutes)')).toThrow(ScheduleExpressionError);
    expect(() => parseScheduleExpression('cron(0 12 1 * ? *)')).toThrow(/\* or \? as day-of-month/);
    expect(() => parseScheduleExpression('every 5 minutes')).toThrow(/expected rate\(<n> minutes\|hours\|days\) or cron/);
  });

  it('reads schedule events from serverless.yml and names the function in errors', () => {
    const config = loadServiceConfig({ file: configWithSchedule('rate(5 minutes)') });
    expect(config.functions.sweeper.scheduleEvents).toEqual([
      expect.objectContaining({ enabled: true, expression: expect.objectContaining({ everyMs: 300_000 }) }),
    ]);
    expect(() => loadServiceConfig({ file: configWithSchedule('rate(five minutes)') })).toThrow(ServerlessConfigError);
    expect(() => loadServiceConfig({ file: configWithSchedule('rate(five minutes)') })).toThrow(/functions\.sweeper/);
  });
});

describe('the local scheduler', () => {
  it('invokes every function with a schedule event at its rate, with an EventBridge Scheduled Event', async () => {
    const config = loadServiceConfig({ file: configWithSchedule('rate(5 minutes)') });
    const timer = new FakeTimer();
    const calls: Array<{ functionName: string; event: any; at: number }> = [];
    const scheduler = new LocalScheduler({ config, timer, invoke: async (functionName, event) => void calls.push({ functionName, event, at: timer.now() }) });
    scheduler.start();
    timer.advance(299_999);
    expect(calls).toHaveLength(0);
    timer.advance(1);
    await settled();
    timer.advance(300_000);
    // The solution's own reconcileOrders runs every 5 minutes too: every scheduled function is invoked.
    expect(calls.map((c) => c.functionName).sort()).toEqual(['reconcileOrders', 'reconcileOrders', 'sweeper', 'sweeper']);
    expect(calls[0].event).toMatchObject({ 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} });
    await scheduler.stop();
    timer.advance(3_600_000);
    expect(calls).toHaveLength(4);
  });

  it('runs at the interval given at start instead, and never overlaps a run still going', async () => {
    const config = loadServiceConfig({ file: configWithSchedule('rate(1 day)') });
    const timer = new FakeTimer();
    const releases: Array<() => void> = [];
    const events: string[] = [];
    const scheduler = new LocalScheduler({
      config,
      timer,
      intervalMs: 1000,
      invoke: () => new Promise<void>((resolve) => void releases.push(resolve)),
      onEvent: (event) => event.functionName === 'sweeper' && events.push(event.type),
    });
    scheduler.start();
    timer.advance(1000);
    timer.advance(1000);
    expect(events).toEqual(['invoked', 'skipped']);
    for (const release of releases) release();
    await scheduler.stop();
  });
});
