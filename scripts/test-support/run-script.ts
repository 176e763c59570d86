import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');
// tsx's CLI run by this very node, so a test may hand the script a PATH without node on it.
const TSX_CLI = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const run = promisify(execFile);

export interface ScriptResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `scripts/<script>` as `npm run` would (through tsx, from the repo root) and reports how it ended. */
export async function runScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ScriptResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [TSX_CLI, path.join(ROOT, 'scripts', script), ...args], { cwd: ROOT, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
