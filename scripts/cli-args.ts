/**
 * Minimal `--name value` / `--flag` parsing for the repository's scripts,
 * with errors that say which argument is wrong and what is accepted.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(
  argv: readonly string[],
  spec: { values: readonly string[]; flags?: readonly string[] },
): { values: Record<string, string>; flags: Set<string> } {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const name = arg.replace(/^--/, '');
    if (!arg.startsWith('--')) throw new UsageError(`Unexpected argument "${arg}"`);
    if (spec.flags?.includes(name)) {
      flags.add(name);
    } else if (spec.values.includes(name)) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      values[name] = value;
      i++;
    } else {
      const known = [...spec.values, ...(spec.flags ?? [])].map((n) => `--${n}`).join(', ');
      throw new UsageError(`Unknown option ${arg} (known: ${known})`);
    }
  }
  return { values, flags };
}

/**
 * Stage names end up inside IAM role names (64 characters at most), so they
 * must stay short: 10 characters fit every role this service creates in
 * us-east-1 (see docs/deploy.md for other regions).
 */
export const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,9}$/;

export function checkStage(stage: string): string {
  if (!STAGE_PATTERN.test(stage)) throw new UsageError(`--stage "${stage}" must be 1-10 lower-case letters, digits or -, starting with a letter`);
  return stage;
}
