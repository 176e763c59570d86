import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The order ids the hop log has seen created, so that an idempotent replay
 * (same key, same answer, nothing written) is not logged as a new order.
 *
 * Bounded: only the newest `max` ids are remembered (a replay is only
 * possible within the 10-minute idempotency window anyway). With `--persist`
 * the ids are appended to a journal beside the data, so after a restart a
 * retried request is still recognised as a replay; the journal is compacted
 * to the newest ids when it is loaded.
 */
export class KnownOrders {
  private readonly ids = new Set<string>();

  constructor(
    private readonly max = 10_000,
    private readonly journal?: string,
  ) {
    if (journal && existsSync(journal)) {
      const lines = readFileSync(journal, 'utf8').split('\n').filter(Boolean);
      for (const id of lines.slice(-max)) this.ids.add(id);
      if (lines.length > max * 2) writeFileSync(journal, `${[...this.ids].join('\n')}\n`);
    }
  }

  has(orderId: string): boolean {
    return this.ids.has(orderId);
  }

  add(orderId: string): void {
    if (this.ids.has(orderId)) return;
    this.ids.add(orderId);
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value as string);
    if (this.journal) {
      mkdirSync(path.dirname(this.journal), { recursive: true });
      appendFileSync(this.journal, `${orderId}\n`);
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
