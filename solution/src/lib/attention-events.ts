import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { traced } from './observability';

/** The detail-type operators alarm on (an EventBridge rule on the orders bus). */
export const ORDER_NEEDS_ATTENTION = 'OrderNeedsAttention';
/** Every order event, from the saga or the reconciler, has this source. */
export const ORDER_EVENTS_SOURCE = 'orders.saga';

/** What the reconciler says about an order it could not get to a terminal status. */
export interface OrderNeedsAttentionDetail {
  /** Deterministic, so a consumer can drop the duplicate of a retried publication. */
  readonly eventId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly detectedBy: 'reconciler';
  readonly status: string;
  readonly reason: string;
  readonly attempts: number;
  readonly executionName: string;
}

export interface AttentionPublisher {
  publish(detail: OrderNeedsAttentionDetail): Promise<void>;
}

/** Publishes on the orders bus with the real EventBridge API; a rejected entry is an error, not a shrug. */
export function eventBridgeAttentionPublisher(eventBusName: string, client: EventBridgeClient = traced(new EventBridgeClient({}))): AttentionPublisher {
  return {
    async publish(detail) {
      const result = await client.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: eventBusName, Source: ORDER_EVENTS_SOURCE, DetailType: ORDER_NEEDS_ATTENTION, Detail: JSON.stringify(detail) }],
        }),
      );
      if ((result.FailedEntryCount ?? 0) > 0) {
        const entry = result.Entries?.find((e) => e.ErrorCode);
        throw new Error(`EventBridge refused ${ORDER_NEEDS_ATTENTION} for order ${detail.orderId}: ${entry?.ErrorCode} ${entry?.ErrorMessage}`);
      }
    },
  };
}
