import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { badRequest, errorResponse, json } from '../lib/http';
import { logger } from '../lib/logger';
import { instrumented } from '../lib/observability';
import { findOrder } from '../lib/orders';
import { orderView } from '../lib/order-view';
import { isUuid } from '../lib/validate';
import { NotImplementedError } from '../lib/not-implemented'; // lab starter only

/** GET /orders/{orderId}: the order's *current* status (an idempotent POST replays the original PENDING). */
export const handler = instrumented('getOrder', async (event: APIGatewayProxyEvent, _context: Context): Promise<APIGatewayProxyResult> => {
  // TODO lab 1, step 3: answer GET /orders/{orderId} from the Orders table.
  //   - The id is event.pathParameters?.orderId. Not a UUID (isUuid)? Answer
  //     badRequest naming the field 'pathParameters.orderId' ('must be a UUID').
  //   - findOrder(orderId) reads the order. None? errorResponse 404 'NotFound'.
  //   - Found: json(200, orderView(order)), prices back in decimals.
  //   - A read that fails is logged and answered 500, never thrown.
  throw new NotImplementedError('lab 1, step 3 — read the order back for GET /orders/{orderId}');
  // END TODO lab 1, step 3
});
