import { startTestCloud, type TestCloud } from '../../scripts/test-support/cloud';

/**
 * Every saga step checks its input before acting. Solution-only: the labs
 * take the step inputs' parsing (src/lib/saga-input.ts) as given.
 */
let cloud: TestCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(async () => {
  await cloud?.stop();
});

describe('saga step input', () => {
  it.each(['reserveInventory', 'processPayment', 'sendNotification'])('%s rejects an input without a valid order id, naming the field', async (step) => {
    await expect(cloud.runtime.invoke(step, { orderId: 'nope', items: [] })).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringMatching(/orderId: must be a UUID/),
    });
  });

  it.each(['refundPayment', 'releaseInventory', 'completeOrder'])('%s rejects an input without a valid order id', async (step) => {
    await expect(cloud.runtime.invoke(step, {})).rejects.toMatchObject({ name: 'InvalidInputError' });
  });

  it('beginCompensation needs the error the state machine caught', async () => {
    await expect(cloud.runtime.invoke('beginCompensation', { orderId: '7d9f8a52-3c4b-4e8f-9a1b-2c3d4e5f6a7b' })).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringMatching(/error\.Error/),
    });
  });
});
