import { seededRandom } from '../../solution/src/lib/fault-injection';

/**
 * A client that behaves as the API tells it to: on a network error, a 5xx,
 * a 409 (in progress) or a 429 it retries with the SAME idempotency key, a
 * bounded number of times. What it records is what a real client would
 * know: which keys were acknowledged (201) and with which order id.
 */
export interface OrderOutcome {
  readonly key: string;
  readonly status: number | 'network-error';
  readonly orderId?: string;
  readonly attempts: number;
  /** When the last answer (or error) came, epoch ms. */
  readonly at: number;
}

const RETRIED = (status: number) => status >= 500 || status === 409 || status === 429;

export function orderBody(key: string, random: () => number): unknown {
  const roll = random();
  // Most orders complete; some fail on purpose (no stock, or a declined card) so compensation runs too.
  if (roll < 0.1) return { customerId: key, items: [{ productId: 'sold-out-item', quantity: 1, price: 5 }] };
  if (roll < 0.2) return { customerId: key, items: [{ productId: 'mouse', quantity: 1, price: 6000 }] };
  return { customerId: key, items: [{ productId: roll < 0.6 ? 'mouse' : 'keyboard', quantity: 1, price: 25.5 }] };
}

/** FNV-1a: a key's own seed, so a key's body is the same whichever batch or retry sends it. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** The body a key always carries under this seed: a retry must send the same request. */
export function bodyFor(key: string, seed: number): unknown {
  return orderBody(key, seededRandom((seed ^ hashOf(key)) >>> 0));
}

export async function placeOrder(
  apiUrl: string,
  key: string,
  body: unknown,
  options: { maxAttempts?: number; backoffMs?: number } = {},
): Promise<OrderOutcome> {
  const maxAttempts = options.maxAttempts ?? 8;
  let last: OrderOutcome = { key, status: 'network-error', attempts: 0, at: Date.now() };
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      const response = await fetch(`${apiUrl}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      const json = (await response.json().catch(() => ({}))) as { orderId?: string };
      last = { key, status: response.status, orderId: response.status === 201 ? json.orderId : undefined, attempts: attempt, at: Date.now() };
      if (!RETRIED(response.status)) return last;
    } catch {
      last = { key, status: 'network-error', attempts: attempt, at: Date.now() };
    }
    await new Promise((resolve) => setTimeout(resolve, (options.backoffMs ?? 100) * attempt));
  }
  return last;
}

export interface LoadOptions {
  readonly apiUrl: string;
  readonly keys: readonly string[];
  readonly seed: number;
  readonly concurrency: number;
  readonly maxAttempts?: number;
  /** Called after each answer; the crash scenarios kill the cloud from here. */
  readonly onOutcome?: (outcome: OrderOutcome, done: number) => void;
}

/** Sends one order per key, `concurrency` at a time; the body of a key is the same on every run (seeded). */
export async function runLoad(options: LoadOptions): Promise<OrderOutcome[]> {
  const bodies = new Map(options.keys.map((key) => [key, bodyFor(key, options.seed)]));
  const outcomes: OrderOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < options.keys.length) {
      const key = options.keys[next++];
      const outcome = await placeOrder(options.apiUrl, key, bodies.get(key), { maxAttempts: options.maxAttempts });
      outcomes.push(outcome);
      options.onOutcome?.(outcome, outcomes.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.keys.length) }, worker));
  return outcomes;
}

export const keysFor = (scenario: string, seed: number, count: number) => Array.from({ length: count }, (_, i) => `rel-${scenario}-${seed}-${i}`);
