/// <reference lib="dom" />
/** Small formatting helpers for the page: escaping first, so no data is ever read as HTML. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export const short = (id: string | undefined) => (id ? id.slice(0, 8) : '—');

export function money(cents: number): string {
  return (cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** "4 s", "3 min", "2 h": how long ago (or, for a countdown, how long until). */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

export function time(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString('en-GB', { hour12: false });
}

/** Pretty JSON for the history panel; text that is not JSON is shown as it is. */
export function prettyJson(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export const STATUS_CLASS: Record<string, string> = {
  PENDING: 'pending',
  INVENTORY_RESERVED: 'progress',
  PAYMENT_PROCESSED: 'progress',
  COMPLETED: 'good',
  COMPENSATING: 'warn',
  FAILED: 'bad',
};
