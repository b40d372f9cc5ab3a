/**
 * TCP port helpers for the local platform: the gateway and DynamoDB Local each
 * need a port, and a clear message beats Java's `BindException` stack trace.
 */
import { createServer } from 'node:net';
import { SetupError } from './errors.js';

/** A port the kernel considers free right now (bind to 0, read it, release it). */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('Could not find a free TCP port'))));
    });
  });
}

/**
 * True when nothing listens on `port`. Binds without a host (all interfaces, IPv4 and
 * IPv6) because DynamoDB Local binds that way too: a listener on any one interface
 * would make it fail.
 */
export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    });
    server.listen({ port }, () => server.close(() => resolve(true)));
  });
}

export class PortInUseError extends SetupError {
  constructor(
    readonly port: number,
    what: string,
  ) {
    super(`Port ${port} is already in use (${what}). Stop whatever listens there, or choose another port.`);
    this.name = 'PortInUseError';
  }
}

export async function assertPortFree(port: number, what: string): Promise<void> {
  if (!(await isPortFree(port))) throw new PortInUseError(port, what);
}
