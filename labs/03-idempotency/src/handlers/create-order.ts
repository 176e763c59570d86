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
import { NotImplementedError } from '../lib/not-implemented'; // lab starter only

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
  // TODO lab 3, step 3 (after steps 1-2): make createOrder idempotent with Powertools.
  //   Build it once per signature (when idempotent?.signature !== signature):
  //   - new IdempotencyConfig({...}): the key is the request's
  //     `idempotencyKey` field and the payload to validate is its `order`
  //     (both JMESPath expressions on IdempotentRequest), records expire
  //     after expiresAfterSeconds, and a missing key is an error.
  //   - makeIdempotent(fn, { persistenceStore, config }), the store a
  //     DynamoDBPersistenceLayer on `tableName`. fn takes an IdempotentRequest
  //     and returns createOrder(request.order, request.clientKey).
  //     Decide: when createOrder fails, must fn throw, or return an error
  //     answer? Powertools stores whatever fn returns as the key's answer,
  //     and deletes the in-progress record when fn throws.
  //   - Remember the result: idempotent = { signature, run, config }.
  //   Then, on every call, register this invocation's Lambda context with
  //   the config (registerLambdaContext): what happens to the key of a
  //   request that times out mid-flight if Powertools does not know when
  //   this invocation ends? Return the wrapped function (idempotent.run).
  throw new NotImplementedError('lab 3, step 3 — make createOrder idempotent with the Powertools idempotency utility');
  // END TODO lab 3, step 3
}

export const handler = instrumented('createOrder', async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  // TODO lab 3, step 2: read the client's key from the x-idempotency-key header.
  //   API Gateway passes header names in the letter case the client sent
  //   (X-Idempotency-Key, x-idempotency-key, ...), and event.headers may be
  //   null. lowerCaseHeaders(event) (lib/http.ts) returns the headers with
  //   lower-case names. Set idempotencyKey to the header's value, or
  //   undefined when the request has none (it then goes on unprotected).
  const idempotencyKey = undefined as string | undefined;
  if (Object.keys(event.headers ?? {}).some((name) => name.toLowerCase() === IDEMPOTENCY_HEADER)) {
    throw new NotImplementedError('lab 3, step 2 — read the x-idempotency-key header in any letter case');
  }
  // END TODO lab 3, step 2
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
    // TODO lab 3, step 4 (after steps 1-3): refuse conflicting retries with 409 and 422.
    //   Powertools refuses a request by throwing; so does the order's own
    //   claim of the key (step 1). Decide which answer each refusal gets:
    //   - IdempotencyAlreadyInProgressError: the first request with this key
    //     is still running. Answer 409, error 'RequestInProgress', with a
    //     'retry-after': '1' header (errorResponse takes headers).
    //   - IdempotencyValidationError (Powertools) or IdempotencyKeyConflictError
    //     (the order's own transaction found the key claimed for another
    //     body): the key was used with another body. Answer 422, error
    //     'IdempotencyKeyReused'.
    //   Everything else falls through to the 503/500 answers below. They are
    //   built here, from a thrown error, so Powertools never stores a failure
    //   as the key's answer.
    if (error instanceof IdempotencyAlreadyInProgressError || error instanceof IdempotencyValidationError || error instanceof IdempotencyKeyConflictError) {
      throw new NotImplementedError('lab 3, step 4 — answer 409 and 422 for conflicting retries');
    }
    // END TODO lab 3, step 4
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
