/**
 * EventBridge schedule expressions, the minimal forms the local cloud runs:
 *
 * - `rate(<n> minute|minutes|hour|hours|day|days)` (n a whole number >= 1;
 *   `1 minute` singular, `5 minutes` plural, as AWS insists);
 * - `cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)`
 *   where minutes and hours are `*`, a number, a step (`0/5`; a star then `/5`), or a
 *   comma list of numbers, and the four date fields are `*` or `?` (every day).
 *
 * Anything else is refused with a ScheduleExpressionError that says what is
 * accepted, so a schedule the local cloud cannot honour is never silently
 * run at the wrong times. Cron times are UTC, as on AWS.
 */
export class ScheduleExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleExpressionError';
  }
}

export type ScheduleExpression =
  | { readonly kind: 'rate'; readonly everyMs: number; readonly text: string }
  | { readonly kind: 'cron'; readonly minutes: ReadonlySet<number>; readonly hours: ReadonlySet<number>; readonly text: string };

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function parseScheduleExpression(text: string, where = 'schedule'): ScheduleExpression {
  const trimmed = String(text).trim();
  const rate = trimmed.match(/^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2].replace(/s$/, '');
    if (value < 1) throw new ScheduleExpressionError(`${where}: rate value must be 1 or more, got "${trimmed}"`);
    if ((value === 1) !== !rate[2].endsWith('s')) {
      throw new ScheduleExpressionError(`${where}: write rate(1 ${unit}) for one and rate(${value === 1 ? 2 : value} ${unit}s) for more, got "${trimmed}"`);
    }
    return { kind: 'rate', everyMs: value * UNIT_MS[unit], text: trimmed };
  }
  const cron = trimmed.match(/^cron\((.*)\)$/);
  if (cron) {
    const fields = cron[1].trim().split(/\s+/);
    if (fields.length !== 6)
      throw new ScheduleExpressionError(
        `${where}: cron() takes 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length} in "${trimmed}"`,
      );
    for (const [index, field] of fields.slice(2).entries()) {
      if (field !== '*' && field !== '?') {
        const name = ['day-of-month', 'month', 'day-of-week', 'year'][index];
        throw new ScheduleExpressionError(`${where}: the local cloud runs cron() with * or ? as ${name}, got "${field}" in "${trimmed}"`);
      }
    }
    return { kind: 'cron', minutes: cronField(fields[0], 59, 'minutes', where), hours: cronField(fields[1], 23, 'hours', where), text: trimmed };
  }
  throw new ScheduleExpressionError(`${where}: expected rate(<n> minutes|hours|days) or cron(<min> <hour> * * ? *), got "${trimmed}"`);
}

function cronField(field: string, max: number, name: string, where: string): ReadonlySet<number> {
  const values = new Set<number>();
  const number = (raw: string) => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value > max) throw new ScheduleExpressionError(`${where}: cron ${name} must be from 0 to ${max}, got "${raw}"`);
    return value;
  };
  const step = field.match(/^(\*|\d+)\/(\d+)$/);
  if (field === '*') for (let v = 0; v <= max; v++) values.add(v);
  else if (step) {
    const by = number(step[2]);
    if (by < 1) throw new ScheduleExpressionError(`${where}: cron ${name} step must be 1 or more, got "${field}"`);
    for (let v = step[1] === '*' ? 0 : number(step[1]); v <= max; v += by) values.add(v);
  } else for (const part of field.split(',')) values.add(number(part));
  return values;
}

/** The first time after `afterMs` (epoch ms) at which the schedule fires. */
export function nextFireTime(expression: ScheduleExpression, afterMs: number): number {
  if (expression.kind === 'rate') return afterMs + expression.everyMs;
  const start = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
  // At most one day of minutes to look through: every hour/minute set is non-empty.
  for (let i = 0; i < 24 * 60; i++) {
    const candidate = new Date(start.getTime() + i * 60_000);
    if (expression.hours.has(candidate.getUTCHours()) && expression.minutes.has(candidate.getUTCMinutes())) return candidate.getTime();
  }
  throw new ScheduleExpressionError(`${expression.text} never fires`);
}
