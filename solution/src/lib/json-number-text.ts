/** A number, true, false or null, matched exactly at `lastIndex` (the `y` flag). */
const LITERAL = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/**
 * The exact text of every number in a JSON document, by field path.
 *
 * Why: `JSON.parse` turns `19.999999999` into a binary double before any
 * check can see it, and `0.30000000000000004` into the very double that
 * `0.1 + 0.2` gives. Whether a price has "at most two decimals" is a question
 * about what the client WROTE, so it must be answered from the text.
 *
 * This is a small scanner for JSON that `JSON.parse` has already accepted
 * (so it does not report syntax errors; it only walks the text). Paths use the
 * same form as validation messages: `items[0].price`. When a key repeats,
 * the last one wins, exactly as in `JSON.parse`.
 *
 * @example numberTexts('{"items":[{"price":1e-9}]}').get('items[0].price') === '1e-9'
 */
export function numberTexts(text: string): Map<string, string> {
  const found = new Map<string, string>();
  let position = 0;

  const skipWhitespace = () => {
    while (position < text.length && ' \t\n\r'.includes(text[position])) position++;
  };

  /** Reads a string literal starting at the opening quote; returns its decoded value. */
  const readString = (): string => {
    const start = position;
    position++; // opening quote
    while (text[position] !== '"') position += text[position] === '\\' ? 2 : 1;
    position++; // closing quote
    return JSON.parse(text.slice(start, position)) as string;
  };

  const readValue = (path: string): void => {
    skipWhitespace();
    const char = text[position];
    if (char === '{') {
      position++;
      skipWhitespace();
      if (text[position] === '}') {
        position++;
        return;
      }
      for (;;) {
        skipWhitespace();
        const key = readString();
        skipWhitespace();
        position++; // colon
        readValue(path === '' ? key : `${path}.${key}`);
        skipWhitespace();
        if (text[position++] === '}') return; // otherwise it was a comma
      }
    }
    if (char === '[') {
      position++;
      skipWhitespace();
      if (text[position] === ']') {
        position++;
        return;
      }
      for (let index = 0; ; index++) {
        readValue(`${path}[${index}]`);
        skipWhitespace();
        if (text[position++] === ']') return;
      }
    }
    if (char === '"') {
      readString();
      return;
    }
    LITERAL.lastIndex = position;
    const literal = LITERAL.exec(text);
    if (!literal) throw new SyntaxError(`numberTexts: unexpected character at ${position}; parse the text with JSON.parse first`);
    position += literal[0].length;
    if (literal[0] !== 'true' && literal[0] !== 'false' && literal[0] !== 'null') found.set(path, literal[0]);
  };

  readValue('');
  return found;
}

/**
 * True when a JSON number is written as a plain decimal with at most two
 * digits after the point: `20`, `19.9`, `19.99`. Exponents (`1e-9`, `2E2`)
 * and a third decimal (`19.990`) are refused: an amount of money is written
 * the way a person reads it.
 */
export function isAtMostTwoDecimals(numberText: string): boolean {
  return /^-?\d+(?:\.\d{1,2})?$/.test(numberText);
}
