/**
 * Lark / Feishu emulator on node:http: custom-bot webhooks at `POST /open-apis/bot/v2/hook/:token`
 * and the app-bot open APIs (tenant token, send and edit cards; see app-routes.ts), with the same
 * paths for open.feishu.cn and open.larksuite.com. The control API lives under `/_emulator`
 * (see admin.ts, app-admin.ts and README.md).
 */
import http from 'node:http';
import { ADMIN_PREFIX, type AdminRequest, handleAdmin } from './admin';
import { handleAppAdmin } from './app-admin';
import { routeAppApi } from './app-routes';
import { createAppState } from './app-state';
import type { AppConfig } from './apps';
import { MAX_BODY_BYTES } from './body';
import { BotRegistry } from './bots';
import { type CallbackContext, DEFAULT_CALLBACK_TIMEOUT_MS, DEFAULT_VERIFY_TIMEOUT_MS } from './click';
import { FaultQueue } from './faults';
import { postJson } from './http-post';
import { readBody, sendJson, sendText } from './http-util';
import { MessageLog } from './message-log';
import { RateLimiter } from './rate-limit';
import type { BotConfig } from './types';
import { type EmulatorState, handleWebhook } from './webhook';

export interface LarkEmulatorOptions {
  /** Milliseconds since the epoch; drives signatures, rate windows and log times. */
  clock?: () => number;
  /** Bots registered at start. */
  bots?: BotConfig[];
  /** Apps (app bots) registered at start. */
  apps?: AppConfig[];
  /** How long a click waits for the app's callback answer; Lark's is 3 s. */
  callbackTimeoutMs?: number;
  /** How long URL verification waits for the echoed challenge; Lark's is 1 s. */
  verifyTimeoutMs?: number;
}

export interface LarkEmulator {
  server: http.Server;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

const HOOK_PATH = /^\/open-apis\/bot\/v2\/hook\/([^/]+)\/?$/;
const ADMIN_BODY_BYTES = 1024 * 1024;

function decodeToken(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function createLarkEmulator(options: LarkEmulatorOptions = {}): LarkEmulator {
  const state: EmulatorState = {
    bots: new BotRegistry(),
    log: new MessageLog(),
    limiter: new RateLimiter(),
    faults: new FaultQueue(),
    clock: options.clock ?? Date.now,
  };
  for (const bot of options.bots ?? []) state.bots.upsert(bot);
  const heldTimers = new Set<NodeJS.Timeout>();
  // Aborts callbacks still waiting for an app when the emulator closes.
  const shutdown = new AbortController();
  const callbacks: CallbackContext = {
    state: createAppState(state.clock, options.apps),
    post: (url, body, headers, timeoutMs) => postJson(url, body, headers, timeoutMs, shutdown.signal),
    callbackTimeoutMs: options.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS,
    verifyTimeoutMs: options.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
  };

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const hook = HOOK_PATH.exec(url.pathname);
    if (hook && req.method === 'POST') {
      const { raw, size } = await readBody(req, MAX_BODY_BYTES + 1);
      const outcome = handleWebhook(state, {
        token: decodeToken(hook[1] ?? ''),
        raw,
        rawSize: size,
        contentType: req.headers['content-type'],
      });
      if (outcome.kind === 'reply') return sendJson(res, outcome.reply.status, outcome.reply.body);
      if (outcome.kind === 'http5xx') return sendText(res, outcome.status, `injected HTTP ${outcome.status}`);
      const timer = setTimeout(() => {
        heldTimers.delete(timer);
        req.socket.destroy();
      }, outcome.ms);
      heldTimers.add(timer);
      return;
    }
    if (await routeAppApi(callbacks.state, req, res, url)) return;
    if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) {
      const { raw, size } = await readBody(req, ADMIN_BODY_BYTES);
      if (size > ADMIN_BODY_BYTES) return sendJson(res, 413, { error: 'body too large' });
      const adminRequest: AdminRequest = {
        method: req.method ?? 'GET',
        path: url.pathname.slice(ADMIN_PREFIX.length),
        query: url.searchParams,
        raw,
      };
      const reply = (await handleAppAdmin(callbacks, adminRequest)) ?? handleAdmin(state, adminRequest);
      return sendJson(res, reply.status, reply.body);
    }
    sendJson(res, 404, { code: 404, data: {}, msg: 'page not found' });
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: String(err) });
      else res.destroy();
    });
  });

  return {
    server,
    listen(port: number, host = '127.0.0.1'): Promise<number> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    close(): Promise<void> {
      shutdown.abort();
      for (const timer of heldTimers) clearTimeout(timer);
      heldTimers.clear();
      return new Promise((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
