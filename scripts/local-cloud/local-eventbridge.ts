import { randomUUID } from 'node:crypto';
import type { PublishedEvent } from './state-machine';

/**
 * EventBridge's PutEvents, locally: the reconciler publishes OrderNeedsAttention
 * with the real @aws-sdk/client-eventbridge, found through the SDK's standard
 * AWS_ENDPOINT_URL_EVENTBRIDGE (set in aws-env.ts). The Step Functions
 * endpoint's server answers it too (X-Amz-Target `AWSEvents.PutEvents`, JSON
 * 1.1), so there is no extra port to choose or to keep free.
 *
 * Accepted entries land where the saga's own `events:putEvents` tasks land
 * (LocalStepFunctions.publish, bounded), so the hop log and the dashboard see
 * every order event, whoever put it. There are no rules or targets locally:
 * an event is recorded and shown, not delivered anywhere.
 */
export const EVENTBRIDGE_TARGET_PREFIX = 'AWSEvents.';
/** PutEvents takes 1 to 10 entries (an AWS limit; more is a ValidationException for the whole call). */
export const MAX_PUT_EVENTS_ENTRIES = 10;
/** AWS refuses a PutEvents request whose entries total more than 256 KB. */
const MAX_ENTRY_BYTES = 256 * 1024;

export class EventBridgeApiError extends Error {
  constructor(
    readonly code: 'ValidationException' | 'UnknownOperationException',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

interface EntryResult {
  readonly EventId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

/** Why one entry is refused, as EventBridge reports it per entry (the others are still put). */
function entryProblem(entry: Record<string, unknown>): string | undefined {
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') return `Parameter ${field} is not valid. Reason: ${field} is a required argument.`;
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    return 'Detail is malformed.';
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return 'Detail is malformed: it must be a JSON object.';
  if (Buffer.byteLength(JSON.stringify(entry)) > MAX_ENTRY_BYTES) return 'Entry is larger than 256 KB.';
  return undefined;
}

/** PutEvents: checks the request as EventBridge does, records the good entries, answers per entry. */
export function putEvents(body: unknown, record: (entries: readonly PublishedEvent[]) => void): { FailedEntryCount: number; Entries: EntryResult[] } {
  const entries = (body as { Entries?: unknown } | null)?.Entries;
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_PUT_EVENTS_ENTRIES) {
    throw new EventBridgeApiError(
      'ValidationException',
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_PUT_EVENTS_ENTRIES}`,
    );
  }
  const accepted: PublishedEvent[] = [];
  const results: EntryResult[] = entries.map((raw) => {
    const entry = (raw ?? {}) as Record<string, unknown>;
    const problem = entryProblem(entry);
    if (problem) return { ErrorCode: problem.startsWith('Detail is malformed') ? 'MalformedDetail' : 'InvalidArgument', ErrorMessage: problem };
    accepted.push({
      EventBusName: typeof entry.EventBusName === 'string' && entry.EventBusName !== '' ? entry.EventBusName : 'default',
      Source: entry.Source as string,
      DetailType: entry.DetailType as string,
      Detail: entry.Detail,
    });
    return { EventId: randomUUID() };
  });
  if (accepted.length > 0) record(accepted);
  return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
}

/** The operations of the local EventBridge endpoint, by X-Amz-Target (without the prefix). */
export function eventBridgeOperations(record: (entries: readonly PublishedEvent[]) => void): Record<string, (body: unknown) => unknown> {
  return { PutEvents: (body) => putEvents(body, record) };
}
