/**
 * Lark / Feishu custom-bot webhook emulator on node:http. The webhook lives at
 * `POST /open-apis/bot/v2/hook/:token` (same path for open.feishu.cn and open.larksuite.com);
 * the control API lives under `/_emulator` (see admin.ts and README.md).
 */
import http from 'node:http';
import { ADMIN_PREFIX, handleAdmin } from './admin';
import { MAX_BODY_BYTES } from './body';
import { BotRegistry } from './bots';
import { FaultQueue } from './faults';
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
    if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) {
      const { raw, size } = await readBody(req, ADMIN_BODY_BYTES);
      if (size > ADMIN_BODY_BYTES) return sendJson(res, 413, { error: 'body too large' });
      const reply = handleAdmin(state, {
        method: req.method ?? 'GET',
        path: url.pathname.slice(ADMIN_PREFIX.length),
        query: url.searchParams,
        raw,
      });
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
