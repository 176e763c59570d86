import { freePort } from './ports';

/** The four ports `npm start` listens on. */
export interface StartPorts {
  readonly api: number;
  readonly sfn: number;
  readonly dynamodb: number;
  readonly dashboard: number;
}

/**
 * Free ephemeral ports for an `npm start` that a test, the reliability suite
 * or the bench runs: a learner's own `npm start` may hold every default
 * (3000, 8083, 8000 and the dashboard's 3001), and two runs must not collide.
 */
export async function freeStartPorts(): Promise<StartPorts> {
  return { api: await freePort(), sfn: await freePort(), dynamodb: await freePort(), dashboard: await freePort() };
}

/** The `npm start` options that put it on `ports`. */
export function startPortArgs(ports: StartPorts): string[] {
  return [
    '--api-port',
    String(ports.api),
    '--sfn-port',
    String(ports.sfn),
    '--dynamodb-port',
    String(ports.dynamodb),
    '--dashboard-port',
    String(ports.dashboard),
  ];
}
