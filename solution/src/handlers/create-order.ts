import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { integerEnv, tables } from '../lib/config';
import { badRequest, errorResponse, json, lowerCaseHeaders } from '../lib/http';
import { logger } from '../lib/logger';
import { annotateOrder, instrumented } from '../lib/observability';
import { fromCents } from '../lib/money';
import { IdempotencyKeyConflictError } from '../lib/errors';
import { createOrderOnce } from '../lib/order-key-claim';
import { createOrderWithOutboxEvent } from '../lib/orders';
import { type ValidOrderRequest, parseOrderRequest } from '../lib/order-request';
import { isTransientAwsError } from '../lib/transient';

export const IDEMPOTENCY_HEADER = 'x-idempotency-key';
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The 201 body. It is what the idempotency record stores and replays. */
export interface CreateOrderResponse {
  readonly orderId: string;
  readonly status: 'PENDING';
  readonly totalAmount: number;
  readonly message: string;
}

interface IdempotentRequest {
  /** What Powertools locks on: the key scoped by customer, so two customers' keys never meet. */
  readonly idempotencyKey: string;
  /** The key as the client sent it. */
  readonly clientKey: string;
  readonly order: ValidOrderRequest;
}

/**
 * Writes the order. With a key, the order's own transaction claims the key
 * (see lib/order-key-claim.ts), so even a retry that slipped past the lock
 * gets the original order back instead of creating a second one.
 */
async function createOrder(order: ValidOrderRequest, clientKey?: string): Promise<CreateOrderResponse> {
  const created = clientKey === undefined ? { order: await createOrderWithOutboxEvent(order), replayed: false } : await createOrderOnce(order, clientKey);
  const { orderId, customerId, totalCents } = created.order;
  annotateOrder({ orderId, customerId });
  if (created.replayed) logger.info('the key already claimed an order; answering with that order', { orderId });
  else logger.info('order created with its ORDER_CREATED outbox event', { orderId });
  return { orderId, status: 'PENDING', totalAmount: fromCents(totalCents), message: 'Order created successfully' };
}

/**
 * The idempotent version of createOrder, built once per container (and again
 * only if the table or window changes, which tests do), with this
 * invocation's Lambda context registered.
 *
 * - key: the customer-scoped key the handler passes as `idempotencyKey`;
 * - payload validation: the validated order, so the same key with another
 *   body is refused (422) instead of silently returning the first order;
 * - errors are thrown, never returned: Powertools then deletes the in-progress
 *   record, so a failure is not cached and a retry can succeed;
 * - the Lambda context: Powertools records when this invocation will time
 *   out, so a request killed mid-flight does not block its key for the whole
 *   window (a retry after the timeout takes the lock over).
 */
let idempotent: { signature: string; run: (request: IdempotentRequest) => Promise<CreateOrderResponse>; config: IdempotencyConfig } | undefined;

function idempotentCreateOrder(context: Context): (request: IdempotentRequest) => Promise<CreateOrderResponse> {
  const tableName = tables.idempotency();
  const expiresAfterSeconds = integerEnv('IDEMPOTENCY_TTL_SECONDS', 600);
  const signature = `${tableName}/${expiresAfterSeconds}`;
  if (idempotent?.signature !== signature) {
    const config = new IdempotencyConfig({
      eventKeyJmesPath: 'idempotencyKey',
      payloadValidationJmesPath: 'order',
      expiresAfterSeconds,
      throwOnNoIdempotencyKey: true,
    });
    const run = makeIdempotent((request: IdempotentRequest) => createOrder(request.order, request.clientKey), {
      persistenceStore: new DynamoDBPersistenceLayer({ tableName }),
      config,
    });
    idempotent = { signature, run, config };
  }
  idempotent.config.registerLambdaContext(context);
  return idempotent.run;
}

export const handler = instrumented('createOrder', async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  const headers = lowerCaseHeaders(event);
  const idempotencyKey = headers[IDEMPOTENCY_HEADER];
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
    return badRequest([{ field: `headers.${IDEMPOTENCY_HEADER}`, message: 'must be 1 to 255 visible ASCII characters' }]);
  }
  const parsed = parseOrderRequest(event.body, event.isBase64Encoded);
  if (!parsed.ok) return badRequest(parsed.problems);

  try {
    let response: CreateOrderResponse;
    if (idempotencyKey === undefined) {
      response = await createOrder(parsed.order);
    } else {
      const run = idempotentCreateOrder(context);
      response = await run({ idempotencyKey: `${parsed.order.customerId}#${idempotencyKey}`, clientKey: idempotencyKey, order: parsed.order });
    }
    return json(201, response);
  } catch (error) {
    if (error instanceof IdempotencyAlreadyInProgressError) {
      return errorResponse(409, 'RequestInProgress', `A request with this ${IDEMPOTENCY_HEADER} is still being processed; retry shortly`, {
        'retry-after': '1',
      });
    }
    if (error instanceof IdempotencyValidationError || error instanceof IdempotencyKeyConflictError) {
      return errorResponse(422, 'IdempotencyKeyReused', `This ${IDEMPOTENCY_HEADER} was already used with a different request body`);
    }
    logger.error('order could not be created', { error: error as Error });
    if (error instanceof IdempotencyPersistenceLayerError) {
      // The idempotency store failed, perhaps after the order was written: the
      // outcome is unknown, so the answer must not claim that nothing happened.
      return errorResponse(
        503,
        'IdempotencyStoreUnavailable',
        `The outcome of this request could not be recorded; the order may have been created. Retry with the same ${IDEMPOTENCY_HEADER} in a few seconds: that is safe, it answers with that order and never creates a second one.`,
        { 'retry-after': '5' },
      );
    }
    const cause = error instanceof Error && 'cause' in error ? error.cause : error;
    // Tell the truth about retrying: with a key it is safe (the key's claim
    // commits with the order); without one, a retry may make a second order
    // if this one was written after all.
    const retry =
      idempotencyKey === undefined
        ? `Retrying without an ${IDEMPOTENCY_HEADER} may create a second order if this one was written; send one to retry safely.`
        : `Retry with the same ${IDEMPOTENCY_HEADER}: that is safe, it never creates a second order.`;
    if (isTransientAwsError(error) || isTransientAwsError(cause)) {
      return errorResponse(503, 'ServiceUnavailable', `The order could not be created right now. ${retry}`, { 'retry-after': '1' });
    }
    return errorResponse(500, 'InternalError', `The order could not be created because of a server error. ${retry}`);
  }
});
