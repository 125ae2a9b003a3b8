import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { classifyTransportError, postToLark } from './lark.client';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

describe('postToLark', () => {
  let server: Server;
  let handler: Handler;
  let base: string;
  const agent = new Agent({ keepAliveTimeout: 10 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/open-apis/bot/v2/hook/t`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await agent.close();
  });

  const reply = (status: number, body: string): Handler => (_req, _body, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  };

  it('POSTs JSON and reports success', async () => {
    let seen: { method?: string; type?: string; body?: string } = {};
    handler = (req, body, res) => {
      seen = { method: req.method, type: req.headers['content-type'], body };
      reply(200, '{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}')(req, body, res);
    };
    const result = await postToLark(base, { msg_type: 'text', content: { text: 'alert' } }, { timeoutMs: 2000, dispatcher: agent });
    expect(seen).toEqual({ method: 'POST', type: 'application/json; charset=utf-8', body: '{"msg_type":"text","content":{"text":"alert"}}' });
    expect(result).toMatchObject({ kind: 'response', httpStatus: 200, code: 0, ok: true, outcome: 'ok' });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('classifies Lark error codes from the body', async () => {
    handler = reply(400, '{"code":9499,"msg":"too many request","data":{}}');
    expect(await postToLark(base, {}, { timeoutMs: 2000, dispatcher: agent })).toMatchObject({ rateLimited: true, code: 9499, httpStatus: 400 });
    handler = reply(200, '{"code":19024,"msg":"Key Words Not Found","data":{}}');
    expect(await postToLark(base, {}, { timeoutMs: 2000, dispatcher: agent })).toMatchObject({ permanent: true, reason: 'keyword-not-found' });
    handler = reply(503, 'upstream unavailable');
    expect(await postToLark(base, {}, { timeoutMs: 2000, dispatcher: agent })).toMatchObject({ transient: true, httpStatus: 503 });
  });

  it('sends a ready JSON string unchanged', async () => {
    let received = '';
    handler = (req, body, res) => {
      received = body;
      reply(200, '{"code":0,"msg":"success"}')(req, body, res);
    };
    await postToLark(base, '{"a":1}', { timeoutMs: 2000, dispatcher: agent });
    expect(received).toBe('{"a":1}');
  });

  it('reports a timeout as transient', async () => {
    handler = () => undefined; // never answers
    const result = await postToLark(base, {}, { timeoutMs: 150, dispatcher: agent });
    expect(result).toMatchObject({ kind: 'error', errorKind: 'timeout', transient: true, retryable: true });
  });

  it('reports a refused connection as transient', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await postToLark(`http://127.0.0.1:${port}/open-apis/bot/v2/hook/t`, {}, { timeoutMs: 2000, dispatcher: agent });
    expect(result).toMatchObject({ kind: 'error', errorKind: 'connection', errorCode: 'ECONNREFUSED', transient: true });
  });

  it('reports an unusable URL or body as permanent', async () => {
    expect(await postToLark('not a url', {}, { timeoutMs: 2000, dispatcher: agent })).toMatchObject({ kind: 'error', permanent: true });
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(await postToLark(base, circular, { timeoutMs: 2000, dispatcher: agent })).toMatchObject({
      kind: 'error',
      errorKind: 'invalid-request',
      permanent: true,
    });
  });
});

describe('classifyTransportError', () => {
  it.each([
    [{ name: 'TimeoutError', message: 'The operation was aborted due to timeout' }, 'timeout', 'transient'],
    [{ code: 'UND_ERR_HEADERS_TIMEOUT', message: 'Headers Timeout Error' }, 'timeout', 'transient'],
    [{ code: 'UND_ERR_CONNECT_TIMEOUT', message: 'Connect Timeout Error' }, 'timeout', 'transient'],
    [{ code: 'ECONNRESET', message: 'socket hang up' }, 'connection', 'transient'],
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' }, 'connection', 'transient'],
    [{ code: 'UND_ERR_SOCKET', message: 'other side closed' }, 'connection', 'transient'],
    [{ code: 'UND_ERR_INVALID_ARG', message: 'invalid url' }, 'invalid-request', 'permanent'],
    [{ message: 'fetch failed', cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' } }, 'connection', 'transient'],
    ['weird', 'unknown', 'transient'],
  ] as const)('%j is %s', (error, errorKind, outcome) => {
    expect(classifyTransportError(error)).toMatchObject({ kind: 'error', errorKind, outcome });
  });
});
