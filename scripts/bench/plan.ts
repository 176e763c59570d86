/** How much load each concurrency level gets: bounded by count and by time, smaller with --quick. */
export const CONCURRENCIES = [1, 8, 32] as const;

export interface LoadPlan {
  /** Orders sent at concurrency 8 before measuring, not counted: the JIT and connection pools warm up. */
  readonly warmUp: number;
  readonly count: Readonly<Record<(typeof CONCURRENCIES)[number], number>>;
  /** A level stops after this long even if it has not sent `count` orders. */
  readonly maxMs: number;
  /** Orders per level whose time to a terminal status is read. */
  readonly sampled: number;
}

export function loadPlan(quick: boolean): LoadPlan {
  return quick
    ? { warmUp: 30, count: { 1: 60, 8: 200, 32: 400 }, maxMs: 8_000, sampled: 20 }
    : { warmUp: 100, count: { 1: 300, 8: 1000, 32: 2000 }, maxMs: 40_000, sampled: 50 };
}

/** The product the bench orders: its own stock, so thousands of orders never run the seed stock out (which would turn sagas into compensations). */
export const BENCH_PRODUCT = 'bench-item';
export const BENCH_STOCK = 1_000_000_000;
/** One line, one unit at 1.00: far below the payment decline threshold, so every saga completes. */
export const BENCH_ORDER = { customerId: 'bench-customer', items: [{ productId: BENCH_PRODUCT, quantity: 1, price: 1 }] };
