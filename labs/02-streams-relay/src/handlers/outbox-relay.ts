import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../lib/logger';
import { instrumented, tracedRecord } from '../lib/observability';
import { markPublished, parseOutboxEvent, sagaInputFor } from '../lib/outbox';
import { startSaga } from '../lib/saga-starter';
import { NotImplementedError } from '../lib/not-implemented'; // lab starter only

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
  // TODO lab 2, step 4 (after steps 1-3): relay one new outbox event.
  //   - The new item is record.dynamodb?.NewImage, in DynamoDB's typed JSON
  //     ({ "S": "..." }); unmarshall(...) turns it into a plain object.
  //   - parseOutboxEvent(image) checks it and throws for a malformed event:
  //     let it throw, so this record is reported and retried.
  //   - startSaga(sagaInputFor(event)) (step 1), log the outcome with
  //     logger.info, then markPublished(event.eventId) (step 2).
  throw new NotImplementedError('lab 2, step 4 — relay one outbox event: start its saga, then mark it published');
  // END TODO lab 2, step 4
}

export const handler = instrumented('outboxRelay', async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  // TODO lab 2, step 3: handle the batch record by record, and report only the records that failed.
  //   - Run relayRecord for each record of event.Records.
  //   - Never swallow a failure (Promise.allSettled, then return): that event
  //     would be lost. Never fail the whole batch for one bad record either:
  //     Lambda would retry every record of it, good ones included.
  //   - serverless.yml sets functionResponseType: ReportBatchItemFailures, so
  //     answer { batchItemFailures: [{ itemIdentifier: <SequenceNumber> }] }
  //     listing exactly the records that failed. The Powertools batch
  //     utility (imported above; `processor` is ready) does all of this.
  //   - Hand it tracedRecord(relayRecord): each record then gets its own
  //     trace segment, annotated with its order (lib/observability.ts).
  throw new NotImplementedError('lab 2, step 3 — handle the batch record by record and report the failed records');
  // END TODO lab 2, step 3
});
