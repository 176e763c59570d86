import { FaultInjector, parseFaultPlan, seededRandom } from '@app/lib/fault-injection';

/** Fault injection is for demos and chaos tests: off by default, deterministic when on. */
describe('fault injection', () => {
  it('is off when FAULT_INJECTION is empty', () => {
    const injector = new FaultInjector(parseFaultPlan(''));
    for (let i = 0; i < 100; i++) expect(() => injector.maybeFail('processPayment', 'order-1')).not.toThrow();
  });

  it('fails the same calls for the same seed, every run', () => {
    const outcomes = (seed: number) => {
      const injector = new FaultInjector({ processPayment: { rate: 0.5, seed, firstAttempts: 0 } });
      return Array.from({ length: 40 }, (_, i) => {
        try {
          injector.maybeFail('processPayment', `order-${i}`);
          return 'ok';
        } catch (error) {
          return (error as Error).name;
        }
      });
    };
    expect(outcomes(7)).toEqual(outcomes(7));
    expect(outcomes(7)).not.toEqual(outcomes(8));
    expect(outcomes(7)).toContain('TransientError');
    expect(outcomes(7)).toContain('ok');
  });

  it('fails only the first N attempts per order with firstAttempts', () => {
    const injector = new FaultInjector(parseFaultPlan('{"sendNotification":{"firstAttempts":2}}'));
    expect(() => injector.maybeFail('sendNotification', 'a')).toThrow(/Injected fault/);
    expect(() => injector.maybeFail('sendNotification', 'a')).toThrow(/Injected fault/);
    expect(() => injector.maybeFail('sendNotification', 'a')).not.toThrow();
    expect(() => injector.maybeFail('sendNotification', 'b')).toThrow(/Injected fault/);
    expect(() => injector.maybeFail('processPayment', 'a')).not.toThrow();
  });

  it.each([
    ['not JSON', 'rate=1', /must be JSON/],
    ['a rate above 1', '{"processPayment":{"rate":2}}', /processPayment\.rate must be a number from 0 to 1/],
    ['a fractional seed', '{"processPayment":{"seed":1.5}}', /processPayment\.seed must be an integer/],
    ['a negative firstAttempts', '{"x":{"firstAttempts":-1}}', /x\.firstAttempts must be a non-negative integer/],
  ])('rejects %s with a message naming the setting', (_, raw, message) => {
    expect(() => parseFaultPlan(raw)).toThrow(message);
  });

  it('draws numbers in [0, 1) from its seeded generator', () => {
    const random = seededRandom(42);
    const draws = Array.from({ length: 1000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });
});
