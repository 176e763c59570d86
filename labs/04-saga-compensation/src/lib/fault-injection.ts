import { ConfigurationError, TransientError } from './errors';
import { isPlainObject } from './validate';

/**
 * Opt-in, deterministic fault injection for demos and chaos tests. Off unless
 * FAULT_INJECTION is set. Example:
 *
 * ```json
 * { "processPayment": { "rate": 0.3, "seed": 7 }, "sendNotification": { "firstAttempts": 2 } }
 * ```
 *
 * - `rate` (0..1) with `seed`: a seeded pseudo-random sequence decides which
 *   calls fail, so the same seed fails the same calls every run.
 * - `firstAttempts`: the first N calls for each order fail, then calls succeed
 *   (shows a Retry recovering). Counted per Lambda container.
 *
 * Injected faults are `TransientError`s: exactly what the saga retries.
 */
export interface StepFaults {
  readonly rate: number;
  readonly seed: number;
  readonly firstAttempts: number;
}

export type FaultPlan = Readonly<Record<string, StepFaults>>;

export function parseFaultPlan(raw: string | undefined): FaultPlan {
  if (raw === undefined || raw.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigurationError('FAULT_INJECTION must be JSON, e.g. {"processPayment":{"rate":0.3,"seed":7}}');
  }
  if (!isPlainObject(json)) throw new ConfigurationError('FAULT_INJECTION must be a JSON object keyed by step name');
  const plan: Record<string, StepFaults> = {};
  for (const [step, value] of Object.entries(json)) {
    if (!isPlainObject(value)) throw new ConfigurationError(`FAULT_INJECTION.${step} must be an object`);
    const rate = value.rate ?? 0;
    const seed = value.seed ?? 1;
    const firstAttempts = value.firstAttempts ?? 0;
    if (typeof rate !== 'number' || rate < 0 || rate > 1) throw new ConfigurationError(`FAULT_INJECTION.${step}.rate must be a number from 0 to 1`);
    if (!Number.isSafeInteger(seed)) throw new ConfigurationError(`FAULT_INJECTION.${step}.seed must be an integer`);
    if (!Number.isSafeInteger(firstAttempts) || (firstAttempts as number) < 0) {
      throw new ConfigurationError(`FAULT_INJECTION.${step}.firstAttempts must be a non-negative integer`);
    }
    plan[step] = { rate, seed: seed as number, firstAttempts: firstAttempts as number };
  }
  return plan;
}

/** mulberry32: a tiny, well-known seeded PRNG. Deterministic, not for security. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private readonly randoms = new Map<string, () => number>();
  private readonly attempts = new Map<string, number>();

  constructor(private readonly plan: FaultPlan) {}

  static fromEnvironment(): FaultInjector {
    return new FaultInjector(parseFaultPlan(process.env.FAULT_INJECTION));
  }

  /** Throws a TransientError if the plan says this call of `step` for `orderId` fails. */
  maybeFail(step: string, orderId: string): void {
    const faults = this.plan[step];
    if (!faults) return;
    const key = `${step}/${orderId}`;
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    if (attempt <= faults.firstAttempts) {
      throw new TransientError(`Injected fault: ${step} attempt ${attempt} of the first ${faults.firstAttempts} for order ${orderId}`);
    }
    if (faults.rate > 0) {
      let random = this.randoms.get(step);
      if (!random) {
        random = seededRandom(faults.seed);
        this.randoms.set(step, random);
      }
      if (random() < faults.rate) throw new TransientError(`Injected fault: ${step} (rate ${faults.rate}, seed ${faults.seed})`);
    }
  }
}
