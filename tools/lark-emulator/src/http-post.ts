/** One POST from the emulator to an app's callback endpoint, with a hard deadline (node:http only). */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';

export type PostResult =
  | { ok: true; status: number; text: string; ms: number }
  | { ok: false; error: string; ms: number };

export type PostFn = (url: string, body: string, headers: Record<string, string>, timeoutMs: number) => Promise<PostResult>;

const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * Resolves with the answer, or with `ok: false` when there is none within `timeoutMs` (Lark gives
 * up on a callback after 3 s, on URL verification after 1 s) or the connection fails. Never
 * rejects. `signal` aborts it early (the emulator closing).
 */
export function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(
      target,
      { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
        });
        res.on('end', () => finish({ ok: true, status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: elapsed() }));
        res.on('error', (err) => finish({ ok: false, error: err.message, ms: elapsed() }));
      },
    );
    const timer = setTimeout(() => {
      finish({ ok: false, error: `no answer within ${timeoutMs} ms`, ms: elapsed() });
      req.destroy();
    }, timeoutMs);
    const onAbort = () => {
      finish({ ok: false, error: 'emulator closing', ms: elapsed() });
      req.destroy();
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort);
    req.on('error', (err) => finish({ ok: false, error: err.message, ms: elapsed() }));
    req.end(body);
  });
}
