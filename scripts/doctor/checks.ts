import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startDynamoDbLocal } from '../local-cloud/dynamodb-local';
import { DEFAULT_DASHBOARD_PORT } from '../dashboard/defaults';
import { DEFAULT_PORTS, assertPortFree } from '../local-cloud/ports';
import { loadServiceConfig } from '../local-cloud/serverless-config';

/**
 * The checks behind `npm run doctor`: everything a learner's machine needs
 * for the workshop, each with the fix in plain words. Run it before a
 * session to find a missing Java or a busy port before the first lab does.
 */
export type Outcome = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  readonly outcome: Outcome;
  readonly title: string;
  /** What to do about it (for warn and fail). */
  readonly fix?: string;
}

const ROOT = path.resolve(__dirname, '../..');

export function checkNode(version = process.versions.node): CheckResult {
  const major = Number(version.split('.')[0]);
  if (major < 20) return { outcome: 'fail', title: `Node.js ${version} is too old`, fix: 'Install Node.js 20 or newer (e.g. `nvm install 20`; the repository has an .nvmrc).' };
  return { outcome: 'ok', title: `Node.js ${version}${major < 22 ? ' (Lambda runs nodejs22.x; 20 is fine locally)' : ''}` };
}

export function checkDependencies(): CheckResult {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  const names = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
  const missing = names.filter((name) => !existsSync(path.join(ROOT, 'node_modules', name, 'package.json')));
  if (missing.length > 0) return { outcome: 'fail', title: `npm packages missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`, fix: 'Run `npm ci` in the repository folder.' };
  return { outcome: 'ok', title: `npm packages installed (${names.length})` };
}

/** Parses the major version out of `java -version` output (`openjdk version "17.0.15"`, or `"1.8.0_392"` for Java 8). */
export function javaMajorVersion(output: string): number | undefined {
  const match = output.match(/version "(\d+)(?:\.(\d+))?/);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

export function checkJava(): CheckResult {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const install = 'Install Java 17 or newer: `sudo apt-get install -y openjdk-17-jre-headless` (Debian/Ubuntu) or `brew install openjdk@17` (macOS).';
  if (result.error || result.status !== 0) return { outcome: 'fail', title: 'Java was not found on PATH (DynamoDB Local needs it)', fix: install };
  const major = javaMajorVersion(`${result.stderr}${result.stdout}`);
  if (major === undefined) return { outcome: 'warn', title: 'Java found, but its version could not be read', fix: 'Check that `java -version` reports 17 or newer.' };
  if (major < 17) return { outcome: 'fail', title: `Java ${major} is too old for DynamoDB Local`, fix: install };
  return { outcome: 'ok', title: `Java ${major}` };
}

export function checkServerlessYml(): CheckResult {
  try {
    const config = loadServiceConfig();
    return {
      outcome: 'ok',
      title: `solution/serverless.yml: ${config.tables.length} tables, ${Object.keys(config.functions).length} functions, ${config.stateMachines.length} state machine(s)`,
    };
  } catch (error) {
    return { outcome: 'fail', title: 'solution/serverless.yml cannot be read', fix: (error as Error).message };
  }
}

export async function checkPorts(ports: Record<string, number> = { API: DEFAULT_PORTS.api, Dashboard: DEFAULT_DASHBOARD_PORT, 'Step Functions': DEFAULT_PORTS.sfn, 'DynamoDB Local': DEFAULT_PORTS.dynamodb }): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [what, port] of Object.entries(ports)) {
    try {
      await assertPortFree(port, what);
      results.push({ outcome: 'ok', title: `port ${port} (${what}) is free` });
    } catch (error) {
      results.push({ outcome: 'warn', title: (error as Error).message.split('.')[0], fix: `Stop what uses it, or start with another port (npm start -- --help).` });
    }
  }
  return results;
}

export async function checkDynamoDbLocal(): Promise<CheckResult> {
  const started = Date.now();
  try {
    const engine = await startDynamoDbLocal();
    await engine.stop();
    return { outcome: 'ok', title: `DynamoDB Local starts and answers (${((Date.now() - started) / 1000).toFixed(1)} s)` };
  } catch (error) {
    return { outcome: 'fail', title: 'DynamoDB Local did not start', fix: (error as Error).message.split('\n').slice(0, 4).join(' ') };
  }
}
