import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Remembers which state machine definitions aws-local-stepfunctions has
 * already validated, so the same definition is not validated again.
 *
 * Callers take the key (definitionKey) before constructing the StateMachine,
 * which adds to the definition it is given.
 *
 * Its validator (asl-validator, on ajv) compiles its JSON schemas on every
 * construction: about half a second of CPU, which every test file that
 * builds a test cloud paid (jest gives each file fresh modules), and the
 * biggest share of a `check:lab` re-run. The result depends only on the
 * definition and the validator's version, so a marker file named by their
 * hash is proof enough; a changed definition (or an upgraded validator) has
 * a new hash and is validated again. An invalid definition is never
 * remembered: it fails, with the validator's message, every time.
 *
 * Every test file runs its own stage, whose name is inside the definition's
 * ARNs; the stage is replaced by a placeholder before hashing, so one
 * validation serves every stage (a stage name is letters, digits and
 * hyphens, which is valid wherever the validator checks an ARN or name).
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

export function definitionKey(definition: unknown, stage?: string): string {
  let text = JSON.stringify(definition);
  if (stage && /^[A-Za-z0-9-]+$/.test(stage)) text = text.split(stage).join('\u0000stage\u0000');
  return createHash('sha256').update(validatorVersion()).update('\0').update(text).digest('hex').slice(0, 32);
}

/** True when the definition of this key (for any stage) passed validation before. */
export function alreadyValidated(key: string, cacheDir = CACHE_DIR): boolean {
  return existsSync(path.join(cacheDir, key));
}

/** Records that the definition of this key passed validation; a cache that cannot be written only costs time. */
export function rememberValidated(key: string, cacheDir = CACHE_DIR): void {
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(path.join(cacheDir, key), '');
  } catch {
    // read-only node_modules: validate every time
  }
}
