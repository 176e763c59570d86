import { randomUUID } from 'node:crypto';
import { nextFireTime } from './schedule-expression';
import type { ScheduleEventConfig, ServiceConfig } from './serverless-config';

/**
 * The `schedule` events of serverless.yml, locally: each enabled schedule
 * invokes its function at its rate (or every `intervalMs` when a demo or a
 * test shortens it), with the event EventBridge would send. This is how the
 * order reconciler runs in `npm start`.
 *
 * An invocation still running when the next one is due is not doubled up:
 * that tick is skipped (a scheduled Lambda may overlap on AWS, but a local
 * demo gains nothing from two reconcilers racing).
 */
export interface Timer {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimer: Timer = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export type SchedulerEvent =
  | { readonly type: 'invoked'; readonly functionName: string; readonly expression: string }
  | { readonly type: 'failed'; readonly functionName: string; readonly error: Error }
  | { readonly type: 'skipped'; readonly functionName: string; readonly reason: string };

export interface ScheduledFunction {
  readonly functionName: string;
  readonly schedule: ScheduleEventConfig;
}

export interface SchedulerOptions {
  readonly config: ServiceConfig;
  readonly invoke: (functionName: string, event: unknown) => Promise<unknown>;
  /** Run every scheduled function this often instead of its own rate. */
  readonly intervalMs?: number;
  readonly timer?: Timer;
  readonly onEvent?: (event: SchedulerEvent) => void;
}

export function scheduledFunctions(config: ServiceConfig): ScheduledFunction[] {
  return Object.values(config.functions).flatMap((fn) =>
    fn.scheduleEvents.filter((schedule) => schedule.enabled).map((schedule) => ({ functionName: fn.name, schedule })),
  );
}

export class LocalScheduler {
  private readonly timer: Timer;
  private readonly handles = new Set<unknown>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly running = new Set<ScheduledFunction>();
  private stopped = false;
  readonly functions: readonly ScheduledFunction[];

  constructor(private readonly options: SchedulerOptions) {
    this.timer = options.timer ?? realTimer;
    this.functions = scheduledFunctions(options.config);
  }

  start(): void {
    for (const scheduled of this.functions) this.arm(scheduled, this.timer.now());
  }

  /** No new invocations; resolves when those in flight have returned. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const handle of this.handles) this.timer.clearTimeout(handle);
    this.handles.clear();
    await Promise.all([...this.inFlight]);
  }

  private arm(scheduled: ScheduledFunction, fromMs: number): void {
    if (this.stopped) return;
    const due = this.options.intervalMs !== undefined ? fromMs + this.options.intervalMs : nextFireTime(scheduled.schedule.expression, fromMs);
    const handle = this.timer.setTimeout(
      () => {
        this.handles.delete(handle);
        this.fire(scheduled, due);
        this.arm(scheduled, Math.max(due, this.timer.now()));
      },
      Math.max(0, due - this.timer.now()),
    );
    this.handles.add(handle);
  }

  private fire(scheduled: ScheduledFunction, dueMs: number): void {
    if (this.stopped) return;
    const { functionName } = scheduled;
    if (this.running.has(scheduled)) {
      this.options.onEvent?.({ type: 'skipped', functionName, reason: 'the previous run is still going' });
      return;
    }
    this.running.add(scheduled);
    this.options.onEvent?.({ type: 'invoked', functionName, expression: scheduled.schedule.expression.text });
    const run = this.options
      .invoke(functionName, scheduled.schedule.input ?? this.scheduledEvent(functionName, dueMs))
      .then(
        () => undefined,
        (error: unknown) => this.options.onEvent?.({ type: 'failed', functionName, error: error instanceof Error ? error : new Error(String(error)) }),
      )
      .finally(() => {
        this.running.delete(scheduled);
        this.inFlight.delete(run);
      });
    this.inFlight.add(run);
  }

  /** The event an EventBridge schedule rule delivers. */
  private scheduledEvent(functionName: string, dueMs: number) {
    const { config } = this.options;
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      time: new Date(dueMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: config.region,
      resources: [`arn:aws:events:${config.region}:000000000000:rule/${config.service}-${config.stage}-${functionName}-schedule`],
      detail: {},
    };
  }
}
