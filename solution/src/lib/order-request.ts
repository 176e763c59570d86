import type { FieldProblem } from './errors';
import { isAtMostTwoDecimals, numberTexts } from './json-number-text';
import { type Cents, sumCents, toCents } from './money';
import type { OrderLine } from './order-model';
import { Problems, checkIdentifier, describeType, isPlainObject, rejectUnknownFields } from './validate';

/** Larger bodies are refused before parsing: no order needs 16 KB. */
export const MAX_BODY_BYTES = 16 * 1024;
/** Keeps the saga's inventory transaction far below DynamoDB's 100-item limit. */
export const MAX_ITEMS = 25;
export const MAX_QUANTITY = 1000;
export const MAX_PRICE = 1_000_000;

/** A create-order request that passed every check; prices already in cents. */
export interface ValidOrderRequest {
  readonly customerId: string;
  readonly items: readonly OrderLine[];
  readonly totalCents: Cents;
}

export type ParseResult = { readonly ok: true; readonly order: ValidOrderRequest } | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/**
 * Turns a raw HTTP body into a valid order or the full list of problems.
 * Never throws for bad input: bad input is the client's 400, not our 500.
 */
export function parseOrderRequest(body: string | null | undefined, isBase64Encoded = false): ParseResult {
  if (body === null || body === undefined || body.length === 0) {
    return fail('body', 'is required: send a JSON object with customerId and items');
  }
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    return fail('body', `must be at most ${MAX_BODY_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail('body', 'is not valid JSON');
  }
  // Prices are judged by the digits the client sent, not by the double they became.
  return validateOrderRequest(json, numberTexts(text));
}

/**
 * Validates an already parsed request. `writtenNumbers` (field path -> the
 * number's JSON text) lets the price check see `19.999999999` as written;
 * without it (a caller that has no text) the parsed number is checked.
 */
export function validateOrderRequest(json: unknown, writtenNumbers?: ReadonlyMap<string, string>): ParseResult {
  const problems = new Problems();
  if (!isPlainObject(json)) {
    problems.add('body', `must be a JSON object, got ${describeType(json)}`);
    return { ok: false, problems: problems.all };
  }
  rejectUnknownFields(json, ['customerId', 'items'], '', problems);
  const customerIdOk = checkIdentifier(json.customerId, 'customerId', 128, problems);
  const items = validateItems(json.items, problems, writtenNumbers);
  if (problems.any || !customerIdOk || items === undefined) return { ok: false, problems: problems.all };
  return {
    ok: true,
    order: {
      customerId: json.customerId as string,
      items,
      totalCents: sumCents(items.map((line) => (line.unitPriceCents * line.quantity) as Cents)),
    },
  };
}

function validateItems(value: unknown, problems: Problems, writtenNumbers?: ReadonlyMap<string, string>): OrderLine[] | undefined {
  if (value === undefined) {
    problems.add('items', 'is required');
    return undefined;
  }
  if (!Array.isArray(value)) {
    problems.add('items', `must be an array, got ${describeType(value)}`);
    return undefined;
  }
  if (value.length === 0) {
    problems.add('items', 'must contain at least one item');
    return undefined;
  }
  if (value.length > MAX_ITEMS) {
    problems.add('items', `must contain at most ${MAX_ITEMS} items`);
    return undefined;
  }
  const lines: OrderLine[] = [];
  const firstIndexOfProduct = new Map<string, number>();
  value.forEach((item: unknown, index) => {
    const line = validateItem(item, `items[${index}]`, problems, writtenNumbers);
    if (!line) return;
    const earlier = firstIndexOfProduct.get(line.productId);
    if (earlier !== undefined) {
      problems.add(`items[${index}].productId`, `repeats items[${earlier}]; put the total quantity on one line`);
      return;
    }
    firstIndexOfProduct.set(line.productId, index);
    lines.push(line);
  });
  return lines.length === value.length ? lines : undefined;
}

function validateItem(item: unknown, path: string, problems: Problems, writtenNumbers?: ReadonlyMap<string, string>): OrderLine | undefined {
  if (!isPlainObject(item)) {
    problems.add(path, `must be an object, got ${describeType(item)}`);
    return undefined;
  }
  rejectUnknownFields(item, ['productId', 'quantity', 'price'], path, problems);
  const productOk = checkIdentifier(item.productId, `${path}.productId`, 64, problems);

  let quantityOk = false;
  const { quantity, price } = item;
  if (quantity === undefined) problems.add(`${path}.quantity`, 'is required');
  else if (typeof quantity !== 'number') problems.add(`${path}.quantity`, `must be a number, got ${describeType(quantity)}`);
  else if (!Number.isInteger(quantity)) problems.add(`${path}.quantity`, 'must be a whole number');
  else if (quantity < 1) problems.add(`${path}.quantity`, 'must be at least 1');
  else if (quantity > MAX_QUANTITY) problems.add(`${path}.quantity`, `must be at most ${MAX_QUANTITY}`);
  else quantityOk = true;

  let cents: Cents | undefined;
  if (price === undefined) problems.add(`${path}.price`, 'is required');
  else if (typeof price !== 'number' || !Number.isFinite(price)) problems.add(`${path}.price`, `must be a number, got ${describeType(price)}`);
  else if (price < 0) problems.add(`${path}.price`, 'must not be negative');
  else if (price > MAX_PRICE) problems.add(`${path}.price`, `must be at most ${MAX_PRICE}`);
  else {
    const written = writtenNumbers?.get(`${path}.price`);
    cents = written === undefined || isAtMostTwoDecimals(written) ? toCents(price) : undefined;
    if (cents === undefined) problems.add(`${path}.price`, 'must have at most 2 decimal places');
  }

  if (!productOk || !quantityOk || cents === undefined) return undefined;
  return { productId: item.productId as string, quantity: quantity as number, unitPriceCents: cents };
}

function fail(field: string, message: string): ParseResult {
  return { ok: false, problems: [{ field, message }] };
}
