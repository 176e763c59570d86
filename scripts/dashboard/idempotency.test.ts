import { idempotencyKeys, parseClaimId } from './idempotency';
import { type KeyRequest, idempotencyHash } from './observations';

/**
 * How the idempotency table's items become the client's keys. The browser
 * test shows it on the real createOrder; these cases pin the matching rules.
 */
const lock = (customerId: string, key: string, status = 'COMPLETED', expiration = 2000) => ({
  id: `sdp-local-createOrder#${idempotencyHash(customerId, key)}`,
  status,
  expiration,
});
const claim = (customerId: string, key: string, orderId: string, expiration = 2000) => ({ id: `order-key#${customerId}#${key}`, orderId, expiration });

describe('the idempotency table as client keys', () => {
  it('reads the customer and the key from a claim id, the key keeping its own #', () => {
    expect(parseClaimId('order-key#customer-1#a#b')).toEqual({ customerId: 'customer-1', key: 'a#b' });
    expect(parseClaimId('sdp-local-createOrder#abc')).toBeUndefined();
  });

  it("shows Powertools' lock and the order's claim for one key as one row, with the requests seen for it", () => {
    const seen = new Map<string, KeyRequest[]>([
      ['k1', [{ outcome: 'stored', orderId: 'o1' }, { outcome: 'replayed', orderId: 'o1' }, { outcome: 'conflict' }]],
    ]);
    const rows = idempotencyKeys([lock('customer-1', 'k1'), claim('customer-1', 'k1', 'o1')], seen, () => undefined);
    expect(rows).toEqual([
      {
        key: 'k1',
        customerId: 'customer-1',
        lock: { id: lock('customer-1', 'k1').id, status: 'COMPLETED', expiration: 2000 },
        claim: { id: 'order-key#customer-1#k1', orderId: 'o1', expiration: 2000 },
        requests: ['stored', 'replayed', 'conflict'],
      },
    ]);
  });

  it('keeps two customers using the same key apart', () => {
    const seen = new Map<string, KeyRequest[]>([
      [
        'k',
        [
          { outcome: 'stored', orderId: 'o1' },
          { outcome: 'stored', orderId: 'o2' },
        ],
      ],
    ]);
    const rows = idempotencyKeys([lock('c1', 'k'), claim('c1', 'k', 'o1'), lock('c2', 'k'), claim('c2', 'k', 'o2')], seen, () => undefined);
    expect(rows.map((row) => [row.customerId, row.lock?.id, row.claim?.orderId, row.requests])).toEqual([
      ['c1', lock('c1', 'k').id, 'o1', ['stored']],
      ['c2', lock('c2', 'k').id, 'o2', ['stored']],
    ]);
  });

  it('names a lock with no claim from the requests seen, and shows one nothing names by its hash only', () => {
    const seen = new Map<string, KeyRequest[]>([['k2', [{ outcome: 'stored', orderId: 'o2' }]]]);
    const rows = idempotencyKeys([lock('c2', 'k2', 'INPROGRESS', 1000), lock('c3', 'unseen', 'INPROGRESS', 500)], seen, (orderId) =>
      orderId === 'o2' ? 'c2' : undefined,
    );
    expect(rows.map((row) => [row.key, row.lock?.status, row.claim])).toEqual([
      ['k2', 'INPROGRESS', undefined],
      [undefined, 'INPROGRESS', undefined],
    ]);
  });

  it('keeps a claim whose lock has expired and gone: it still refuses a second order', () => {
    const rows = idempotencyKeys([claim('c1', 'k1', 'o1', 3000)], new Map(), () => undefined);
    expect(rows).toEqual([{ key: 'k1', customerId: 'c1', lock: undefined, claim: { id: 'order-key#c1#k1', orderId: 'o1', expiration: 3000 }, requests: [] }]);
  });
});
