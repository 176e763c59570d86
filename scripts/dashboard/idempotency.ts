import type * as OrderKeyClaim from '../../solution/src/lib/order-key-claim';
import { type KeyRequest, idempotencyHash } from './observations';
import type { IdempotencyKeyView } from './shared/model';

/**
 * The idempotency table as the client's keys. One key leaves two items
 * there: Powertools' lock (`<function>#<hash of "customerId#key">`, written
 * before the order and marked COMPLETED after it) and the claim the order's
 * own transaction writes (`order-key#<customerId>#<key>`, see
 * solution/src/lib/order-key-claim.ts), which refuses a second order for the
 * key even if the lock is lost. Both are one key to the client, so they are
 * one row here. The claim names the customer and the key in clear, so the
 * lock is found by hashing them the way Powertools does; a lock with no claim
 * yet (the order is being written, or its write failed) is named from the
 * requests this dashboard saw, when it can be.
 */
type Item = Record<string, unknown>;

const seconds = (value: unknown) => (value === undefined || value === null ? undefined : Number(value));
/** The hash part of a Powertools id: base64 has no '#'. */
const hashOf = (lockId: string) => lockId.slice(lockId.lastIndexOf('#') + 1);

/**
 * The claim ids' prefix, from the module that writes them, loaded when first
 * needed. Imported, it would load with the dashboard, which npm start imports
 * before it gives the handlers their environment: the solution's logger and
 * tracer would be built without POWERTOOLS_LOG_LEVEL and AWS_XRAY_MANUAL_MODE,
 * so every order printed JSON logs and every promise paid the X-Ray SDK's
 * async hook. On Lambda a handler's modules load after its environment is
 * set; start-environment.test.ts keeps it so locally.
 */
let claimPrefix: string | undefined;
function keyClaimPrefix(): string {
  claimPrefix ??= (require('../../solution/src/lib/order-key-claim') as typeof OrderKeyClaim).KEY_CLAIM_PREFIX;
  return claimPrefix;
}

/** `order-key#<customerId>#<key>`: the customer id cannot contain '#' (validate.ts), the key may. */
export function parseClaimId(id: string): { customerId: string; key: string } | undefined {
  const prefix = keyClaimPrefix();
  if (!id.startsWith(prefix)) return undefined;
  const rest = id.slice(prefix.length);
  const split = rest.indexOf('#');
  if (split <= 0) return undefined;
  return { customerId: rest.slice(0, split), key: rest.slice(split + 1) };
}

/**
 * @param items every item of the Idempotency table
 * @param seen the requests this dashboard saw, by client key
 * @param customerOf the customer of an order, where the orders table knows it
 */
export function idempotencyKeys(
  items: readonly Item[],
  seen: ReadonlyMap<string, readonly KeyRequest[]>,
  customerOf: (orderId: string) => string | undefined,
): IdempotencyKeyView[] {
  const locks = new Map<string, Item>();
  const claims: Array<{ item: Item; customerId: string; key: string }> = [];
  for (const item of items) {
    const id = String(item.id);
    const claim = parseClaimId(id);
    if (claim) claims.push({ item, ...claim });
    else locks.set(hashOf(id), item);
  }
  const lockView = (item: Item | undefined): IdempotencyKeyView['lock'] =>
    item && { id: String(item.id), status: String(item.status), expiration: seconds(item.expiration) };
  // A request without an order (422, 409) cannot say which customer sent it: it counts for every row with its key.
  const requestsFor = (key: string, orderId?: string) =>
    (seen.get(key) ?? [])
      .filter((request) => request.orderId === undefined || orderId === undefined || request.orderId === orderId)
      .map((request) => request.outcome);

  const rows: IdempotencyKeyView[] = claims.map(({ item, customerId, key }) => {
    const hash = idempotencyHash(customerId, key);
    const lock = locks.get(hash);
    locks.delete(hash);
    const orderId = String(item.orderId);
    return {
      key,
      customerId,
      lock: lockView(lock),
      claim: { id: String(item.id), orderId, expiration: seconds(item.expiration) },
      requests: requestsFor(key, orderId),
    };
  });

  // Locks no claim names: try the keys this dashboard saw, with the customers their orders belong to.
  if (locks.size > 0) {
    for (const [key, requests] of seen) {
      const customers = new Set(
        requests.map((request) => (request.orderId ? customerOf(request.orderId) : undefined)).filter((c): c is string => c !== undefined),
      );
      for (const customerId of customers) {
        const hash = idempotencyHash(customerId, key);
        const lock = locks.get(hash);
        if (!lock) continue;
        locks.delete(hash);
        rows.push({ key, customerId, lock: lockView(lock), requests: requestsFor(key) });
      }
    }
  }
  for (const lock of locks.values()) rows.push({ lock: lockView(lock), requests: [] });

  const latest = (row: IdempotencyKeyView) => Math.max(row.lock?.expiration ?? 0, row.claim?.expiration ?? 0);
  return rows.sort((a, b) => latest(b) - latest(a));
}
