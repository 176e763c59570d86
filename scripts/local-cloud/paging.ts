/**
 * Step Functions-style paging: at most `maxResults` items (0 or absent: the
 * default page size) and an opaque `nextToken` while more remain. The token
 * names the last item returned, not an offset, so items added meanwhile
 * (new executions go first) neither repeat nor skip items on later pages.
 */
export class PagingError extends Error {
  constructor(
    readonly code: 'InvalidToken' | 'ValidationException',
    message: string,
  ) {
    super(message);
    this.name = 'PagingError';
  }
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export function pageSize(maxResults: unknown): number {
  if (maxResults === undefined || maxResults === null || maxResults === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(maxResults) || (maxResults as number) < 0 || (maxResults as number) > MAX_PAGE_SIZE) {
    throw new PagingError('ValidationException', `maxResults must be a whole number from 0 to ${MAX_PAGE_SIZE}, got ${JSON.stringify(maxResults)}`);
  }
  return maxResults as number;
}

/** `items` must already be in listing order; `keyOf` gives each a unique, stable key. */
export function pageOf<T>(items: readonly T[], keyOf: (item: T) => string, request: { maxResults?: unknown; nextToken?: unknown }): Page<T> {
  const size = pageSize(request.maxResults);
  let start = 0;
  if (request.nextToken !== undefined && request.nextToken !== null && request.nextToken !== '') {
    let after: string;
    try {
      after = Buffer.from(String(request.nextToken), 'base64url').toString('utf8');
    } catch {
      throw new PagingError('InvalidToken', 'Invalid Token: nextToken was not returned by this endpoint');
    }
    const index = items.findIndex((item) => keyOf(item) === after);
    if (index < 0) throw new PagingError('InvalidToken', 'Invalid Token: nextToken was not returned by this endpoint (or its item is gone)');
    start = index + 1;
  }
  const page = items.slice(start, start + size);
  const more = start + size < items.length;
  return { items: page, nextToken: more && page.length > 0 ? Buffer.from(keyOf(page[page.length - 1]), 'utf8').toString('base64url') : undefined };
}
