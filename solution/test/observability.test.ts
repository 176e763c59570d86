import type { Context } from 'aws-lambda';
import { logger } from '../src/lib/logger';
import { annotateOrder, instrumented, tracer } from '../src/lib/observability';

/**
 * What an operator relies on when reading one order's logs and traces. The
 * log lines are the real Powertools Logger output; the traced case uses the
 * real X-Ray SDK with a segment made here, since no Lambda runtime (and no
 * X-Ray daemon) exists in a test.
 */
const context = {
  functionName: 'distributed-patterns-demo-test-step',
  awsRequestId: 'lambda-request-1',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:distributed-patterns-demo-test-step',
  memoryLimitInMB: '256',
  functionVersion: '$LATEST',
} as Context;

/** Runs `action` with the logger at INFO and returns the JSON lines it wrote. */
async function logLines(action: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  // Powertools writes INFO to stdout and WARN/ERROR to stderr.
  const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
  logger.setLogLevel('INFO');
  try {
    await action();
  } finally {
    logger.setLogLevel('SILENT');
    for (const spy of spies) spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}

describe('observability', () => {
  it('keeps the tracer off outside Lambda, so nothing needs an X-Ray daemon locally or in tests', async () => {
    expect(tracer.isTracingEnabled()).toBe(false);
    const warn = jest.spyOn(console, 'warn');
    const handler = instrumented('quiet', async (event: { orderId: string }) => `done ${event.orderId}`);
    await expect(handler({ orderId: 'o-1' }, context)).resolves.toBe('done o-1');
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('puts the order id, customer id and execution name on every line a saga step logs', async () => {
    const step = instrumented('reserveInventory', async () => {
      logger.info('reserving');
      logger.warn('one product is low');
    });
    const lines = await logLines(() => step({ orderId: 'o-1', customerId: 'c-1', eventId: 'event-1' }, context));
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({ orderId: 'o-1', customerId: 'c-1', executionName: 'event-1', function_request_id: 'lambda-request-1' });
    }
  });

  it("puts the API request id (and the path's order id) on every line an API handler logs", async () => {
    const api = instrumented('getOrder', async () => logger.info('reading'));
    const [line] = await logLines(() => api({ requestContext: { requestId: 'api-request-9' }, pathParameters: { orderId: 'o-2' } }, context));
    expect(line).toMatchObject({ apiRequestId: 'api-request-9', orderId: 'o-2' });
  });

  it("never carries one order's keys into the next invocation of a warm container", async () => {
    const first = instrumented('createOrder', async () => annotateOrder({ orderId: 'o-first', customerId: 'c-first' }));
    const second = instrumented('createOrder', async () => logger.info('next request'));
    const lines = await logLines(async () => {
      await first({ requestContext: { requestId: 'r-1' } }, context);
      await second({ requestContext: { requestId: 'r-2' } }, context);
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ apiRequestId: 'r-2' });
    expect(lines[0]).not.toHaveProperty('orderId');
    expect(lines[0]).not.toHaveProperty('customerId');
  });

  it('annotates the trace with orderId and customerId when it runs in Lambda', async () => {
    const saved = { ...process.env };
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
    process.env.POWERTOOLS_TRACE_ENABLED = 'true';
    delete process.env.AWS_XRAY_MANUAL_MODE; // as in Lambda: the X-Ray SDK tracks the segment across awaits
    try {
      await jest.isolateModulesAsync(async () => {
        const xray = await import('aws-xray-sdk-core');
        const observability = await import('../src/lib/observability');
        expect(observability.tracer.isTracingEnabled()).toBe(true);
        const root = new xray.Segment('test-root');
        let seen: Record<string, unknown> | undefined;
        const step = observability.instrumented('reserveInventory', async () => {
          seen = { ...(observability.tracer.getSegment() as any).annotations };
        });
        await xray.getNamespace().runPromise(async () => {
          xray.setSegment(root);
          await step({ orderId: 'o-3', customerId: 'c-3', eventId: 'event-3' }, context);
        });
        expect(seen).toMatchObject({ orderId: 'o-3', customerId: 'c-3' });
        const [subsegment] = (root as any).subsegments;
        expect(subsegment.name).toBe('## reserveInventory');
        expect(subsegment.annotations).toMatchObject({ orderId: 'o-3', customerId: 'c-3' });
      });
    } finally {
      process.env = saved;
    }
  });
});
