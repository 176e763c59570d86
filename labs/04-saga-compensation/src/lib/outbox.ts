import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, epochSeconds, systemClock } from './clock';
import { tables } from './config';
import { dynamo } from './dynamodb';
import { InvalidInputError } from './errors';
import { ORDER_CREATED, type OutboxEvent, type SagaInput } from './order-model';
import { parseSagaInput } from './saga-input';
import { isConditionalCheckFailed } from './transactions';
import { isPlainObject } from './validate';

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
  const now = clock.now();
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tables.outbox(),
        Key: { eventId },
        UpdateExpression: 'SET publishedAt = if_not_exists(publishedAt, :now), expiresAt = if_not_exists(expiresAt, :expiresAt)',
        ConditionExpression: 'attribute_exists(eventId)',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':expiresAt': epochSeconds(now) + PUBLISHED_EVENT_RETENTION_SECONDS },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error; // already expired and deleted: nothing to mark
  }
}
