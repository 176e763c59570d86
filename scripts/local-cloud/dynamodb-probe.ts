import http from 'node:http';

/**
 * One ListTables request to a DynamoDB Local, over plain HTTP: check:lab
 * asks its background engine "do you answer, and are you tidy?" before
 * every check, and loading the AWS SDK in check:lab's own process only for
 * that costs about 0.1 s (the tests load their own SDK in jest's sandbox).
 *
 * It speaks DynamoDB's JSON protocol, as the SDK does. DynamoDB Local
 * accepts any credentials but refuses a request without an Authorization
 * header, so the probe sends one that names dummy credentials; the
 * signature is never checked locally (and this never talks to AWS).
 */
export interface TableListing {
  readonly tableNames: readonly string[];
  /** True when the engine holds more tables than were asked for. */
  readonly more: boolean;
}

export class DynamoDbProbeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DynamoDbProbeError';
  }
}

const AUTHORIZATION = 'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=local';

export function listTables(endpoint: string, options: { limit: number; timeoutMs: number }): Promise<TableListing> {
  const body = JSON.stringify({ Limit: options.limit });
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${endpoint}/`,
      {
        method: 'POST',
        agent: false, // a fresh connection, closed after the answer: nothing keeps the process alive
        timeout: options.timeoutMs,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          authorization: AUTHORIZATION,
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          try {
            const answer = JSON.parse(text) as { TableNames?: unknown; LastEvaluatedTableName?: unknown; message?: unknown; Message?: unknown };
            if (response.statusCode !== 200 || !Array.isArray(answer.TableNames)) {
              reject(new DynamoDbProbeError(`ListTables answered ${response.statusCode}: ${String(answer.Message ?? answer.message ?? text)}`));
              return;
            }
            resolve({ tableNames: answer.TableNames.map(String), more: answer.LastEvaluatedTableName !== undefined });
          } catch {
            reject(new DynamoDbProbeError(`ListTables answered ${response.statusCode} with something other than JSON`));
          }
        });
      },
    );
    request.on('timeout', () => request.destroy(new DynamoDbProbeError(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
