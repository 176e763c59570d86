import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Results that depend only on some input text, remembered on disk under
 * node_modules/.cache: jest gives every test file fresh modules, so an
 * in-memory cache would be empty in each one, while the same
 * serverless.yml is parsed and the same state machine validated again and
 * again. A memo is named by the hash of everything its result depends on,
 * so a changed input (or an upgraded library) simply misses; a memo never
 * needs invalidating.
 */
export const MEMO_ROOT = path.resolve(__dirname, '../../node_modules/.cache');

/** The memo name for these parts (input text, library versions, ...). */
export function memoKey(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 32);
}

/** The remembered text, or undefined when there is none. */
export function recallMemo(folder: string, key: string): string | undefined {
  try {
    return readFileSync(path.join(folder, key), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Remembers the text. Written aside and renamed, so parallel jest workers
 * never read half a memo; a memo that cannot be written (a read-only
 * node_modules) only costs time.
 */
export function rememberMemo(folder: string, key: string, text: string): void {
  try {
    mkdirSync(folder, { recursive: true });
    const scratch = path.join(folder, `${key}.${process.pid}`);
    writeFileSync(scratch, text);
    renameSync(scratch, path.join(folder, key));
  } catch {
    // no cache: the caller computes it every time
  }
}

/** The installed version of a package, for memo keys; 'unknown' when it cannot be read. */
export function packageVersion(name: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return String(require(`${name}/package.json`).version);
  } catch {
    return 'unknown';
  }
}
