import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { badRequest, errorResponse, json } from '../lib/http';
import { logger } from '../lib/logger';
import { instrumented } from '../lib/observability';
import { findOrder } from '../lib/orders';
import { orderView } from '../lib/order-view';
import { isUuid } from '../lib/validate';

/** GET /orders/{orderId}: the order's *current* status (an idempotent POST replays the original PENDING). */
export const handler = instrumented('getOrder', async (event: APIGatewayProxyEvent, _context: Context): Promise<APIGatewayProxyResult> => {
  const orderId = event.pathParameters?.orderId;
  if (!isUuid(orderId)) return badRequest([{ field: 'pathParameters.orderId', message: 'must be a UUID' }]);
  try {
    const order = await findOrder(orderId);
    if (!order) return errorResponse(404, 'NotFound', `Order ${orderId} does not exist`);
    return json(200, orderView(order));
  } catch (error) {
    logger.error('order could not be read', { error: error as Error, orderId });
    return errorResponse(500, 'InternalError', 'The order could not be read; retry shortly.');
  }
});
