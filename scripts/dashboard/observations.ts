import { createHash } from 'node:crypto';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ApiRequestLog } from '../local-cloud/api-server';
import type { PollerEvent } from '../local-cloud/stream-poller';

/**
 * What the dashboard learns only by watching the hops, because no table keeps
 * it: how many times the relay was handed each outbox event (and its last
 * error), and what came of each request with an x-idempotency-key (the
 * tables keep the key, not the requests that replayed it).
 */
export type KeyOutcome = 'stored' | 'replayed' | 'conflict' | 'in-progress' | 'rejected';

export interface KeyRequest {
  readonly outcome: KeyOutcome;
  /** The order a 201 answered with (a replay answers with the first one). */
  readonly orderId?: string;
}

const IDEMPOTENCY_HEADER = 'x-idempotency-key';

/**
 * Powertools' record id ends with `#` + base64(md5(JSON of what it locks
 * on)); createOrder locks on `<customerId>#<key>`, so one customer's key
 * never meets another's.
 */
export function idempotencyHash(customerId: string, key: string): string {
  return createHash('md5')
    .update(JSON.stringify(`${customerId}#${key}`))
    .digest('base64');
}

function orderIdIn(body: string): string | undefined {
  try {
    const orderId = (JSON.parse(body) as { orderId?: unknown }).orderId;
    return typeof orderId === 'string' ? orderId : undefined;
  } catch {
    return undefined;
  }
}

const eventIdOf = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.eventId?.S ?? record.dynamodb?.Keys?.eventId?.S;

export class Observations {
  private readonly relay = new Map<string, { attempts: number; lastError?: string }>();
  /** By client key. The request body (and so the customer) is not in the API log: a 201 names its order, which names the customer. */
  private readonly keys = new Map<string, KeyRequest[]>();

  onApiRequest(request: ApiRequestLog): void {
    const key = request.requestHeaders[IDEMPOTENCY_HEADER];
    if (request.method !== 'POST' || key === undefined) return;
    const requests = this.keys.get(key) ?? [];
    this.keys.set(key, requests);
    const orderId = request.statusCode === 201 ? orderIdIn(request.responseBody) : undefined;
    // The same key answering with an order it answered before: the stored response (or the claimed order) came back.
    const outcome: KeyOutcome =
      request.statusCode === 201
        ? requests.some((seen) => seen.orderId !== undefined && seen.orderId === orderId)
          ? 'replayed'
          : 'stored'
        : request.statusCode === 422
          ? 'conflict'
          : request.statusCode === 409
            ? 'in-progress'
            : 'rejected';
    requests.push({ outcome, orderId });
  }

  onStreamEvent(event: PollerEvent): void {
    if (event.type === 'invoked') {
      for (const record of event.batch) {
        const id = eventIdOf(record);
        if (!id) continue;
        const entry = this.relay.get(id) ?? { attempts: 0 };
        entry.attempts += 1;
        this.relay.set(id, entry);
      }
    } else if (event.type === 'function-error') {
      for (const record of event.batch) this.relayError(record, `${event.error.errorType}: ${event.error.errorMessage}`);
    } else if (event.type === 'partial-failure') {
      for (const record of event.failed) this.relayError(record, 'reported as a batch item failure by the relay');
    }
  }

  private relayError(record: DynamoDBRecord, error: string): void {
    const id = eventIdOf(record);
    if (!id) return;
    const entry = this.relay.get(id) ?? { attempts: 0 };
    entry.lastError = error;
    this.relay.set(id, entry);
  }

  relayOf(eventId: string): { attempts: number; lastError?: string } {
    return this.relay.get(eventId) ?? { attempts: 0 };
  }

  /** Every client key this process saw, with its requests in order. */
  requestsByKey(): ReadonlyMap<string, readonly KeyRequest[]> {
    return this.keys;
  }
}
