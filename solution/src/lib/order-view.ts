import { fromCents } from './money';
import type { OrderRecord } from './order-model';

/** What GET /orders/{orderId} returns: prices back in the API's decimal form. */
export function orderView(order: OrderRecord) {
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    status: order.status,
    items: order.items.map((line) => ({ productId: line.productId, quantity: line.quantity, price: fromCents(line.unitPriceCents) })),
    totalAmount: fromCents(order.totalCents),
    ...(order.failureReason === undefined ? {} : { failureReason: order.failureReason }),
    ...(order.needsAttention ? { needsAttention: true, attentionReason: order.attentionReason } : {}),
    statusHistory: order.statusHistory,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}
