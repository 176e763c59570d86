import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The command package.json gives an npm script, ready to spawn with this
 * Node, so a test runs exactly what `npm run <name>` runs (without npm's own
 * half second): change how a script starts and its tests follow.
 *
 * @example const { command, args } = npmScriptCommand('start'); spawn(command, [...args, '--help']);
 */
export function npmScriptCommand(name: string, root = path.resolve(__dirname, '../..')): { command: string; args: string[] } {
  const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  const script = scripts[name];
  if (!script) throw new Error(`package.json has no "${name}" script`);
  if (/["'$&|;<>`\\]/.test(script)) throw new Error(`the "${name}" script is not a plain command (quotes, variables or operators): ${script}`);
  const [program, ...args] = script.trim().split(/\s+/);
  return { command: program === 'node' ? process.execPath : program, args };
}
