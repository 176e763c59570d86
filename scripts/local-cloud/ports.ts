import net from 'node:net';

/** The local cloud's ports unless told otherwise (8000 and 8083 are DynamoDB Local's and Step Functions Local's usual ones). */
export const DEFAULT_PORTS = { api: 3000, sfn: 8083, dynamodb: 8000 } as const;

/** A port the local cloud needs is taken; the message says which and what to do. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
  ) {
    super(`Port ${port} (${what}) is already in use. Stop whatever uses it (e.g. an earlier npm start) or choose another port.`);
    this.name = 'PortInUseError';
  }
}

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function listenError(error: NodeJS.ErrnoException, port: number, what: string): Error {
  return error.code === 'EADDRINUSE' ? new PortInUseError(port, what) : new Error(`Cannot listen on port ${port} (${what}): ${error.message}`);
}

/** Resolves when nothing listens on `port`, rejects with a PortInUseError when something does. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, port, what)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** Starts `server` listening; a busy port becomes a PortInUseError. Resolves with the port actually bound. */
export async function listenOn(server: net.Server, port: number, host: string, what: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, port, what));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return (server.address() as net.AddressInfo).port;
}

/**
 * The first port from `from` up that is free now and not in `avoid` (the
 * other ports the same command is about to use), for a "try this port"
 * hint; undefined if none of the next `tries` is. Free now is no promise
 * for later, but it never suggests a port known to be busy.
 */
export async function nextFreePort(from: number, avoid: readonly number[], tries = 20): Promise<number | undefined> {
  for (let port = from; port < from + tries && port <= 65535; port++) {
    if (avoid.includes(port)) continue;
    try {
      await assertPortFree(port, 'a suggestion');
      return port;
    } catch {
      // busy (or not ours to use): try the next one
    }
  }
  return undefined;
}
