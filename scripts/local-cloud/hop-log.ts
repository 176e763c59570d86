import path from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ApiRequestLog } from './api-server';
import { describePublished, splitRecordErrors, undoneBy } from './hop-log-details';
import { type LineStyle, PROJECTOR_STYLE, TERMINAL_STYLE, type Tone, wrap } from './hop-log-style';
import { type OrderView, describeCause, describeOutcome, lastEnteredType, parseJson, previousEvent, shorten } from './hop-log-outcome';
import { KnownOrders } from './known-orders';
import type { SchedulerEvent } from './scheduler';
import type { PublishedEvent } from './state-machine';
import type { PollerEvent } from './stream-poller';
import type { HistoryEvent, LocalExecution } from './step-functions';

/**
 * The readable log of `npm start`: one line per hop an order makes through
 * the system, each with the order id, so a learner can follow one order from
 * the HTTP request, through the outbox and the stream, to the relay, every
 * saga step, and its terminal status:
 *
 *   09:25:01.120  api     order 1b4e…  POST /orders → 201: order PENDING + ORDER_CREATED outbox event, one transaction
 *   09:25:01.390  stream  order 1b4e…  ORDER_CREATED event 7c1a… → outboxRelay (batch of 1)
 *   09:25:01.420  relay   order 1b4e…  saga started: execution 7c1a…
 *   09:25:01.430  saga    order 1b4e…  ReserveInventory entered
 *   …
 *   09:25:01.610  saga    order 1b4e…  ✔ order COMPLETED
 */
export interface HopLogOptions {
  readonly write: (line: string) => void;
  readonly color?: boolean;
  readonly now?: () => Date;
  /** Orders seen created (default: the newest 10,000, in memory). `--persist` passes one kept on disk. */
  readonly knownOrders?: KnownOrders;
  /** Reads the order's real status when a saga ends (the local cloud plugs in its orders table). */
  readonly lookupOrder?: (orderId: string) => Promise<OrderView | undefined>;
  /** `--projector`: short ids, high contrast, lines that fit 100 columns. */
  readonly projector?: boolean;
  /**
   * The demo settings in force now, as one line (undefined: none). Printed when
   * it changes and again every `reminderEvery` lines, so a fault setting never
   * scrolls out of sight while it is on.
   */
  readonly demoSettings?: () => string | undefined;
  /** Default 30: about one projected screen. */
  readonly reminderEvery?: number;
}

export type { OrderView } from './hop-log-outcome';
export { describeOutcome };

/** The order a stream record is about: the outbox event's aggregate id. */
export function orderIdOfRecord(record: DynamoDBRecord): string | undefined {
  return record.dynamodb?.NewImage?.aggregateId?.S ?? record.dynamodb?.OldImage?.aggregateId?.S;
}

/** A file path as short as it can be from where the learner stands. */
function displayPath(file: string): string {
  const shown = path.relative(process.cwd(), file);
  return shown === '' || shown.startsWith('..') ? file : shown;
}

const eventIdOfRecord = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.eventId?.S ?? record.dynamodb?.Keys?.eventId?.S ?? '?';

export class HopLog {
  /** Orders seen created, so an idempotent replay is told apart from a new write. */
  private readonly createdOrders: KnownOrders;

  private lookupOrder?: (orderId: string) => Promise<OrderView | undefined>;
  private readonly style: LineStyle;
  /** The demo settings line last shown (null: none shown yet) and the lines written since. */
  private shownSettings: string | undefined | null = null;
  private linesSinceSettings = 0;

  constructor(private readonly options: HopLogOptions) {
    this.createdOrders = options.knownOrders ?? new KnownOrders();
    this.lookupOrder = options.lookupOrder;
    this.style = options.projector ? PROJECTOR_STYLE : TERMINAL_STYLE;
  }

  /** start.ts showed the settings in its banner just now: the next reminder is due a screen later. */
  demoSettingsShown(): void {
    this.shownSettings = this.options.demoSettings?.();
    this.linesSinceSettings = 0;
  }

  /** The local cloud plugs in its orders table once DynamoDB is up. */
  useOrderLookup(lookup: (orderId: string) => Promise<OrderView | undefined>): void {
    this.lookupOrder ??= lookup;
  }

  private paint(code: string | undefined, text: string): string {
    return this.options.color && code ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  private line(component: string, orderId: string | undefined, message: string, tone: Tone = 'plain'): void {
    this.remindOfDemoSettings();
    this.write(component, orderId, message, tone);
  }

  private write(component: string, orderId: string | undefined, message: string, tone: Tone): void {
    const { style } = this;
    const time = style.time((this.options.now ?? (() => new Date()))());
    const order = `order ${style.id(orderId)}`;
    const prefix = `${time}  ${component.padEnd(6)}  ${order}  `;
    const text = style.text(message);
    const parts = style.columns ? wrap(text, style.columns - prefix.length) : [text];
    const painted = `${this.paint(style.timeColor, time)}  ${this.paint(style.componentColor(component), component.padEnd(6))}  ${this.paint(style.idColor, order)}  `;
    for (const [i, part] of parts.entries()) this.options.write(`${i === 0 ? painted : ' '.repeat(prefix.length)}${this.paint(style.toneColor(tone), part)}`);
    this.linesSinceSettings++;
  }

  /** A demo setting must never be off screen while it is on: say it when it changes, and every screenful. */
  private remindOfDemoSettings(): void {
    if (!this.options.demoSettings) return;
    const now = this.options.demoSettings();
    const changed = this.shownSettings !== null && now !== this.shownSettings;
    const due = now !== undefined && (this.shownSettings === null || this.linesSinceSettings >= (this.options.reminderEvery ?? 30));
    if (!changed && !due) return;
    this.shownSettings = now;
    this.linesSinceSettings = 0;
    this.write('local', undefined, now ?? 'demo settings off: the system runs as serverless.yml says', now ? 'bad' : 'good');
  }

  /** A line about the local cloud itself (start-up, shutdown, warnings). */
  info(message: string, tone: Tone = 'dim'): void {
    this.line('local', undefined, message, tone);
  }

  api(request: ApiRequestLog): void {
    const body = parseJson(request.responseBody) ?? {};
    const orderId: string | undefined = typeof body.orderId === 'string' ? body.orderId : request.pathParameters?.orderId;
    const head = `${request.method} ${request.path} → ${request.statusCode}`;
    const tone: Tone = request.statusCode >= 500 ? 'bad' : request.statusCode >= 400 ? 'warn' : 'plain';
    if (request.gatewayError) {
      this.line(
        'api',
        orderId,
        `${head} (${request.statusCode >= 500 ? `${request.functionName ?? 'function'} failed: ` : ''}${shorten(request.gatewayError)})`,
        tone,
      );
      return;
    }
    if (request.method === 'POST' && request.statusCode === 201 && orderId) {
      const key = request.requestHeaders['x-idempotency-key'];
      if (this.createdOrders.has(orderId)) {
        this.line('api', orderId, `${head}: idempotent replay for key "${key}" (same response, nothing written)`);
      } else {
        this.createdOrders.add(orderId);
        this.line('api', orderId, `${head}: order ${body.status ?? 'PENDING'} + ORDER_CREATED outbox event, written in one transaction`);
      }
      return;
    }
    if (request.method === 'GET' && request.statusCode === 200 && body.status) {
      this.line('api', orderId, `${head} (status ${body.status}${body.failureReason ? `: ${shorten(String(body.failureReason), 80)}` : ''})`);
      return;
    }
    const detail = typeof body.message === 'string' ? `: ${shorten(String(body.message))}` : '';
    this.line('api', orderId, `${head}${body.error ? ` ${body.error}` : ''}${detail}`, tone);
  }

  private async terminal(execution: LocalExecution, event: HistoryEvent, orderId: string | undefined): Promise<void> {
    let order: OrderView | undefined;
    try {
      order = orderId && this.lookupOrder ? await this.lookupOrder(orderId) : undefined;
    } catch {
      order = undefined; // the log says what the history says, never fails
    }
    const { message, tone } = describeOutcome(execution, event, order);
    this.line('saga', orderId, message, tone);
  }

  schedule(event: SchedulerEvent): void {
    if (event.type === 'invoked') this.line('sched', undefined, `${event.functionName} invoked (${event.expression})`, 'dim');
    else if (event.type === 'skipped') this.line('sched', undefined, `${event.functionName} not invoked: ${event.reason}`, 'warn');
    else this.line('sched', undefined, `${event.functionName} failed: ${shorten(event.error.message)}`, 'bad');
  }

  poller(functionName: string, event: PollerEvent): void {
    switch (event.type) {
      case 'filtered':
        for (const record of event.records) {
          const why = record.eventName === 'MODIFY' ? ' (the event was marked published)' : record.eventName === 'REMOVE' ? ' (TTL removed the event)' : '';
          this.line('stream', orderIdOfRecord(record), `outbox ${record.eventName}${why}: filtered out, ${functionName} not invoked`, 'dim');
        }
        return;
      case 'invoked':
        for (const record of event.batch) {
          const attempt = event.attempt > 1 ? `, attempt ${event.attempt}` : '';
          this.line(
            'stream',
            orderIdOfRecord(record),
            `${record.eventName} of outbox event ${eventIdOfRecord(record)} → ${functionName} (batch of ${event.batch.length}${attempt})`,
          );
        }
        return;
      case 'succeeded':
        return; // the saga's own lines show what the relay did
      case 'partial-failure':
        for (const record of event.failed) {
          this.line(
            'stream',
            orderIdOfRecord(record),
            `${functionName} reported outbox event ${eventIdOfRecord(record)} failed (batchItemFailures): retry from sequence ${event.retryFrom.dynamodb?.SequenceNumber}, records after it included`,
            'warn',
          );
        }
        return;
      case 'function-error': {
        const { headline, recordErrors } = splitRecordErrors(event.error.errorMessage);
        this.line(
          'stream',
          orderIdOfRecord(event.batch[0]),
          `${functionName} threw ${event.error.errorType}: ${shorten(headline)}; the whole batch of ${event.batch.length} failed`,
          'warn',
        );
        for (const recordError of recordErrors) this.line('stream', orderIdOfRecord(event.batch[0]), `  ${shorten(recordError, 400)}`, 'warn');
        return;
      }
      case 'bisected':
        this.line(
          'stream',
          undefined,
          `${functionName}: batch split in two (${event.halves[0].length} + ${event.halves[1].length} records) to isolate the failing record`,
          'warn',
        );
        return;
      case 'retrying':
        this.line(
          'stream',
          orderIdOfRecord(event.batch[0]),
          `${functionName} retry ${event.retry}${event.maxRetries >= 0 ? ` of ${event.maxRetries}` : ''} in ${event.delayMs} ms, from sequence ${event.batch[0].dynamodb?.SequenceNumber}`,
          'warn',
        );
        return;
      case 'gave-up':
        for (const record of event.records) {
          const where = event.destination ? `sent to the on-failure destination ${displayPath(event.destination)}` : 'dropped (no on-failure destination)';
          this.line('stream', orderIdOfRecord(record), `✘ ${event.condition}: outbox event ${eventIdOfRecord(record)} ${where}`, 'bad');
        }
        return;
      case 'poll-error':
        this.line('stream', undefined, `polling the stream failed, will retry: ${shorten(event.error.message)}`, 'warn');
        return;
    }
  }

  /** An event put on the bus, by the saga or by a PutEvents call (the reconciler). */
  published(entry: PublishedEvent): void {
    const { orderId, message, loud } = describePublished(entry);
    // The saga's putEvents task runs ahead of the history this log follows (its events arrive
    // through an async generator): a turn later, the lines before it are out, in order.
    setImmediate(() => this.line('events', orderId, message, loud ? 'bad' : 'plain'));
  }

  saga(execution: LocalExecution, event: HistoryEvent): void {
    const orderId: string | undefined = parseJson(execution.input)?.orderId;
    const details = event as Record<string, any>;
    if (event.type === 'ExecutionStarted') {
      this.line('relay', orderId, `saga started: execution ${execution.name}`);
    } else if (event.type.endsWith('StateEntered') && event.type.startsWith('Task')) {
      this.line('saga', orderId, `${details.stateEnteredEventDetails.name} entered`);
    } else if (event.type === 'TaskStateExited') {
      // A state whose error was caught also exits; the "caught" line already said where it went.
      if (previousEvent(execution, event)?.type === 'TaskStateCaught') return;
      const undone = undoneBy(execution, event);
      this.line('saga', orderId, `${details.stateExitedEventDetails.name} succeeded${undone ? `: ${undone}` : ''}`, undone ? 'good' : 'plain');
    } else if (event.type === 'TaskFailed') {
      const failure = details.taskFailedEventDetails;
      // A Fail state "fails" by design; the terminal line below reports it.
      if (lastEnteredType(execution, failure.resource) === 'FailStateEntered') return;
      this.line('saga', orderId, `${failure.resource} failed: ${shorten(describeCause(failure.error, failure.cause))}`, 'warn');
    } else if (event.type === 'TaskStateRetried') {
      this.line('saga', orderId, `${details.stateRetriedEventDetails.name} retried (attempt ${details.stateRetriedEventDetails.attempt + 1})`, 'warn');
    } else if (event.type === 'TaskStateCaught') {
      const next: string = details.stateCaughtEventDetails.next;
      const meaning =
        next === 'BeginCompensation'
          ? 'compensation starts'
          : next === 'AlreadyFinished'
            ? 'the order is already finished: nothing to do'
            : next === 'FlagNeedsAttention'
              ? 'retries exhausted: flagging the order for a person'
              : 'caught';
      this.line('saga', orderId, `${details.stateCaughtEventDetails.name}: error caught → ${next} (${meaning})`, 'warn');
    } else if (event.type === 'ExecutionRedriven') {
      this.line(
        'relay',
        orderId,
        `saga re-driven from the start (redrive ${details.executionRedrivenEventDetails?.redriveCount ?? '?'}): every step is idempotent`,
        'warn',
      );
    } else if (event.type === 'ExecutionSucceeded' || event.type === 'ExecutionFailed') {
      void this.terminal(execution, event, orderId);
    } else if (event.type === 'ExecutionAborted' || event.type === 'ExecutionTimedOut') {
      this.line('saga', orderId, `✘ execution ${event.type === 'ExecutionAborted' ? 'aborted' : 'timed out'}`, 'bad');
    }
  }
}
