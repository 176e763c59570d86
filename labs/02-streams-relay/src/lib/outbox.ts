import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, epochSeconds, systemClock } from './clock';
import { tables } from './config';
import { dynamo } from './dynamodb';
import { InvalidInputError } from './errors';
import { ORDER_CREATED, type OutboxEvent, type SagaInput } from './order-model';
import { parseSagaInput } from './saga-input';
import { isConditionalCheckFailed } from './transactions';
import { isPlainObject } from './validate';
import { NotImplementedError } from './not-implemented'; // lab starter only

/** Published events stay this long (for audit and replay), then DynamoDB TTL removes them. */
export const PUBLISHED_EVENT_RETENTION_SECONDS = 7 * 24 * 60 * 60;

/** Checks an outbox item read from a stream record; a malformed one is a failure to report, not to skip. */
export function parseOutboxEvent(image: unknown): OutboxEvent {
  if (!isPlainObject(image)) throw new InvalidInputError('outbox event', [{ field: 'NewImage', message: 'is missing' }]);
  if (image.eventType !== ORDER_CREATED) {
    throw new InvalidInputError('outbox event', [{ field: 'eventType', message: `must be ${ORDER_CREATED}, got ${String(image.eventType)}` }]);
  }
  if (typeof image.eventId !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(image.eventId)) {
    // Step Functions execution names allow at most 80 of these characters.
    throw new InvalidInputError('outbox event', [{ field: 'eventId', message: 'must be 1 to 80 letters, digits, - or _' }]);
  }
  const payload = parseSagaInput({ ...(isPlainObject(image.payload) ? image.payload : {}), eventId: image.eventId });
  return {
    eventId: image.eventId,
    aggregateId: payload.orderId,
    eventType: ORDER_CREATED,
    payload: { orderId: payload.orderId, customerId: payload.customerId, items: payload.items, totalCents: payload.totalCents },
    createdAt: typeof image.createdAt === 'string' ? image.createdAt : '',
  };
}

export function sagaInputFor(event: OutboxEvent): SagaInput {
  return { eventId: event.eventId, ...event.payload };
}

/**
 * Marks an event published and schedules its deletion. This write is a MODIFY
 * on the stream: the relay's INSERT filter is what stops it starting anything.
 */
export async function markPublished(eventId: string, clock: Clock = systemClock): Promise<void> {
  // TODO lab 2, step 2: mark the event published, once, and let TTL delete it later.
  //   - One UpdateCommand on tables.outbox(), Key { eventId }, that SETs
  //     publishedAt (clock.now() as ISO text) and expiresAt (epochSeconds of
  //     now + PUBLISHED_EVENT_RETENTION_SECONDS): the table's TTL attribute.
  //   - Marking twice must keep the first values: if_not_exists(...) does that.
  //   - An update creates a missing item! Add ConditionExpression
  //     attribute_exists(eventId), and treat a failed condition
  //     (isConditionalCheckFailed) as "already deleted": nothing to do.
  throw new NotImplementedError('lab 2, step 2 — mark the event published and schedule its deletion');
  // END TODO lab 2, step 2
}
