import { createHash } from 'node:crypto';
import type { DynamoDBRecord } from 'aws-lambda';
import type { ApiRequestLog } from '../local-cloud/api-server';
import type { PollerEvent } from '../local-cloud/stream-poller';

/**
 * What the dashboard learns only by watching the hops, because no table keeps
 * it: how many times the relay was handed each outbox event (and its last
 * error), and which x-idempotency-key each request carried (the idempotency
 * table stores a hash of the key, not the key) with what came of it.
 */
export type KeyOutcome = 'stored' | 'replayed' | 'conflict' | 'in-progress' | 'rejected';

const IDEMPOTENCY_HEADER = 'x-idempotency-key';

/** Powertools' record id ends with `#` + base64(md5(JSON of the key)). */
export function idempotencyHash(key: string): string {
  return createHash('md5').update(JSON.stringify(key)).digest('base64');
}

const eventIdOf = (record: DynamoDBRecord) => record.dynamodb?.NewImage?.eventId?.S ?? record.dynamodb?.Keys?.eventId?.S;

export class Observations {
  private readonly relay = new Map<string, { attempts: number; lastError?: string }>();
  private readonly keys = new Map<string, { key: string; outcomes: KeyOutcome[] }>();

  onApiRequest(request: ApiRequestLog): void {
    const key = request.requestHeaders[IDEMPOTENCY_HEADER];
    if (request.method !== 'POST' || key === undefined) return;
    const hash = idempotencyHash(key);
    const entry = this.keys.get(hash) ?? { key, outcomes: [] };
    this.keys.set(hash, entry);
    const outcome: KeyOutcome =
      request.statusCode === 201 ? (entry.outcomes.includes('stored') ? 'replayed' : 'stored') : request.statusCode === 422 ? 'conflict' : request.statusCode === 409 ? 'in-progress' : 'rejected';
    entry.outcomes.push(outcome);
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

  /** The key and outcomes for an idempotency record id (`<prefix>#<hash>`), if this process saw its requests. */
  keyOf(recordId: string): { key: string; outcomes: readonly KeyOutcome[] } | undefined {
    return this.keys.get(recordId.slice(recordId.lastIndexOf('#') + 1));
  }
}
