import type { LocalLambdaRuntime } from '../local-cloud/lambda-runtime';
import { parseFaultPlan } from '../../solution/src/lib/fault-injection';

/**
 * The page's fault switches, as the FAULT_INJECTION setting the docs
 * describe (solution/src/lib/fault-injection.ts): switching a step on adds
 * `{"<step>": {"firstAttempts": 2}}` (its first two calls per order fail with
 * a TransientError, then it succeeds: the state machine's Retry is seen
 * recovering); switching it off removes the step. The new value reaches the
 * handlers the way a configuration change reaches Lambda functions: through
 * their environment, for every later invocation.
 */
export const FAULT_STEPS = ['reserveInventory', 'processPayment', 'sendNotification'] as const;
export const TOGGLED_FAULT = { firstAttempts: 2 } as const;

export class UnknownFaultStepError extends Error {
  constructor(step: unknown) {
    super(`step must be one of ${FAULT_STEPS.join(', ')}, got ${JSON.stringify(step)}`);
    this.name = 'UnknownFaultStepError';
  }
}

export class FaultControl {
  readonly steps: readonly string[] = FAULT_STEPS;
  /**
   * Counts the page's switches, so the page can tell a picture taken before
   * a switch (still on its way) from one taken after, and not flip a box back.
   */
  private changes = 0;

  get version(): number {
    return this.changes;
  }

  constructor(private readonly runtime: LocalLambdaRuntime) {}

  /** The plan in force now (whatever npm start was given, plus the page's switches). */
  plan(): Record<string, unknown> {
    const raw = process.env.FAULT_INJECTION;
    try {
      // Checked as the handlers check it; shown as written.
      if (Object.keys(parseFaultPlan(raw)).length === 0) return {};
      return JSON.parse(raw as string) as Record<string, unknown>;
    } catch {
      return {};
    }
  }

  set(step: unknown, on: boolean): Record<string, unknown> {
    if (typeof step !== 'string' || !(FAULT_STEPS as readonly string[]).includes(step)) throw new UnknownFaultStepError(step);
    const plan = this.plan();
    if (on) plan[step] = TOGGLED_FAULT;
    else delete plan[step];
    this.runtime.updateEnvironment({ FAULT_INJECTION: Object.keys(plan).length === 0 ? '' : JSON.stringify(plan) });
    this.changes += 1;
    return plan;
  }
}
