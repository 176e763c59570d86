import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';

/**
 * The tsconfig check:lab hands to `tsc -b`. With a build info file, -b first
 * asks whether any file the program read has changed since the last check
 * and, when none has and that check was clean, stops there: about 0.15 s
 * instead of a full check (about a second of CPU, which on a two-core
 * machine jest would otherwise wait for). A program with errors is checked
 * again every time, and any changed, added or removed file means a full
 * check: the answer is never older than the code.
 *
 * -b accepts the build info's location only from the config file, and a
 * lab's tsconfig.json stays as it is (the lab folder holds only what the
 * learner edits, and editors read it). So this writes a copy under
 * node_modules/.cache: the config's chain of `extends`, flattened where it
 * uses `${configDir}` (which would otherwise name the cache folder, not the
 * lab), every path made absolute, plus `incremental` and `tsBuildInfoFile`.
 */
export class TsconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TsconfigError';
  }
}

type Json = Record<string, unknown>;

interface Link {
  readonly file: string;
  readonly dir: string;
  readonly json: Json;
}

const CONFIG_DIR = '${configDir}';

/** Writes the config for `tsc -b` to `outFile` (only if it changed: -b rebuilds when its config is newer). */
export function writeBuildConfig(configFile: string, outFile: string, buildInfoFile: string): void {
  const chain = chainOf(configFile);
  const leafDir = path.dirname(path.resolve(configFile));
  // The ancestors from the first one free of ${configDir} upward are extended as they are.
  let kept = chain.length;
  while (kept > 0 && !JSON.stringify(chain[kept - 1].json).includes(CONFIG_DIR)) kept -= 1;
  const flattened = chain
    .slice(0, kept)
    .reverse()
    .map((link) => absolute(substitute(link.json, leafDir) as Json, link.dir));
  const merged = flattened.reduce<Json>(
    (parent, child) => ({ ...parent, ...child, compilerOptions: { ...(parent.compilerOptions as Json), ...(child.compilerOptions as Json) } }),
    {},
  );
  delete merged.extends;
  const base = chain[kept];
  const config = {
    ...(base ? { extends: base.file } : {}),
    ...merged,
    compilerOptions: { ...(merged.compilerOptions as Json), incremental: true, tsBuildInfoFile: buildInfoFile },
  };
  writeJsonIfChanged(outFile, config);
}

/** Writes JSON only when it differs from the file's: tsc -b takes a newer config for a changed program. */
export function writeJsonIfChanged(file: string, json: unknown): void {
  const text = `${JSON.stringify(json, null, 2)}\n`;
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== text) writeFileSync(file, text);
}

function readConfig(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TsconfigError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const errors: ParseError[] = [];
  const json = parse(text, errors, { allowTrailingComma: true });
  if (errors.length > 0 || typeof json !== 'object' || json === null) {
    const reason = errors[0] ? `${printParseErrorCode(errors[0].error)} at offset ${errors[0].offset}` : 'not an object';
    throw new TsconfigError(`${file} is not a valid tsconfig: ${reason}`);
  }
  return json as Json;
}

/** The config and the files it extends, the config first; a package name ends the chain. */
function chainOf(configFile: string): Link[] {
  const chain: Link[] = [];
  let file: string | undefined = path.resolve(configFile);
  while (file) {
    if (chain.some((link) => link.file === file)) throw new TsconfigError(`${configFile}: its extends form a loop`);
    const json = readConfig(file);
    const dir = path.dirname(file);
    chain.push({ file, dir, json });
    const parent = json.extends;
    file = typeof parent === 'string' && (parent.startsWith('.') || path.isAbsolute(parent)) ? withJsonExtension(path.resolve(dir, parent)) : undefined;
  }
  return chain;
}

const withJsonExtension = (file: string) => (file.endsWith('.json') ? file : `${file}.json`);

function substitute(value: unknown, leafDir: string): unknown {
  if (typeof value === 'string') return value.split(CONFIG_DIR).join(leafDir);
  if (Array.isArray(value)) return value.map((item) => substitute(item, leafDir));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, leafDir)]));
  return value;
}

/** A config's relative paths resolve against its own folder: made absolute, they survive the move to the cache. */
function absolute(json: Json, dir: string): Json {
  const resolve = (entry: unknown) => (typeof entry === 'string' ? path.resolve(dir, entry) : entry);
  const list = (value: unknown) => (Array.isArray(value) ? value.map(resolve) : value);
  const result: Json = { ...json };
  for (const key of ['include', 'exclude', 'files']) if (key in result) result[key] = list(result[key]);
  if (typeof result.extends === 'string' && result.extends.startsWith('.')) result.extends = path.resolve(dir, result.extends);
  const options = result.compilerOptions as Json | undefined;
  if (options) {
    const fixed: Json = { ...options };
    for (const key of ['rootDirs', 'typeRoots']) if (key in fixed) fixed[key] = list(fixed[key]);
    for (const key of ['rootDir', 'baseUrl']) if (key in fixed) fixed[key] = resolve(fixed[key]);
    if (fixed.paths && typeof fixed.paths === 'object') {
      const from = typeof fixed.baseUrl === 'string' ? fixed.baseUrl : dir;
      fixed.paths = Object.fromEntries(
        Object.entries(fixed.paths as Json).map(([name, targets]) => [
          name,
          Array.isArray(targets) ? targets.map((t) => (typeof t === 'string' ? path.resolve(from, t) : t)) : targets,
        ]),
      );
    }
    result.compilerOptions = fixed;
  }
  return result;
}
