import { HttpException } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, randomBytes } from 'node:crypto';
import { Agent } from 'undici';
import { cardPreviewBodySchema, cardSampleBodySchema, createNotificationObjectBodySchema } from '@alertlark/contracts';
import { jsonBytes, missingKeywords } from '@alertlark/lark';
import type { NotificationObjectRecord } from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
import { ZodPipe } from '@alertlark/service-kit';
import { cardValidationIssues, previewCard, previewUnsavedCard, sendTestCard } from './notification-object-card.usecase';
import { TestSendLimiter } from './test-send.limiter';

const secrets = new SecretBox(randomBytes(32));
const owner = { teamId: 't1', objectId: 'nobj_1' };
const env = { ALERTLARK_CONSOLE_URL: 'https://console.example.com', ALERTLARK_WEBHOOK_HOSTS_ALLOW: [] as string[] };

function record(fields: Partial<NotificationObjectRecord> & { url?: string; secret?: string } = {}): NotificationObjectRecord {
  const { url = 'https://open.feishu.cn/open-apis/bot/v2/hook/tok-123456', secret, ...rest } = fields;
  return {
    _id: 'nobj_1',
    teamId: 't1',
    name: 'ops',
    webhookUrlEncrypted: secrets.seal(url, owner, 'webhookUrl'),
    webhookHost: 'https://open.feishu.cn',
    webhookTokenTail: '3456',
    ...(secret ? { secretEncrypted: secrets.seal(secret, owner, 'secret') } : {}),
    keywords: ['alert'],
    createdAt: new Date(),
    updatedAt: new Date(),
    version: 1,
    publishedVersion: 1,
    ...rest,
  };
}

const sample = (body: unknown) => cardSampleBodySchema.parse(body);

describe('cardValidationIssues', () => {
  it('names problems from the body, under card.', () => {
    const body = createNotificationObjectBodySchema.parse({
      name: 'x',
      webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/t',
      keywords: ['alert'],
      card: { titleTemplate: '{{nope}}', template: { elements: [{ tag: 'markdown', content: '{{labels.a}} {{alertnam}}' }] } },
    });
    expect(cardValidationIssues(body.card, body)).toEqual([
      { path: 'card.titleTemplate', message: expect.stringContaining('unknown placeholder {{nope}}') },
      { path: 'card.template.elements.0.content', message: expect.stringContaining('unknown placeholder {{alertnam}}') },
    ]);
    expect(cardValidationIssues(undefined, body)).toEqual([]);
  });

  it('the request pipe refuses a bad colour and a template that is neither text nor object', () => {
    const pipe = new ZodPipe(createNotificationObjectBodySchema);
    const base = { name: 'x', webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/t' };
    expect(() => pipe.transform({ ...base, card: { severityColors: { critical: 'pink' } } })).toThrow(/card\.severityColors\.critical/);
    expect(() => pipe.transform({ ...base, card: { template: 42 } })).toThrow(/card\.template/);
  });
});

describe('previewCard', () => {
  it('renders the built-in sample with the object config: exact body, size and counts', () => {
    const object = record({ card: { language: 'en', titleTemplate: '{{status}}: {{alertname}} ({{labels.cluster}})', severityColors: { critical: 'carmine' }, labels: ['instance', 'job'] } });
    const answer = previewCard(object, sample(undefined), env, Date.UTC(2024, 4, 1, 12));
    expect(answer).toMatchObject({ shownAlerts: 3, omittedAlerts: 0, bytes: jsonBytes(answer.card) });
    const json = JSON.stringify(answer.card);
    expect(json).toContain('"title":{"tag":"plain_text","content":"Firing: HighCPUUsage (prod)"},"template":"carmine"');
    expect(json).toContain('**job**: node');
    expect(json).toContain('https://console.example.com/alerts?group=');
    expect(json).not.toContain('"sign"');
    expect(missingKeywords(answer.card, ['alert'])).toEqual([]);
  });

  it('renders given alerts, labels as pairs or as an object, and the requested status', () => {
    const body = sample({
      status: 'resolved',
      alerts: [
        { status: 'resolved', labels: { alertname: 'DiskFull', instance: 'db-1' }, annotations: { summary: 'disk' } },
        { status: 'resolved', labels: [{ name: 'alertname', value: 'DiskFull' }, { name: 'instance', value: 'db-2' }] },
      ],
    });
    const answer = previewCard(record(), body, env);
    const json = JSON.stringify(answer.card);
    expect(json).toContain('[RESOLVED] DiskFull');
    expect(json).toContain('"template":"green"');
    expect(json).toContain('db-2');
    expect(answer).toMatchObject({ shownAlerts: 2, omittedAlerts: 0 });
  });

  it('shows what fits of a large group and counts the rest', () => {
    const alerts = Array.from({ length: 300 }, (_, i) => ({ labels: { alertname: 'Flood', instance: `node-${i}` }, annotations: { summary: 'x'.repeat(2000) } }));
    const answer = previewCard(record(), sample({ alerts }), env);
    expect(answer.bytes).toBeLessThanOrEqual(19_456);
    expect(answer.shownAlerts + answer.omittedAlerts).toBe(300);
    expect(answer.omittedAlerts).toBeGreaterThan(0);
  });
});

describe('previewUnsavedCard', () => {
  const unsaved = (body: unknown) => cardPreviewBodySchema.parse(body);
  const at = Date.UTC(2024, 4, 1, 12);

  it("is the card a saved chatbot with the same name, keywords and config gets: one renderer", () => {
    const card = { language: 'en' as const, titleTemplate: 'alert {{alertname}} on {{labels.cluster}}', severityColors: { critical: 'carmine' as const } };
    const answer = previewUnsavedCard(unsaved({ name: 'ops', keywords: ['alert'], card }), env, at);
    expect(answer).toEqual(previewCard(record({ card }), sample({}), env, at));
    expect(JSON.stringify(answer.card)).toContain('"title":{"tag":"plain_text","content":"alert HighCPUUsage on prod"},"template":"carmine"');
  });

  it('renders the default card for an empty form, and given alerts with their status', () => {
    expect(previewUnsavedCard(unsaved(undefined), env, at)).toMatchObject({ shownAlerts: 3, omittedAlerts: 0 });
    const resolved = previewUnsavedCard(unsaved({ status: 'resolved', alerts: [{ status: 'resolved', labels: { alertname: 'DiskFull' } }] }), env, at);
    expect(JSON.stringify(resolved.card)).toContain('[RESOLVED] DiskFull');
  });

  it('refuses, as saving would, a config the renderer cannot use: 400 naming the field', () => {
    const failure = (() => {
      try {
        return previewUnsavedCard(unsaved({ card: { titleTemplate: '{{nope}}' } }), env, at);
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(HttpException);
    expect((failure as HttpException).getStatus()).toBe(400);
    expect((failure as HttpException).getResponse()).toMatchObject({ error: 'validation_failed', details: [{ path: 'card.titleTemplate', message: expect.stringContaining('{{nope}}') }] });
  });

  it('the request pipe refuses a colour Lark lacks and a field the form does not have', () => {
    const pipe = new ZodPipe(cardPreviewBodySchema);
    expect(() => pipe.transform({ card: { severityColors: { critical: 'crimson' } } })).toThrow(/card\.severityColors\.critical/);
    expect(() => pipe.transform({ webhookUrl: 'https://open.feishu.cn/open-apis/bot/v2/hook/t' })).toThrow(/webhookUrl/);
  });
});

describe('sendTestCard', () => {
  let server: Server;
  let base: string;
  let handler: (req: IncomingMessage, body: string, res: ServerResponse) => void;
  const agent = new Agent({ keepAliveTimeout: 10 });
  const deps = () => ({ secrets, env: { ...env, ALERTLARK_WEBHOOK_HOSTS_ALLOW: [new URL(base).host] }, limiter: new TestSendLimiter(), dispatcher: agent, timeoutMs: 500 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await agent.close();
  });

  const answer = (status: number, body: unknown) => (_req: IncomingMessage, _body: string, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  it('posts a signed card carrying the keywords and answers with Lark\'s code', async () => {
    let posted: Record<string, unknown> = {};
    handler = (req, body, res) => {
      posted = JSON.parse(body) as Record<string, unknown>;
      answer(200, { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' })(req, body, res);
    };
    const result = await sendTestCard(record({ url: `${base}/open-apis/bot/v2/hook/tok-1`, secret: 's3cret' }), sample({}), deps());
    expect(result).toEqual({ ok: true, code: 0, msg: 'success', httpStatus: 200, reason: 'ok' });
    const expected = createHmac('sha256', `${posted['timestamp']}\n` + 's3cret').update('').digest('base64');
    expect(posted['sign']).toBe(expected);
    expect(missingKeywords(posted as { card: unknown }, ['alert'])).toEqual([]);
  });

  it.each<[string, number, unknown, object]>([
    ['a refusal: keyword not found', 200, { code: 19024, data: {}, msg: 'Key Words Not Found' }, { ok: false, code: 19024, msg: 'Key Words Not Found', httpStatus: 200, reason: 'keyword-not-found' }],
    ['a refusal with HTTP 400', 400, { code: 9499, data: {}, msg: 'Bad Request' }, { ok: false, code: 9499, msg: 'Bad Request', httpStatus: 400, reason: 'bad-request' }],
    ['an answer without a code', 503, 'upstream down', { ok: false, code: null, msg: null, httpStatus: 503, reason: 'http-503' }],
  ])('answers 200 with %s', async (_name, status, body, expected) => {
    handler = answer(status, body);
    await expect(sendTestCard(record({ url: `${base}/open-apis/bot/v2/hook/tok-1` }), sample({}), deps())).resolves.toEqual(expected);
  });

  it('a timeout is a 502 naming it', async () => {
    handler = () => undefined;
    const failure = await sendTestCard(record({ url: `${base}/open-apis/bot/v2/hook/tok-1` }), sample({}), deps()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HttpException);
    expect((failure as HttpException).getStatus()).toBe(502);
    expect((failure as HttpException).getResponse()).toMatchObject({ error: 'lark_unreachable', message: expect.stringContaining('timeout'), details: { errorKind: 'timeout' } });
    server.closeAllConnections();
  });

  it('a refused connection is a 502 naming it', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const url = `http://127.0.0.1:${port}/open-apis/bot/v2/hook/tok-1`;
    const failure = await sendTestCard(record({ url }), sample({}), { ...deps(), env: { ...env, ALERTLARK_WEBHOOK_HOSTS_ALLOW: [`127.0.0.1:${port}`] } }).catch((error: unknown) => error);
    expect((failure as HttpException).getStatus()).toBe(502);
    expect((failure as HttpException).getResponse()).toMatchObject({ message: expect.stringContaining('ECONNREFUSED'), details: { errorKind: 'connection' } });
  });

  it('the sixth test send to a webhook in a second is a 429 naming the limit, and is not posted', async () => {
    let calls = 0;
    handler = (req, body, res) => {
      calls++;
      answer(200, { code: 0, data: {}, msg: 'success' })(req, body, res);
    };
    const shared = deps();
    const url = `${base}/open-apis/bot/v2/hook/tok-rate`;
    for (let i = 0; i < 5; i++) await expect(sendTestCard(record({ url }), sample({}), shared)).resolves.toMatchObject({ ok: true });
    const failure = await sendTestCard(record({ url }), sample({}), shared).catch((error: unknown) => error);
    expect((failure as HttpException).getStatus()).toBe(429);
    expect((failure as HttpException).getResponse()).toMatchObject({ error: 'rate_limited', message: expect.stringContaining('at most 5 requests a second'), details: { perSecond: 5 } });
    expect(calls).toBe(5);
    // Another webhook has its own budget.
    await expect(sendTestCard(record({ url: `${base}/open-apis/bot/v2/hook/tok-other` }), sample({}), shared)).resolves.toMatchObject({ ok: true });
  });

  it.each([
    ["another team's row", () => record({ webhookUrlEncrypted: secrets.seal(`${base}/open-apis/bot/v2/hook/tok-1`, { teamId: 't2', objectId: 'nobj_1' }, 'webhookUrl') })],
    ["another chatbot's row", () => record({ webhookUrlEncrypted: secrets.seal(`${base}/open-apis/bot/v2/hook/tok-1`, { teamId: 't1', objectId: 'nobj_2' }, 'webhookUrl') })],
    ["another team's signing secret", () => record({ url: `${base}/open-apis/bot/v2/hook/tok-1`, secretEncrypted: secrets.seal('s3cret', { teamId: 't2', objectId: 'nobj_1' }, 'secret') })],
  ])('a sealed value copied from %s is a 409 naming what cannot be opened, and nothing is sent', async (_, copied) => {
    let calls = 0;
    handler = (req, body, res) => {
      calls++;
      answer(200, { code: 0 })(req, body, res);
    };
    const failure = await sendTestCard(copied(), sample({}), deps()).catch((error: unknown) => error);
    expect((failure as HttpException).getStatus()).toBe(409);
    expect((failure as HttpException).getResponse()).toMatchObject({ error: 'secret_unreadable', message: expect.stringMatching(/^the chatbot's (webhookUrl|secret) cannot be opened \(.*sealed for another team, chatbot or field/) });
    expect(calls).toBe(0);
  });

  it('refuses a stored URL the allowlist no longer has, without sending', async () => {
    let calls = 0;
    handler = (req, body, res) => {
      calls++;
      answer(200, { code: 0 })(req, body, res);
    };
    const failure = await sendTestCard(record({ url: `${base}/open-apis/bot/v2/hook/tok-1` }), sample({}), { ...deps(), env }).catch((error: unknown) => error);
    expect((failure as HttpException).getStatus()).toBe(409);
    expect(calls).toBe(0);
  });
});
