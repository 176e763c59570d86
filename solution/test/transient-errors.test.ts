import { isTransientAwsError, withTransientErrors } from '@app/lib/transient';

/**
 * Which AWS errors the saga retries. DynamoDB Local never throttles, so these
 * cases use hand-built SDK error objects (a mock, on purpose: no real engine
 * here can produce them).
 */
function awsError(name: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(`${name} happened`), { name, ...extra });
}

describe('transient AWS errors', () => {
  it.each(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded', 'InternalServerError'])(
    'turns %s into a TransientError the saga retries',
    async (name) => {
      await expect(withTransientErrors(() => Promise.reject(awsError(name)))).rejects.toMatchObject({ name: 'TransientError' });
    },
  );

  it('treats a transaction cancelled by a conflicting transaction as transient', () => {
    expect(isTransientAwsError(awsError('TransactionCanceledException', { CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }] }))).toBe(
      true,
    );
  });

  it('keeps a transaction cancelled by a failed condition as it is (a business outcome, not a fault)', async () => {
    const cancelled = awsError('TransactionCanceledException', { CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] });
    expect(isTransientAwsError(cancelled)).toBe(false);
    await expect(withTransientErrors(() => Promise.reject(cancelled))).rejects.toBe(cancelled);
  });

  it('never retries a validation error', async () => {
    const invalid = awsError('ValidationException');
    await expect(withTransientErrors(() => Promise.reject(invalid))).rejects.toBe(invalid);
  });
});
