import { UsageError } from '../cli-args';
import { activeDemoSettings, amountToCents, demoEnvironment, formatCents } from './demo-settings';
import { parseStartArgs } from './start-args';

/**
 * Every demo setting is an `npm start` option, so a class on PowerShell needs
 * no shell-specific environment syntax; the variables keep working; a mistake
 * stops npm start naming the option, before anything starts.
 */
const NO_ENV = {};

describe('demo settings as npm start options', () => {
  it('--fault-injection takes the FAULT_INJECTION JSON, or step.setting=value pairs that need no quotes in any shell', () => {
    const json = '{"processPayment":{"firstAttempts":2}}';
    expect(parseStartArgs(['--fault-injection', json], NO_ENV).demo).toEqual({ faultInjection: json });
    const shorthand = parseStartArgs(['--fault-injection', 'processPayment.firstAttempts=2,sendNotification.rate=0.5,sendNotification.seed=7'], NO_ENV).demo;
    expect(JSON.parse(shorthand.faultInjection as string)).toEqual({ processPayment: { firstAttempts: 2 }, sendNotification: { rate: 0.5, seed: 7 } });
    expect(demoEnvironment(parseStartArgs(['--fault-injection', json], NO_ENV).demo)).toEqual({ FAULT_INJECTION: json });
  });

  it('--payment-decline-above takes an amount in currency units (like a price) and passes cents to the handlers', () => {
    expect(parseStartArgs(['--payment-decline-above', '100'], NO_ENV).demo).toEqual({ paymentDeclineAboveCents: 10_000 });
    expect(demoEnvironment(parseStartArgs(['--payment-decline-above', '1299.99'], NO_ENV).demo)).toEqual({ PAYMENT_DECLINE_ABOVE_CENTS: '129999' });
    expect(amountToCents('0.5', '--x')).toBe(50);
  });

  it('refuses a bad value naming the option and saying what is accepted', () => {
    expect(() => parseStartArgs(['--payment-decline-above', '12.345'], NO_ENV)).toThrow(
      new UsageError('--payment-decline-above must be an amount in currency units with at most two decimals, e.g. 100 or 99.50, got "12.345"'),
    );
    expect(() => parseStartArgs(['--payment-decline-above', '-5'], NO_ENV)).toThrow(/--payment-decline-above must be an amount/);
    expect(() => parseStartArgs(['--fault-injection', '{"processPayment":{"rate":2}}'], NO_ENV)).toThrow(
      /--fault-injection\.processPayment\.rate must be a number from 0 to 1/,
    );
    expect(() => parseStartArgs(['--fault-injection', '{not json'], NO_ENV)).toThrow(/--fault-injection must be JSON/);
    expect(() => parseStartArgs(['--fault-injection', 'processPayment=2'], NO_ENV)).toThrow(/--fault-injection must be JSON .* or step\.setting=value pairs/);
  });

  it('keeps the environment variables working, checks them the same way, and lets an option win over its variable', () => {
    const env = { FAULT_INJECTION: '{"reserveInventory":{"firstAttempts":1}}', PAYMENT_DECLINE_ABOVE_CENTS: '10000' };
    expect(parseStartArgs([], env).demo).toEqual({ faultInjection: env.FAULT_INJECTION, paymentDeclineAboveCents: 10_000 });
    expect(parseStartArgs(['--payment-decline-above', '50'], env).demo.paymentDeclineAboveCents).toBe(5_000);
    expect(() => parseStartArgs([], { FAULT_INJECTION: '{"x":1}' })).toThrow(/FAULT_INJECTION\.x must be an object/);
    expect(() => parseStartArgs([], { PAYMENT_DECLINE_ABOVE_CENTS: '100.00' })).toThrow(/PAYMENT_DECLINE_ABOVE_CENTS must be a whole number of cents/);
    expect(parseStartArgs([], NO_ENV).demo).toEqual({});
  });

  it('--projector is a flag', () => {
    expect(parseStartArgs(['--projector'], NO_ENV).projector).toBe(true);
    expect(parseStartArgs([], NO_ENV).projector).toBe(false);
  });
});

describe('the demo settings in force', () => {
  const declared = { FAULT_INJECTION: '', PAYMENT_DECLINE_ABOVE_CENTS: '500000' };

  it('are none when the environment says what serverless.yml says', () => {
    expect(activeDemoSettings({ ...declared }, declared)).toEqual([]);
  });

  it('name every setting that differs from serverless.yml', () => {
    expect(activeDemoSettings({ FAULT_INJECTION: '{"processPayment":{"firstAttempts":2}}', PAYMENT_DECLINE_ABOVE_CENTS: '10000' }, declared)).toEqual([
      'FAULT INJECTION ON: {"processPayment":{"firstAttempts":2}}',
      'PAYMENTS DECLINED above 100.00 (serverless.yml: 5,000.00)',
    ]);
    expect(formatCents(129999)).toBe('1,299.99');
  });
});
