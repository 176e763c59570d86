import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../lib/logger';
import { instrumented, tracedRecord } from '../lib/observability';
import { markPublished, parseOutboxEvent, sagaInputFor } from '../lib/outbox';
import { startSaga } from '../lib/saga-starter';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

/**
 * One stream record: start the saga for its event, then mark it published.
 * Any error fails only this record (ReportBatchItemFailures): Lambda retries
 * from it, and after the configured retries sends it to the on-failure queue.
 * Nothing is swallowed.
 */
async function relayRecord(record: DynamoDBRecord): Promise<void> {
  // The event source mapping filters to INSERT; this guard keeps the handler
  // correct even if someone removes the filter.
  if (record.eventName !== 'INSERT') return;
  const image = record.dynamodb?.NewImage ? unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>) : undefined;
  const event = parseOutboxEvent(image);
  const { outcome, executionName } = await startSaga(sagaInputFor(event));
  logger.info(outcome === 'STARTED' ? 'saga started' : 'saga already started for this event; nothing to do', {
    orderId: event.aggregateId,
    eventId: event.eventId,
    executionName,
  });
  await markPublished(event.eventId);
}

export const handler = instrumented('outboxRelay', async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  return processPartialResponse(event, tracedRecord(relayRecord), processor, { context });
});
