import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Remembers which state machine definitions aws-local-stepfunctions has
 * already validated, so the same definition is not validated again.
 *
 * Its validator (asl-validator, on ajv) compiles its JSON schemas on every
 * construction: about half a second of CPU, which every test file that
 * builds a test cloud paid (jest gives each file fresh modules), and the
 * biggest share of a `check:lab` re-run. The result depends only on the
 * definition and the validator's version, so a marker file named by their
 * hash is proof enough; a changed definition (or an upgraded validator) has
 * a new hash and is validated again. An invalid definition is never
 * remembered: it fails, with the validator's message, every time.
 */
const CACHE_DIR = path.resolve(__dirname, '../../node_modules/.cache/sdp-asl-validated');

function validatorVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return [require('aws-local-stepfunctions/package.json').version, require('asl-validator/package.json').version].join('+');
  } catch {
    return 'unknown';
  }
}

export function definitionKey(definition: unknown): string {
  return createHash('sha256').update(validatorVersion()).update('\0').update(JSON.stringify(definition)).digest('hex').slice(0, 32);
}

/** True when this exact definition passed validation before. */
export function alreadyValidated(definition: unknown, cacheDir = CACHE_DIR): boolean {
  return existsSync(path.join(cacheDir, definitionKey(definition)));
}

/** Records that the definition passed validation; a cache that cannot be written only costs time. */
export function rememberValidated(definition: unknown, cacheDir = CACHE_DIR): void {
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(path.join(cacheDir, definitionKey(definition)), '');
  } catch {
    // read-only node_modules: validate every time
  }
}
