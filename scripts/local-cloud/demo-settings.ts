import { UsageError } from '../cli-args';
import { parseFaultPlan } from '../../solution/src/lib/fault-injection';

/**
 * The demo settings of `npm start`: fault injection and the payment decline
 * limit. Each is an option (`--fault-injection '<json>'`,
 * `--payment-decline-above <amount>`) so no shell-specific environment syntax
 * is needed (PowerShell has no `VAR=value command`), and still the variable
 * the handlers read (FAULT_INJECTION, PAYMENT_DECLINE_ABOVE_CENTS), so the
 * old way keeps working. The option wins over the variable.
 *
 * Both are checked here, before anything starts, the way the handlers check
 * them: a typo fails `npm start` naming the option, instead of failing every
 * saga step later.
 */
export const FAULT_VARIABLE = 'FAULT_INJECTION';
export const DECLINE_VARIABLE = 'PAYMENT_DECLINE_ABOVE_CENTS';

export interface DemoSettings {
  /** The FAULT_INJECTION JSON, as given (undefined: not set here; serverless.yml's value applies). */
  readonly faultInjection?: string;
  /** Payments above this many cents are declined (undefined: serverless.yml's limit). */
  readonly paymentDeclineAboveCents?: number;
}

/** An amount as on an order: digits, at most two decimals ("100", "99.50"); returned in integer cents. */
const AMOUNT = /^(\d{1,12})(?:\.(\d{1,2}))?$/;

export function amountToCents(text: string, name: string): number {
  const match = AMOUNT.exec(text.trim());
  if (!match) throw new UsageError(`${name} must be an amount in currency units with at most two decimals, e.g. 100 or 99.50, got "${text}"`);
  // Integer arithmetic only: 1299.99 * 100 is not 129999 in floating point.
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** 129999 -> "1,299.99": how amounts are written in the log and banners. */
export function formatCents(cents: number): string {
  const whole = Math.trunc(cents / 100).toLocaleString('en-US');
  return `${whole}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
}

/**
 * `processPayment.firstAttempts=2,sendNotification.rate=0.5` -> the same plan as JSON. A form
 * with no quotes at all: Windows PowerShell 5.1 drops the inner double quotes of a JSON
 * argument on its way to npm, so JSON on its command line arrives broken.
 */
const SHORTHAND_PART = /^([A-Za-z][A-Za-z0-9]*)\.(rate|seed|firstAttempts)=(-?\d+(?:\.\d+)?)$/;

export function faultShorthandToJson(text: string, name: string): string {
  const plan: Record<string, Record<string, number>> = {};
  for (const part of text.split(',')) {
    const match = SHORTHAND_PART.exec(part.trim());
    if (!match) {
      throw new UsageError(
        `${name} must be JSON (e.g. '{"processPayment":{"firstAttempts":2}}') or step.setting=value pairs separated by commas (e.g. processPayment.firstAttempts=2), got "${text}"`,
      );
    }
    plan[match[1]] = { ...plan[match[1]], [match[2]]: Number(match[3]) };
  }
  return JSON.stringify(plan);
}

function checkFaultPlan(given: string, name: string): string {
  const raw = given.trim() === '' || given.trim().startsWith('{') ? given : faultShorthandToJson(given, name);
  try {
    parseFaultPlan(raw);
  } catch (error) {
    // The handlers' messages name the variable; name what the learner typed instead.
    throw new UsageError(`${(error as Error).message.replace(FAULT_VARIABLE, name)} (see docs/local-cloud.md, demo settings)`);
  }
  return raw;
}

/** The demo settings from the options (first) or the environment, checked. */
export function parseDemoSettings(options: { faultInjection?: string; paymentDeclineAbove?: string }, env: NodeJS.ProcessEnv): DemoSettings {
  const settings: { faultInjection?: string; paymentDeclineAboveCents?: number } = {};
  if (options.faultInjection !== undefined) settings.faultInjection = checkFaultPlan(options.faultInjection, '--fault-injection');
  else if (env[FAULT_VARIABLE] !== undefined) settings.faultInjection = checkFaultPlan(env[FAULT_VARIABLE] as string, FAULT_VARIABLE);
  if (options.paymentDeclineAbove !== undefined) {
    settings.paymentDeclineAboveCents = amountToCents(options.paymentDeclineAbove, '--payment-decline-above');
  } else if (env[DECLINE_VARIABLE] !== undefined && env[DECLINE_VARIABLE].trim() !== '') {
    const raw = env[DECLINE_VARIABLE] as string;
    if (!/^\d{1,15}$/.test(raw.trim())) throw new UsageError(`${DECLINE_VARIABLE} must be a whole number of cents (e.g. 10000 for 100.00), got "${raw}"`);
    settings.paymentDeclineAboveCents = Number(raw.trim());
  }
  return settings;
}

/** What the handlers' environment gets from the settings (overrides serverless.yml). */
export function demoEnvironment(settings: DemoSettings): Record<string, string> {
  return {
    ...(settings.faultInjection !== undefined ? { [FAULT_VARIABLE]: settings.faultInjection } : {}),
    ...(settings.paymentDeclineAboveCents !== undefined ? { [DECLINE_VARIABLE]: String(settings.paymentDeclineAboveCents) } : {}),
  };
}

/**
 * The demo settings in force, read from the handlers' environment now (the
 * dashboard's fault switches change FAULT_INJECTION while running), compared
 * with serverless.yml's values. Empty: nothing differs from the real system.
 */
export function activeDemoSettings(current: NodeJS.ProcessEnv, declared: Readonly<Record<string, string>>): string[] {
  const active: string[] = [];
  const faults = current[FAULT_VARIABLE]?.trim() ?? '';
  let plan: Record<string, unknown> = {};
  try {
    plan = parseFaultPlan(faults);
  } catch {
    active.push(`fault injection: INVALID ${FAULT_VARIABLE} ${faults}`);
  }
  if (Object.keys(plan).length > 0) active.push(`FAULT INJECTION ON: ${faults}`);
  const declaredLimit = declared[DECLINE_VARIABLE];
  const limit = current[DECLINE_VARIABLE];
  if (limit !== undefined && limit !== declaredLimit && /^\d+$/.test(limit.trim())) {
    active.push(
      `PAYMENTS DECLINED above ${formatCents(Number(limit))} (serverless.yml: ${declaredLimit && /^\d+$/.test(declaredLimit) ? formatCents(Number(declaredLimit)) : 'unset'})`,
    );
  }
  return active;
}

/** One line for the hop log's reminder, or undefined when no demo setting is on. */
export function demoSettingsReminder(current: NodeJS.ProcessEnv, declared: Readonly<Record<string, string>>): string | undefined {
  const active = activeDemoSettings(current, declared);
  return active.length === 0 ? undefined : `⚠ demo settings: ${active.join('; ')}`;
}
