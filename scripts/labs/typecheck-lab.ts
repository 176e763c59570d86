import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Lab, REPO_ROOT, SOLUTION_FOLDER } from './manifest';
import { TsconfigError, writeBuildConfig, writeJsonIfChanged } from './tsc-build-config';

/**
 * check:lab's type check of the code it checks. Jest strips types without
 * checking them (and so does esbuild when the service is packaged), so a
 * type error reaches Lambda as a runtime bug unless something runs the
 * compiler: check:lab never calls a lab complete while tsc rejects its code.
 *
 * It runs tsc (TypeScript 7's native compiler: about a second per lab) in a
 * child process, concurrently with jest, on the lab's program only, in
 * build mode so that an unchanged program that was clean is not checked
 * again (tsc-build-config.ts):
 * - a lab: labs/<lab>/tsconfig.json, the lab's own resolution (its files win
 *   over solution/src's), as `npm run typecheck` checks it;
 * - --solution: solution/src with the lab's tests, from a generated config.
 */
export interface TypeErrorAt {
  /** Repository-relative. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** e.g. TS2322 */
  readonly code: string;
  /** The compiler's message, its follow-up lines joined. */
  readonly message: string;
}

export class TypecheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TypecheckError';
  }
}

const TSC = path.join(REPO_ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'tsc.cmd' : 'tsc');
const CONFIG_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'check-lab');
// tsc --pretty false: "path(line,col): error TS1234: message", continuation lines indented.
const ERROR_LINE = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;

/** The tsconfig that resolves the code as check:lab runs it (codeRoot: the lab folder or solution). */
export function tsconfigFor(lab: Lab, codeRoot: string): string {
  if (codeRoot !== SOLUTION_FOLDER) return path.join(REPO_ROOT, codeRoot, 'tsconfig.json');
  // Generated under node_modules/.cache (inside the repository, so @types resolve as for the root config).
  mkdirSync(CONFIG_DIR, { recursive: true });
  const file = path.join(CONFIG_DIR, `tsconfig.lab-${lab.id}-solution.json`);
  const config = {
    extends: path.join(REPO_ROOT, 'tsconfig.json'),
    compilerOptions: { paths: { '@app/*': [path.join(REPO_ROOT, SOLUTION_FOLDER, 'src', '*')] } },
    include: [path.join(REPO_ROOT, SOLUTION_FOLDER, 'src', '**', '*.ts'), path.join(REPO_ROOT, path.dirname(lab.test), '**', '*.ts')],
  };
  writeJsonIfChanged(file, config);
  return file;
}

/** Parses tsc's plain output into errors, paths repository-relative. */
export function parseTscOutput(output: string): TypeErrorAt[] {
  const errors: TypeErrorAt[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const match = raw.match(ERROR_LINE);
    if (match) {
      const file = path.relative(REPO_ROOT, path.resolve(REPO_ROOT, match[1]));
      errors.push({ file, line: Number(match[2]), column: Number(match[3]), code: match[4], message: match[5].trim() });
    } else if (errors.length > 0 && /^\s+\S/.test(raw)) {
      const last = errors[errors.length - 1];
      errors[errors.length - 1] = { ...last, message: `${last.message} ${raw.trim()}` };
    }
  }
  return errors;
}

/** The type errors of the code check:lab is about to test; empty when it compiles. */
export function typecheckLab(lab: Lab, codeRoot: string): Promise<TypeErrorAt[]> {
  const config = tsconfigFor(lab, codeRoot);
  return new Promise((resolve, reject) => {
    // One build config and build-info file per program (lab and code tree).
    mkdirSync(CONFIG_DIR, { recursive: true });
    const program = `lab-${lab.id}-${codeRoot === SOLUTION_FOLDER ? 'solution' : path.basename(codeRoot)}`;
    const buildConfig = path.join(CONFIG_DIR, `tsconfig.${program}.build.json`);
    try {
      writeBuildConfig(config, buildConfig, path.join(CONFIG_DIR, `${program}.tsbuildinfo`));
    } catch (error) {
      reject(error instanceof TsconfigError ? new TypecheckError(error.message) : error);
      return;
    }
    const args = ['-b', buildConfig, '--pretty', 'false'];
    const child = spawn(TSC, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => reject(new TypecheckError(`tsc could not start (${error.message}); run npm ci`)));
    child.on('close', (status) => {
      const errors = parseTscOutput(output);
      if (status !== 0 && errors.length === 0)
        reject(new TypecheckError(`tsc -b ${path.relative(REPO_ROOT, buildConfig)} (for ${path.relative(REPO_ROOT, config)}) failed:\n${output.trim()}`));
      else resolve(errors);
    });
  });
}
