/**
 * Lambda event filtering for the local event source mapping.
 *
 * On AWS the event source mapping evaluates `FilterCriteria` *before* it
 * invokes the function: a record that matches no pattern never reaches the
 * handler, costs no invocation, and is checkpointed as done. That is why the
 * relay's `eventName: [INSERT]` filter matters: without it, marking an event
 * published (a MODIFY) or TTL deleting it (a REMOVE) would invoke the relay
 * again. The local poller applies the same rules at the same point.
 *
 * Supported (the subset serverless.yml uses, plus the cheap common ones):
 * - nested keys, e.g. `{ dynamodb: { NewImage: { eventType: { S: [...] } } } }`
 * - value lists (OR): strings, numbers, booleans, `null`
 * - `{ "prefix": "..." }`, `{ "anything-but": value | [values] }`, `{ "exists": true | false }`
 * - several patterns: a record passes when any pattern matches
 * Anything else is refused up front with FilterPatternError, so a pattern
 * never silently behaves differently locally than on AWS.
 */
export class FilterPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterPatternError';
  }
}

type Scalar = string | number | boolean | null;

type Matcher =
  | { readonly kind: 'equals'; readonly value: Scalar }
  | { readonly kind: 'prefix'; readonly value: string }
  | { readonly kind: 'anything-but'; readonly values: readonly Scalar[] }
  | { readonly kind: 'exists'; readonly value: boolean };

type CompiledPattern = { readonly [key: string]: CompiledPattern | readonly Matcher[] };

export type RecordFilter = (record: unknown) => boolean;

const SUPPORTED = 'value lists, nested keys, prefix, anything-but and exists';

const isScalar = (value: unknown): value is Scalar => value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function compileMatcher(raw: unknown, where: string): Matcher {
  if (isScalar(raw)) return { kind: 'equals', value: raw };
  if (isObject(raw)) {
    const [operator, ...others] = Object.keys(raw);
    if (others.length > 0 || operator === undefined) throw new FilterPatternError(`${where}: a matcher object must have exactly one operator`);
    const operand = raw[operator];
    if (operator === 'prefix' && typeof operand === 'string') return { kind: 'prefix', value: operand };
    if (operator === 'exists' && typeof operand === 'boolean') return { kind: 'exists', value: operand };
    if (operator === 'anything-but') {
      const values = Array.isArray(operand) ? operand : [operand];
      if (values.every(isScalar)) return { kind: 'anything-but', values };
    }
    throw new FilterPatternError(`${where}: "${operator}" is not supported by the local cloud (supported: ${SUPPORTED})`);
  }
  throw new FilterPatternError(`${where}: ${JSON.stringify(raw)} is not a valid matcher`);
}

function compilePattern(raw: unknown, where: string): CompiledPattern {
  if (!isObject(raw)) throw new FilterPatternError(`${where} must be an object`);
  const compiled: Record<string, CompiledPattern | readonly Matcher[]> = {};
  for (const [key, value] of Object.entries(raw)) {
    const path = `${where}.${key}`;
    if (key.startsWith('$')) throw new FilterPatternError(`${path}: "${key}" is not supported by the local cloud (supported: ${SUPPORTED})`);
    if (Array.isArray(value)) {
      if (value.length === 0) throw new FilterPatternError(`${path}: a value list must not be empty`);
      compiled[key] = value.map((item, i) => compileMatcher(item, `${path}[${i}]`));
    } else if (isObject(value)) {
      compiled[key] = compilePattern(value, path);
    } else {
      throw new FilterPatternError(`${path}: leaf values must be lists, e.g. ${key}: [${JSON.stringify(value)}]`);
    }
  }
  if (Object.keys(compiled).length === 0) throw new FilterPatternError(`${where} is empty`);
  return compiled;
}

function matchesValue(matcher: Matcher, value: unknown, present: boolean): boolean {
  if (matcher.kind === 'exists') return matcher.value === (present && !isObject(value));
  if (!present || isObject(value)) return false;
  // An array in the record matches when any of its elements matches.
  if (Array.isArray(value)) return value.some((element) => matchesValue(matcher, element, true));
  switch (matcher.kind) {
    case 'equals':
      return value === matcher.value;
    case 'prefix':
      return typeof value === 'string' && value.startsWith(matcher.value);
    case 'anything-but':
      return !matcher.values.includes(value as Scalar);
  }
}

function matchesPattern(pattern: CompiledPattern, node: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const present = isObject(node) && Object.hasOwn(node, key);
    const value = present ? (node as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(expected)) return (expected as readonly Matcher[]).some((matcher) => matchesValue(matcher, value, present));
    return matchesPattern(expected as CompiledPattern, value);
  });
}

/**
 * Compiles the `filterPatterns` list of a serverless.yml stream event into a
 * predicate. No patterns means every record passes, as on AWS.
 */
export function compileFilterPatterns(patterns: readonly unknown[] = [], where = 'filterPatterns'): RecordFilter {
  const compiled = patterns.map((pattern, i) => compilePattern(pattern, `${where}[${i}]`));
  if (compiled.length === 0) return () => true;
  // JSON round trip: the pattern sees the record exactly as the function would.
  return (record) => {
    const json: unknown = JSON.parse(JSON.stringify(record));
    return compiled.some((pattern) => matchesPattern(pattern, json));
  };
}
