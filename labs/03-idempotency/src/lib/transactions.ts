/**
 * Which items of a cancelled TransactWriteItems failed their condition.
 * DynamoDB returns one reason per item, in request order, with
 * Code 'None' for items that were fine.
 */
export function failedConditionIndexes(error: unknown): number[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  const indexes = reasons.flatMap((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? [index] : []));
  return indexes.length > 0 ? indexes : undefined;
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
