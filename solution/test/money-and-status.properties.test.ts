import { seededRandom } from '@app/lib/fault-injection';
import { fromCents, toCents } from '@app/lib/money';
import { validateOrderRequest } from '@app/lib/order-request';
import { ORDER_STATUSES, type OrderStatus, canTransition, isTerminal } from '@app/lib/order-status';

/**
 * Properties checked over many generated cases. The generator is seeded, so a
 * failure names a case that reproduces on every run.
 */
const SEED = 20261127;

describe('money in integer cents (properties)', () => {
  const random = seededRandom(SEED);
  const cents = () => Math.floor(random() * 100_000_000); // 0.00 .. 999,999.99

  it('turns every amount with at most two decimals into exactly its cents, and back', () => {
    for (let i = 0; i < 5000; i++) {
      const expected = cents();
      const amount = expected / 100;
      expect({ amount, cents: toCents(amount) }).toEqual({ amount, cents: expected });
      expect(fromCents(toCents(amount) as never)).toBe(amount);
    }
  });

  it('refuses every amount with a third decimal', () => {
    for (let i = 0; i < 5000; i++) {
      const amount = (cents() * 10 + 1 + Math.floor(random() * 9)) / 1000; // x.xx1 .. x.xx9
      expect({ amount, cents: toCents(amount) }).toEqual({ amount, cents: undefined });
    }
  });

  it('totals any order exactly: the sum of price x quantity, computed in integers', () => {
    for (let i = 0; i < 500; i++) {
      const lines = Array.from({ length: 1 + Math.floor(random() * 10) }, (_, n) => ({
        productId: `product-${n}`,
        quantity: 1 + Math.floor(random() * 1000),
        priceCents: Math.floor(random() * 100_000),
      }));
      const parsed = validateOrderRequest({
        customerId: 'c-1',
        items: lines.map((line) => ({ productId: line.productId, quantity: line.quantity, price: line.priceCents / 100 })),
      });
      const expected = lines.reduce((sum, line) => sum + line.priceCents * line.quantity, 0);
      expect(parsed.ok && parsed.order.totalCents).toBe(expected);
    }
  });
});

describe('order status only moves forward (every pair of statuses)', () => {
  const FORWARD: Record<OrderStatus, OrderStatus[]> = {
    PENDING: ['INVENTORY_RESERVED', 'COMPENSATING'],
    INVENTORY_RESERVED: ['PAYMENT_PROCESSED', 'COMPENSATING'],
    PAYMENT_PROCESSED: ['COMPLETED', 'COMPENSATING'],
    COMPENSATING: ['FAILED'],
    COMPLETED: [],
    FAILED: [],
  };

  it.each(ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const)))('%s -> %s is allowed only if it is a forward move', (from, to) => {
    expect(canTransition(from, to)).toBe(FORWARD[from].includes(to));
  });

  it('has no way out of COMPLETED or FAILED', () => {
    for (const status of ORDER_STATUSES) expect(isTerminal(status)).toBe(FORWARD[status].length === 0);
  });
});
