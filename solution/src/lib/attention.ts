import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from './clock';
import { tables } from './config';
import { dynamo } from './dynamodb';
import { isConditionalCheckFailed } from './transactions';

/**
 * Marks an open order as needing a person, without touching its status: the
 * status keeps saying how far the order got (PAYMENT_PROCESSED means a charge
 * exists), and it still only moves forward. The flag is cleared when the order
 * reaches COMPLETED or FAILED (see statusTransitionItem). The order stays in
 * the open-orders index, so the reconciler keeps trying on its own schedule.
 *
 * Returns false when the order is already terminal: nothing needs a person.
 */
export async function flagForAttention(orderId: string, reason: string, clock: Clock): Promise<boolean> {
  const now = clock.now().toISOString();
  try {
    await dynamo().send(
      new UpdateCommand({
        TableName: tables.orders(),
        Key: { orderId },
        UpdateExpression: 'SET needsAttention = :true, attentionReason = :reason, attentionAt = :now, updatedAt = :now',
        ConditionExpression: 'attribute_exists(openOrder)',
        ExpressionAttributeValues: { ':true': true, ':reason': reason, ':now': now },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
