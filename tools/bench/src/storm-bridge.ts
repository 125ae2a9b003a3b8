/**
 * The Alertmanager-to-Lark bridge of the delivery storm, run inside the benchmark: an HTTP server
 * taking Alertmanager's webhooks and posting each notification as one card to a Lark bot, the way
 * the usual bridges do: one POST per notification, as soon as it arrives, no rate limiting. With
 * `retries` > 0 a refused post (rate limit, 5xx, no answer) is tried again after 1 s, 2 s, 4 s…
 * Alertmanager always gets 200 once the posts are over, so it never retries on its own.
 */
import { createWriteStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { bridgeCard, parseAlertmanagerWebhook, type BridgeCardStyle } from './storm-bridge-card';
import { BridgeTally, isAccepted, isRetryable, type PostAnswer } from './storm-tally';

export interface BridgeOptions {
  host: string;
  port: number;
  /** The bot's webhook URL (`…/open-apis/bot/v2/hook/<token>`). */
  larkUrl: string;
  style: BridgeCardStyle;
  retries: number;
  /** First retry delay; doubles each time. */
  retryDelayMs?: number;
  requestTimeoutMs?: number;
  /** One JSON line per notification: group, alerts, card size, every answer. */
  postsLogFile: string;
}

export interface RunningBridge {
  url: string;
  tally: BridgeTally;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function post(url: string, body: string, timeoutMs: number): Promise<PostAnswer> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let parsed: { code?: unknown; msg?: unknown } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // A 5xx page: no Lark code.
    }
    return {
      httpStatus: response.status,
      code: typeof parsed.code === 'number' ? parsed.code : null,
      ...(typeof parsed.msg === 'string' ? { msg: parsed.msg } : {}),
    };
  } catch (error) {
    return { httpStatus: null, code: null, error: error instanceof Error ? error.message : String(error) };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const tally = new BridgeTally();
  const postsLog = createWriteStream(options.postsLogFile, { flags: 'a' });
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  let sequence = 0;

  const handle = async (text: string): Promise<number> => {
    let webhook;
    try {
      webhook = parseAlertmanagerWebhook(JSON.parse(text));
    } catch {
      return 400;
    }
    const receivedAt = new Date();
    const id = `am-${++sequence}`;
    const card = bridgeCard(webhook, options.style, id, receivedAt);
    const groupKey = webhook.groupKey ?? JSON.stringify(webhook.groupLabels ?? {});
    tally.startNotification(groupKey, card.fingerprints, card.bytes);
    const body = JSON.stringify(card.message);
    const answers: PostAnswer[] = [];
    let answer: PostAnswer;
    for (let attempt = 0; ; attempt++) {
      tally.recordPost(attempt > 0);
      answer = await post(options.larkUrl, body, timeoutMs);
      answers.push(answer);
      if (isAccepted(answer) || attempt >= options.retries || !isRetryable(answer)) break;
      await sleep(retryDelayMs * 2 ** attempt);
    }
    tally.finishNotification(isAccepted(answer), card.fingerprints);
    postsLog.write(
      `${JSON.stringify({ id, receivedAt: receivedAt.toISOString(), groupKey, status: webhook.status, alerts: webhook.alerts.length, cardBytes: card.bytes, answers })}\n`,
    );
    return 200;
  };

  const server: Server = createServer((request, response) => {
    if (request.method !== 'POST') {
      response.writeHead(405).end();
      return;
    }
    readBody(request)
      .then(handle)
      .then(
        (status) => response.writeHead(status, { 'content-type': 'application/json' }).end('{}'),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    url: `http://${options.host}:${options.port}/alertmanager`,
    tally,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => postsLog.end(() => resolve()));
    },
  };
}
