import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs (Powertools). Every line of a saga step carries the order id. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'orders' });
