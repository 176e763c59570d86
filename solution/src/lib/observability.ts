import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { logger } from './logger';

/**
 * X-Ray tracing (Powertools Tracer) and the correlation keys every log line
 * carries, in one place so handlers only wrap themselves.
 *
 * The Tracer switches itself off outside Lambda (no AWS_EXECUTION_ENV): in
 * `npm start` and the tests every call here is a no-op, no X-Ray daemon is
 * needed and nothing extra is printed. The local cloud's hop log plays the
 * trace's role there. POWERTOOLS_TRACE_ENABLED=false turns it off on AWS too.
 */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'orders' });

/** Keys that join one order's log lines and traces across functions. */
export interface CorrelationKeys {
  orderId?: string;
  customerId?: string;
  /** API Gateway's request id: also in the API's access log and the 5xx a client saw. */
  apiRequestId?: string;
  /** The saga execution's name; it is the outbox event id that started it. */
  executionName?: string;
}

const ANNOTATED = ['orderId', 'customerId'] as const;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function defined(keys: CorrelationKeys): Record<string, string> {
  return Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined)) as Record<string, string>;
}

/**
 * What an incoming event says about the order it concerns:
 * - an API Gateway proxy event: the request id, and the order id of GET /orders/{orderId};
 * - a saga step's input: the order and customer ids, and the execution name
 *   (the saga is started with the event id as its name).
 * A stream batch holds many orders: its records are keyed one by one (`tracedRecord`).
 */
export function correlationKeysOf(event: unknown): CorrelationKeys {
  if (!isObject(event)) return {};
  if (isObject(event.requestContext)) {
    const path = isObject(event.pathParameters) ? event.pathParameters : {};
    return { apiRequestId: text(event.requestContext.requestId), orderId: text(path.orderId) };
  }
  return { orderId: text(event.orderId), customerId: text(event.customerId), executionName: text(event.eventId) };
}

/**
 * Adds order keys to the rest of this invocation: every following log line,
 * and the current trace segment as searchable annotations
 * (`annotation.orderId = "..."` in the X-Ray console).
 */
export function annotateOrder(keys: CorrelationKeys): void {
  const present = defined(keys);
  logger.appendKeys(present);
  for (const name of ANNOTATED) if (present[name]) tracer.putAnnotation(name, present[name]);
}

/** A Lambda handler; saga steps are also called without a context (tests, direct calls). */
type Handler<E, R, C extends Context | undefined> = (event: E, context: C) => Promise<R>;

/**
 * Wraps a Lambda handler: Lambda context and correlation keys on every log
 * line, a `## <name>` trace subsegment annotated with the order, errors
 * recorded on it. Keys are reset afterwards: a warm container serves the
 * next order with a clean logger.
 *
 * @example export const handler = instrumented('getOrder', async (event, context) => { ... });
 */
export function instrumented<E, R, C extends Context | undefined = Context>(name: string, handler: Handler<E, R, C>): Handler<E, R, C> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
    const segment = parent?.addNewSubsegment(`## ${name}`);
    if (segment) tracer.setSegment(segment);
    try {
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
      annotateOrder(correlationKeysOf(event));
      // No response metadata: responses hold customer data, and the
      // annotations are what an operator searches on.
      return await handler(event, context);
    } catch (error) {
      tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      segment?.close();
      if (parent) tracer.setSegment(parent);
      logger.resetKeys();
    }
  };
}

/**
 * Wraps the work on one outbox stream record in its own trace subsegment,
 * annotated with the record's order. Records of a batch run concurrently, so
 * keys go on this subsegment (not the shared logger); the relay's log lines
 * name the order themselves. The traced StartExecution call made inside
 * carries this subsegment into the saga's trace.
 */
export function tracedRecord<R>(work: (record: DynamoDBRecord) => Promise<R>): (record: DynamoDBRecord) => Promise<R> {
  return async (record) => {
    if (!tracer.isTracingEnabled()) return work(record);
    const image = record.dynamodb?.NewImage;
    const orderId = text(image?.aggregateId?.S);
    const customerId = text(image?.payload?.M?.customerId?.S);
    const eventId = text(image?.eventId?.S) ?? 'unknown';
    return tracer.provider.captureAsyncFunc(`### outbox event ${eventId}`, async (subsegment) => {
      if (orderId) subsegment?.addAnnotation('orderId', orderId);
      if (customerId) subsegment?.addAnnotation('customerId', customerId);
      try {
        return await work(record);
      } catch (error) {
        subsegment?.addError(error as Error);
        throw error;
      } finally {
        subsegment?.close();
      }
    }) as Promise<R>;
  };
}

/** Captures an AWS SDK v3 client: its calls become subsegments and carry the trace to the service. */
export function traced<Client>(client: Client): Client {
  return tracer.captureAWSv3Client(client);
}
