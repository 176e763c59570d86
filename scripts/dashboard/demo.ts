import { randomUUID } from 'node:crypto';
import { DEMO_ORDERS, type DemoOrder } from './shared/model';

/**
 * The demo buttons, as real API requests (the same POST /orders a curl
 * sends, through the local API Gateway), so everything the class sees on the
 * page happened for real: the idempotency lock, the outbox, the relay, the saga.
 */
export class UnknownDemoOrderError extends Error {
  constructor(kind: unknown) {
    super(`kind must be one of ${DEMO_ORDERS.join(', ')}, got ${JSON.stringify(kind)}`);
    this.name = 'UnknownDemoOrderError';
  }
}

interface OrderBody {
  readonly customerId: string;
  readonly items: ReadonlyArray<{ productId: string; quantity: number; price: number }>;
}

const BODIES: Record<'in-stock' | 'out-of-stock' | 'over-limit', OrderBody> = {
  'in-stock': { customerId: 'customer-123', items: [{ productId: 'laptop', quantity: 1, price: 1299.99 }] },
  // sold-out-item is seeded with no stock (solution/seed/inventory.json): ReserveInventory fails with OutOfStock.
  'out-of-stock': { customerId: 'customer-123', items: [{ productId: 'sold-out-item', quantity: 1, price: 10 }] },
  // Above PAYMENT_DECLINE_ABOVE_CENTS (5,000.00 in serverless.yml): ProcessPayment declines, so the reservation is released.
  'over-limit': { customerId: 'customer-123', items: [{ productId: 'monitor', quantity: 20, price: 499.99 }] },
};

export interface DemoResult {
  readonly kind: DemoOrder;
  readonly key: string;
  readonly statusCode: number;
  readonly body: unknown;
}

export class DemoOrders {
  private last: { key: string; body: OrderBody } | undefined;

  constructor(private readonly apiUrl: string) {}

  async place(kind: unknown): Promise<DemoResult> {
    if (typeof kind !== 'string' || !(DEMO_ORDERS as readonly string[]).includes(kind)) throw new UnknownDemoOrderError(kind);
    const demo = kind as DemoOrder;
    let key: string;
    let body: OrderBody;
    if (demo === 'repeat' || demo === 'other-body') {
      // Nothing placed yet: repeat a fresh in-stock order (the first send stores it).
      this.last ??= { key: `demo-${randomUUID()}`, body: BODIES['in-stock'] };
      key = this.last.key;
      const [first, ...rest] = this.last.body.items;
      body = demo === 'repeat' ? this.last.body : { ...this.last.body, items: [{ ...first, quantity: first.quantity + 1 }, ...rest] };
    } else {
      key = `demo-${randomUUID()}`;
      body = BODIES[demo];
      this.last = { key, body };
    }
    const response = await fetch(`${this.apiUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-idempotency-key': key },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: shown as text.
    }
    return { kind: demo, key, statusCode: response.status, body: parsed };
  }
}
