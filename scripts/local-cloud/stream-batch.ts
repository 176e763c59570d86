import type { DynamoDBRecord } from 'aws-lambda';
import type { FailureCondition } from './failure-queue';

/**
 * What a stream event source mapping can say about a batch: the events it
 * reports (for the hop log) and how it reads a function's answer.
 */
export type FunctionErrorInfo = { readonly errorType: string; readonly errorMessage: string };

export type PollerEvent =
  | { readonly type: 'filtered'; readonly records: readonly DynamoDBRecord[] }
  | { readonly type: 'invoked'; readonly batch: readonly DynamoDBRecord[]; readonly attempt: number }
  | { readonly type: 'succeeded'; readonly batch: readonly DynamoDBRecord[] }
  | {
      readonly type: 'partial-failure';
      readonly batch: readonly DynamoDBRecord[];
      readonly failed: readonly DynamoDBRecord[];
      readonly retryFrom: DynamoDBRecord;
    }
  | { readonly type: 'function-error'; readonly batch: readonly DynamoDBRecord[]; readonly error: FunctionErrorInfo }
  | { readonly type: 'bisected'; readonly halves: readonly [readonly DynamoDBRecord[], readonly DynamoDBRecord[]] }
  | { readonly type: 'retrying'; readonly batch: readonly DynamoDBRecord[]; readonly retry: number; readonly maxRetries: number; readonly delayMs: number }
  | {
      readonly type: 'gave-up';
      readonly records: readonly DynamoDBRecord[];
      readonly condition: FailureCondition;
      /** Where the description went, or undefined when no destination is configured (the records are dropped). */
      readonly destination?: string;
    }
  | { readonly type: 'poll-error'; readonly error: Error };

/** What one invocation's outcome means for the batch. */
export type BatchOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly retryFromIndex: number; readonly failedIndexes: readonly number[] }
  | { readonly kind: 'error'; readonly error: FunctionErrorInfo };

/**
 * Reads a function's response the way Lambda does for ReportBatchItemFailures:
 * no list or an empty list is success; an itemIdentifier that is empty, not a
 * string, or not a sequence number of this batch makes the whole batch failed.
 * Without ReportBatchItemFailures the response is ignored.
 */
export function classifyResponse(response: unknown, batch: readonly DynamoDBRecord[], reportBatchItemFailures: boolean): BatchOutcome {
  if (!reportBatchItemFailures || response === null || typeof response !== 'object') return { kind: 'success' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  const invalid: BatchOutcome = {
    kind: 'error',
    error: { errorType: 'InvalidBatchItemFailures', errorMessage: `batchItemFailures is not a list of known sequence numbers: ${JSON.stringify(failures)}` },
  };
  if (!Array.isArray(failures)) return invalid;
  if (failures.length === 0) return { kind: 'success' };
  const indexes: number[] = [];
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = typeof id === 'string' && id !== '' ? batch.findIndex((record) => record.dynamodb?.SequenceNumber === id) : -1;
    if (index < 0) return invalid;
    indexes.push(index);
  }
  // Records arrive in sequence order, so the lowest failed sequence number is the smallest index.
  return { kind: 'partial', retryFromIndex: Math.min(...indexes), failedIndexes: [...new Set(indexes)].sort((a, b) => a - b) };
}
