import type { FieldProblem } from './errors';

/**
 * Tiny validation helpers that collect every problem (with its field path)
 * instead of stopping at the first, so a client can fix a request in one go.
 */
export class Problems {
  private readonly list: FieldProblem[] = [];

  add(field: string, message: string): void {
    this.list.push({ field, message });
  }

  get all(): readonly FieldProblem[] {
    return this.list;
  }

  get any(): boolean {
    return this.list.length > 0;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

export function rejectUnknownFields(value: Record<string, unknown>, allowed: readonly string[], path: string, problems: Problems): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.add(path ? `${path}.${key}` : key, 'is not a known field');
  }
}

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** A required identifier-like string: non-empty, at most `maxLength`, letters, digits and . _ : - only. */
export function checkIdentifier(value: unknown, field: string, maxLength: number, problems: Problems): value is string {
  if (value === undefined) {
    problems.add(field, 'is required');
    return false;
  }
  if (typeof value !== 'string') {
    problems.add(field, `must be a string, got ${describeType(value)}`);
    return false;
  }
  if (value.length === 0 || value.length > maxLength) {
    problems.add(field, `must be 1 to ${maxLength} characters long`);
    return false;
  }
  if (!ID_PATTERN.test(value)) {
    problems.add(field, 'may contain only letters, digits and . _ : - (and must start with a letter or digit)');
    return false;
  }
  return true;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}
