/** Small node:http helpers: bounded body reading and JSON answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ReadBody {
  /** The first `keepBytes` bytes of the body (or all of it when shorter). */
  raw: Buffer;
  /** Byte length of the whole body. */
  size: number;
}

/** Reads the whole request body, keeping at most `keepBytes` bytes in memory. */
export function readBody(req: IncomingMessage, keepBytes: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (kept < keepBytes) {
        const part = chunk.subarray(0, keepBytes - kept);
        chunks.push(part);
        kept += part.length;
      }
    });
    req.on('end', () => resolve({ raw: Buffer.concat(chunks), size }));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
