import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from './observability';

/**
 * One client per Lambda container, reused across invocations. Locally the SDK
 * reads AWS_ENDPOINT_URL_DYNAMODB, so this code has no local-only branch.
 * Traced: each call is a subsegment of the order's trace.
 */
let documentClient: DynamoDBDocumentClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(traced(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}
