import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { NotFoundException } from '@nestjs/common';

/**
 * What only the internal port serves: metrics and the applied configuration tell an outsider what
 * the service runs and holds. Case-insensitive and with or without a trailing slash, as Express
 * routes them.
 */
const INTERNAL_ONLY = /^\/(metrics|internal)(\/|$)/i;
/** Served on both ports: probes of the public port (load balancers, compose healthchecks) stay as they were. */
const PROBES = /^\/(healthz|readyz)\/?$/i;

const internalRequests = new WeakSet<IncomingMessage>();

/** Whether the request came in on the internal port (where /readyz details its checks). */
export function arrivedInternally(request: IncomingMessage): boolean {
  return internalRequests.has(request);
}

/** Whether a path is answered on the port the request came in on. */
export function servedOn(internal: boolean, path: string): boolean {
  return internal ? INTERNAL_ONLY.test(path) || PROBES.test(path) : !INTERNAL_ONLY.test(path);
}

interface GateRequest extends IncomingMessage {
  method: string;
  path: string;
}

/**
 * Express middleware, first of all: a path the port does not serve is answered 404 the way an
 * unknown route is (through the body-error middleware, `{error: 'not_found'}`), before any body is read.
 */
export function portGate(request: GateRequest, _response: unknown, next: (error?: unknown) => void): void {
  next(servedOn(arrivedInternally(request), request.path) ? undefined : new NotFoundException(`Cannot ${request.method} ${request.path}`));
}

/** The internal port: the same application, its requests marked as having come in on it. */
export function listenInternal(handler: RequestListener, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    internalRequests.add(request);
    handler(request, response);
  });
  // It never keeps the process alive by itself: the public server's close (graceful shutdown) ends
  // the process as before, and /metrics stays readable while the service drains.
  server.unref();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
