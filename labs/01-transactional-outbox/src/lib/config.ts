import { ConfigurationError } from './errors';

/**
 * Settings come from the function's environment (declared once in
 * serverless.yml). They are read when used, not at import time, so a test or
 * the local cloud can point a handler at other tables before calling it.
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(`Environment variable ${name} is not set (see solution/serverless.yml)`);
  }
  return value;
}

export function integerEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConfigurationError(`Environment variable ${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

export const tables = {
  orders: () => requireEnv('ORDERS_TABLE'),
  outbox: () => requireEnv('OUTBOX_TABLE'),
  idempotency: () => requireEnv('IDEMPOTENCY_TABLE'),
  inventory: () => requireEnv('INVENTORY_TABLE'),
  payments: () => requireEnv('PAYMENTS_TABLE'),
};
