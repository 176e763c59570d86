import { TransientError } from './errors';

/**
 * AWS SDK errors that mean "try again later". The saga's Retry policy matches
 * only `TransientError`, so anything in this list is re-thrown as one; every
 * other error keeps its own name and is never blindly retried.
 */
const TRANSIENT_AWS_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TimeoutError',
]);

interface AwsErrorShape {
  name?: string;
  $retryable?: unknown;
  $fault?: string;
  CancellationReasons?: Array<{ Code?: string }>;
}

export function isTransientAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const shape = error as AwsErrorShape;
  if (TRANSIENT_AWS_ERROR_NAMES.has(error.name)) return true;
  if (shape.$retryable !== undefined || shape.$fault === 'server') return true;
  // A transaction cancelled only because another transaction touched the same
  // item is a race, not a business outcome.
  if (error.name === 'TransactionCanceledException') {
    return (shape.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError');
  }
  return false;
}

/** Runs `work`; an AWS error that is worth retrying comes out as a `TransientError`. */
export async function withTransientErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Error && isTransientAwsError(error)) {
      throw new TransientError(`${error.name}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
