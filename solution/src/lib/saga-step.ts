import type { Context } from 'aws-lambda';
import { FaultInjector } from './fault-injection';
import { logger } from './logger';
import { instrumented } from './observability';
import { withTransientErrors } from './transient';

let injector: { raw: string | undefined; instance: FaultInjector } | undefined;

function faultInjector(): FaultInjector {
  const raw = process.env.FAULT_INJECTION;
  if (!injector || injector.raw !== raw) injector = { raw, instance: FaultInjector.fromEnvironment() };
  return injector.instance;
}

/**
 * Builds a saga step handler: validate the input, apply any configured fault
 * injection, run the work, and turn retryable AWS errors into
 * `TransientError` so the state machine's Retry (and only it) handles them.
 *
 * @example
 * export const handler = sagaStep('reserveInventory', parseSagaInput, (input) => reserveInventory(input.orderId, input.items));
 */
export function sagaStep<Input extends { orderId: string }, Output>(
  stepName: string,
  parse: (event: unknown) => Input,
  work: (input: Input) => Promise<Output>,
): (event: unknown, context?: Context) => Promise<Output> {
  return instrumented<unknown, Output, Context | undefined>(stepName, async (event: unknown) => {
    const input = parse(event);
    logger.appendKeys({ orderId: input.orderId, step: stepName });
    try {
      faultInjector().maybeFail(stepName, input.orderId);
      const output = await withTransientErrors(() => work(input));
      logger.info(`${stepName} done`, { output: output as Record<string, unknown> });
      return output;
    } catch (error) {
      logger.warn(`${stepName} failed`, { error: error as Error });
      throw error;
    } finally {
      logger.removeKeys(['orderId', 'step']);
    }
  });
}
