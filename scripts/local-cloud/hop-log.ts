import path from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ApiRequestLog } from './api-server';
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
}

type Tone = 'plain' | 'good' | 'bad' | 'warn' | 'dim';

const COMPONENT_COLORS: Record<string, string> = { api: '36', stream: '35', relay: '34', saga: '33', local: '90' };
const TONE_COLORS: Record<Tone, string | undefined> = { plain: undefined, good: '32', bad: '31', warn: '33', dim: '90' };
const NO_ORDER = '-'.padEnd(36);

const two = (n: number, width = 2) => String(n).padStart(width, '0');

function parseJson(text: string | undefined): any {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const shorten = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

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

/** A Lambda error cause (`{"errorType":…,"errorMessage":…}`) in one line. */
function describeCause(error: unknown, cause: unknown): string {
  const parsed = typeof cause === 'string' ? parseJson(cause) : undefined;
  if (parsed && typeof parsed.errorMessage === 'string') return `${parsed.errorType ?? error}: ${parsed.errorMessage}`;
  return `${String(error ?? 'Error')}${cause ? `: ${String(cause)}` : ''}`;
}

export class HopLog {
  /** Orders this process has seen created, so an idempotent replay is told apart from a new write. */
  private readonly createdOrders = new Set<string>();

  constructor(private readonly options: HopLogOptions) {}

  private paint(code: string | undefined, text: string): string {
    return this.options.color && code ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  private line(component: string, orderId: string | undefined, message: string, tone: Tone = 'plain'): void {
    const now = (this.options.now ?? (() => new Date()))();
    const time = `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}.${two(now.getMilliseconds(), 3)}`;
    const order = orderId ? `order ${orderId.padEnd(36)}` : `order ${NO_ORDER}`;
    this.options.write(
      `${this.paint('90', time)}  ${this.paint(COMPONENT_COLORS[component], component.padEnd(6))}  ${this.paint('90', order)}  ${this.paint(TONE_COLORS[tone], message)}`,
    );
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
      this.line('api', orderId, `${head} (${request.statusCode >= 500 ? `${request.functionName ?? 'function'} failed: ` : ''}${shorten(request.gatewayError)})`, tone);
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
          this.line('stream', orderIdOfRecord(record), `${record.eventName} of outbox event ${eventIdOfRecord(record)} → ${functionName} (batch of ${event.batch.length}${attempt})`);
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
      case 'function-error':
        this.line('stream', orderIdOfRecord(event.batch[0]), `${functionName} threw ${event.error.errorType}: ${shorten(event.error.errorMessage)}; the whole batch of ${event.batch.length} failed`, 'warn');
        return;
      case 'bisected':
        this.line('stream', undefined, `${functionName}: batch split in two (${event.halves[0].length} + ${event.halves[1].length} records) to isolate the failing record`, 'warn');
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
      this.line('saga', orderId, `${details.stateExitedEventDetails.name} succeeded`);
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
    } else if (event.type === 'ExecutionSucceeded') {
      // The saga's result says what happened to the order (solution/serverless.yml:
      // a business failure SUCCEEDS with outcome FAILED; a replay with ALREADY_FINISHED).
      const outcome = parseJson(execution.output)?.outcome;
      if (outcome?.status === 'FAILED') {
        const reason = outcome.reason ?? failureReason(execution) ?? 'see the order';
        this.line('saga', orderId, `✘ order FAILED: ${shorten(reason)} (compensations ran)`, 'bad');
      } else if (outcome?.status === 'ALREADY_FINISHED') {
        this.line('saga', orderId, 'order already finished: this run changed nothing');
      } else {
        this.line('saga', orderId, '✔ order COMPLETED', 'good');
      }
    } else if (event.type === 'ExecutionFailed') {
      const reason = failureReason(execution) ?? describeCause(execution.error, execution.cause);
      if (execution.error === 'OrderNeedsAttention') {
        this.line('saga', orderId, '⚠ order NEEDS ATTENTION: a step that must not give up ran out of retries; the reconciler keeps trying', 'bad');
      } else {
        this.line('saga', orderId, `✘ execution FAILED: ${shorten(reason)}`, 'bad');
      }
    } else if (event.type === 'ExecutionAborted' || event.type === 'ExecutionTimedOut') {
      this.line('saga', orderId, `✘ execution ${event.type === 'ExecutionAborted' ? 'aborted' : 'timed out'}`, 'bad');
    }
  }
}

function previousEvent(execution: LocalExecution, event: HistoryEvent): HistoryEvent | undefined {
  const index = execution.history.indexOf(event);
  return index > 0 ? execution.history[index - 1] : undefined;
}

function lastEnteredType(execution: LocalExecution, stateName: string): string | undefined {
  for (const event of [...execution.history].reverse()) {
    if ((event as Record<string, any>).stateEnteredEventDetails?.name === stateName) return event.type;
  }
  return undefined;
}

/** The reason the compensation recorded (MarkOrderFailed's output), if the saga got that far. */
function failureReason(execution: LocalExecution): string | undefined {
  for (const event of [...execution.history].reverse()) {
    const output = parseJson((event as Record<string, any>).stateExitedEventDetails?.output);
    const reason = output?.failure?.reason ?? output?.compensation?.reason;
    if (typeof reason === 'string') return reason;
  }
  return undefined;
}
