/**
 * Settings that make DynamoDB Local answer about a second and a half sooner,
 * applied only where the user has not set them:
 * - the quick (C1) compiler only and the single-threaded collector: a local
 *   engine for a workshop never runs long enough to profit from C2 (measured:
 *   even check:lab's background engine, alive for many checks, spent about
 *   twice the CPU per Lab 4 check with C2 compiling beside it);
 * - no usage telemetry (DDB_LOCAL_TELEMETRY=0, documented by AWS): the
 *   engine otherwise prepares to report usage, which an offline workshop
 *   neither needs nor wants.
 *
 * A module of its own, without imports: check:lab's own process reads it
 * without loading the engine's launcher or the AWS SDK.
 */
export const QUICK_START: Readonly<Record<string, string>> = {
  JAVA_TOOL_OPTIONS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC',
  DDB_LOCAL_TELEMETRY: '0',
};
