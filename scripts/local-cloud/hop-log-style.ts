/**
 * How a hop log line looks: on a terminal (full ids, the time to the
 * millisecond, the usual colours) or on a projector (`npm start --
 * --projector`): short ids, no faint grey or yellow, and lines wrapped to fit
 * 100 columns, because the back row of a classroom reads what a learner's
 * laptop shows in small print.
 */
export type Tone = 'plain' | 'good' | 'bad' | 'warn' | 'dim';

/** The columns a projected line fits in. */
export const PROJECTOR_COLUMNS = 100;
/** A projected order id: its first 8 characters, enough to tell a room's orders apart. */
export const SHORT_ID_LENGTH = 8;

const UUID = /\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

export interface LineStyle {
  readonly time: (date: Date) => string;
  readonly id: (id: string | undefined) => string;
  /** The message as shown: projected, UUIDs inside it are shortened too. */
  readonly text: (message: string) => string;
  readonly timeColor?: string;
  readonly idColor?: string;
  readonly componentColor: (component: string) => string | undefined;
  readonly toneColor: (tone: Tone) => string | undefined;
  /** Wrap a line's message to this many columns in total (undefined: never wrap). */
  readonly columns?: number;
}

const two = (n: number, width = 2) => String(n).padStart(width, '0');
const clock = (date: Date) => `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;

const COMPONENT_COLORS: Record<string, string> = { api: '36', stream: '35', relay: '34', saga: '33', sched: '34', events: '36', local: '90' };
const TONE_COLORS: Record<Tone, string | undefined> = { plain: undefined, good: '32', bad: '31', warn: '33', dim: '90' };
/** Bold, and only colours that stay readable on a washed-out projected image (no grey, no yellow). */
const PROJECTOR_TONES: Record<Tone, string | undefined> = { plain: undefined, good: '1;32', bad: '1;31', warn: '1;35', dim: undefined };

export const TERMINAL_STYLE: LineStyle = {
  time: (date) => `${clock(date)}.${two(date.getMilliseconds(), 3)}`,
  id: (id) => (id ?? '-').padEnd(36),
  text: (message) => message,
  timeColor: '90',
  idColor: '90',
  componentColor: (component) => COMPONENT_COLORS[component],
  toneColor: (tone) => TONE_COLORS[tone],
};

export const shortId = (id: string) => (id.length > SHORT_ID_LENGTH ? id.slice(0, SHORT_ID_LENGTH) : id);

export const PROJECTOR_STYLE: LineStyle = {
  time: clock,
  id: (id) => (id === undefined ? '-' : shortId(id)).padEnd(SHORT_ID_LENGTH),
  text: (message) => message.replace(UUID, '$1'),
  componentColor: () => '1',
  toneColor: (tone) => PROJECTOR_TONES[tone],
  columns: PROJECTOR_COLUMNS,
};

/**
 * Splits a message into lines of at most `width` characters, at spaces where
 * it can (a long word is cut), so nothing runs off the projected screen.
 */
export function wrap(message: string, width: number): string[] {
  const lines: string[] = [];
  let rest = message;
  while ([...rest].length > width) {
    const chars = [...rest];
    const head = chars.slice(0, width + 1).join('');
    const space = head.lastIndexOf(' ');
    const cut = space > width / 3 ? space : chars.slice(0, width).join('').length;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}
