import path from 'node:path';
import { MEMO_ROOT, memoKey, packageVersion, recallMemo, rememberMemo } from './disk-memo';

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
 * a new hash and is validated again. The entry holds the definition as
 * validation left it, so a machine built from it is the one a validation
 * would have built. An invalid definition is never remembered: it fails, with the validator's message, every time.
 *
 * Every test file runs its own stage, whose name is inside the definition's
 * ARNs; the stage is replaced by a placeholder before hashing, so one
 * validation serves every stage (a stage name is letters, digits and
 * hyphens, which is valid wherever the validator checks an ARN or name).
 */
const CACHE_DIR = path.join(MEMO_ROOT, 'sdp-asl-validated');

const validatorVersion = () => `${packageVersion('aws-local-stepfunctions')}+${packageVersion('asl-validator')}`;

const PLACEHOLDER = '\u0000stage\u0000';
const stageSafe = (stage?: string): stage is string => Boolean(stage && /^[A-Za-z0-9-]+$/.test(stage));

export function definitionKey(definition: unknown, stage?: string): string {
  let text = JSON.stringify(definition);
  if (stageSafe(stage)) text = text.split(stage).join(PLACEHOLDER);
  return memoKey(validatorVersion(), text);
}

/**
 * The definition as validation left it (the validator adds defaults, such
 * as each state's QueryLanguage), for this stage; undefined if never validated.
 * Building the machine from it without validating gives the very machine a
 * validation would have given.
 */
export function recallValidated(key: string, stage?: string, cacheDir = CACHE_DIR): Record<string, unknown> | undefined {
  const text = recallMemo(cacheDir, key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(stageSafe(stage) ? text.split(PLACEHOLDER).join(stage) : text) as Record<string, unknown>;
  } catch {
    return undefined; // a damaged entry: validate again
  }
}

/** Records the definition as validation left it; a cache that cannot be written only costs time. */
export function rememberValidated(key: string, validated: unknown, stage?: string, cacheDir = CACHE_DIR): void {
  let text = JSON.stringify(validated);
  if (stageSafe(stage)) text = text.split(stage).join(PLACEHOLDER);
  rememberMemo(cacheDir, key, text);
}
