import { maskSecret, maskWebhookUrl, parseLarkAppBaseUrl, parseLarkWebhookUrl } from './webhook-url';

const TOKEN = '0f2a7c1e-5b7d-4c8e-9a3f-1d2e3f4a5b6c';

describe('parseLarkWebhookUrl', () => {
  it.each([
    `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`,
    `https://open.larksuite.com/open-apis/bot/v2/hook/${TOKEN}`,
    `https://OPEN.FEISHU.CN:443/open-apis/bot/v2/hook/${TOKEN}`,
  ])('accepts %s', (url) => {
    const parsed = parseLarkWebhookUrl(url, []);
    expect(parsed).toEqual({ ok: true, url: expect.stringMatching(/^https:\/\/open\./), host: expect.any(String), token: TOKEN });
  });

  it('returns the normalised URL, host and token', () => {
    expect(parseLarkWebhookUrl(`https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`, [])).toEqual({
      ok: true,
      url: `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`,
      host: 'open.feishu.cn',
      token: TOKEN,
    });
  });

  it('accepts allowlisted host:port, plain http included', () => {
    const allow = ['localhost:8090', 'lark-emulator:8080', '127.0.0.1:9999'];
    expect(parseLarkWebhookUrl('http://localhost:8090/open-apis/bot/v2/hook/abc-123', allow)).toEqual({
      ok: true,
      url: 'http://localhost:8090/open-apis/bot/v2/hook/abc-123',
      host: 'localhost:8090',
      token: 'abc-123',
    });
    expect(parseLarkWebhookUrl('http://lark-emulator:8080/open-apis/bot/v2/hook/t', allow).ok).toBe(true);
    expect(parseLarkWebhookUrl('https://127.0.0.1:9999/open-apis/bot/v2/hook/t', allow).ok).toBe(true);
  });

  it('matches allowlist entries on host AND port', () => {
    expect(parseLarkWebhookUrl('http://localhost:8091/open-apis/bot/v2/hook/t', ['localhost:8090'])).toMatchObject({ ok: false });
    expect(parseLarkWebhookUrl('http://localhost/open-apis/bot/v2/hook/t', ['localhost:8090'])).toMatchObject({ ok: false });
    expect(parseLarkWebhookUrl('http://proxy/open-apis/bot/v2/hook/t', ['proxy'])).toMatchObject({ ok: true });
  });

  it.each([
    ['http on a Lark host', `http://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`, /https/],
    ['another host', `https://evil.example.com/open-apis/bot/v2/hook/${TOKEN}`, /not a Lark webhook host/],
    ['a look-alike host', `https://open.feishu.cn.evil.com/open-apis/bot/v2/hook/${TOKEN}`, /not a Lark webhook host/],
    ['a public IP literal', `https://8.8.8.8/open-apis/bot/v2/hook/${TOKEN}`, /IP address/],
    ['a private IP', `https://10.0.0.5/open-apis/bot/v2/hook/${TOKEN}`, /private/],
    ['loopback in decimal form', `https://2130706433/open-apis/bot/v2/hook/${TOKEN}`, /private/],
    ['an IPv6 loopback', `https://[::1]/open-apis/bot/v2/hook/${TOKEN}`, /private/],
    ['localhost not allowlisted', `https://localhost/open-apis/bot/v2/hook/${TOKEN}`, /private/],
    ['the metadata endpoint', 'http://169.254.169.254/latest/meta-data/', /metadata/],
    ['user info', `https://user:pass@open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`, /credentials/],
    ['an empty user info', `https://@open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`, /credentials/],
    ['a wrong path', `https://open.feishu.cn/open-apis/bot/v1/hook/${TOKEN}`, /path/],
    ['a trailing slash', `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}/`, /path/],
    ['a token with odd characters', 'https://open.feishu.cn/open-apis/bot/v2/hook/abc_def', /path/],
    ['a missing token', 'https://open.feishu.cn/open-apis/bot/v2/hook/', /path/],
    ['a query string', `https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}?x=1`, /query/],
    ['another port', `https://open.feishu.cn:8443/open-apis/bot/v2/hook/${TOKEN}`, /port/],
    ['another scheme', `ftp://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`, /scheme/],
    ['not a URL', 'open.feishu.cn/open-apis/bot/v2/hook/x', /valid/],
    ['whitespace', ` https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`, /whitespace/],
    ['an empty string', '', /empty/],
  ])('rejects %s', (_what, url, reason) => {
    const parsed = parseLarkWebhookUrl(url, []);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('refuses the metadata endpoint even when allowlisted', () => {
    const parsed = parseLarkWebhookUrl('http://169.254.169.254/open-apis/bot/v2/hook/t', ['169.254.169.254']);
    expect(parsed).toEqual({ ok: false, reason: expect.stringMatching(/metadata/) });
  });

  it('still checks the path on allowlisted hosts', () => {
    expect(parseLarkWebhookUrl('http://localhost:8090/admin', ['localhost:8090'])).toMatchObject({ ok: false });
  });
});

describe('maskWebhookUrl', () => {
  it('keeps only the last 4 characters of the token', () => {
    expect(maskWebhookUrl(`https://open.feishu.cn/open-apis/bot/v2/hook/${TOKEN}`)).toBe(
      'https://open.feishu.cn/open-apis/bot/v2/hook/****5b6c',
    );
  });

  it('hides short tokens, credentials and queries entirely', () => {
    expect(maskWebhookUrl('http://u:p@localhost:8090/open-apis/bot/v2/hook/abc?k=secret')).toBe(
      'http://localhost:8090/open-apis/bot/v2/hook/****?****',
    );
    expect(maskWebhookUrl('not a url')).toBe('****');
  });
});

describe('maskSecret', () => {
  it('never shows any of the secret', () => {
    expect(maskSecret('SEC0123456789abcdef')).toBe('********');
    expect(maskSecret(undefined)).toBe('');
    expect(maskSecret('')).toBe('');
  });
});

describe('parseLarkAppBaseUrl', () => {
  it("takes Lark's two API hosts, over https", () => {
    expect(parseLarkAppBaseUrl('open.feishu.cn')).toEqual({ ok: true, baseUrl: 'https://open.feishu.cn', host: 'open.feishu.cn' });
    expect(parseLarkAppBaseUrl(' Open.LarkSuite.com ')).toEqual({ ok: true, baseUrl: 'https://open.larksuite.com', host: 'open.larksuite.com' });
    expect(parseLarkAppBaseUrl('https://open.feishu.cn/')).toEqual({ ok: true, baseUrl: 'https://open.feishu.cn', host: 'open.feishu.cn' });
  });

  it('takes the base URL of an allowlisted host:port, plain http too (the emulator, a proxy)', () => {
    expect(parseLarkAppBaseUrl('http://127.0.0.1:3100', ['127.0.0.1:3100'])).toEqual({ ok: true, baseUrl: 'http://127.0.0.1:3100', host: '127.0.0.1:3100' });
  });

  it('refuses anything else, saying why', () => {
    expect(parseLarkAppBaseUrl('http://127.0.0.1:3100')).toMatchObject({ ok: false, reason: expect.stringContaining('private or reserved address') });
    expect(parseLarkAppBaseUrl('http://open.feishu.cn')).toMatchObject({ ok: false, reason: expect.stringContaining('https') });
    expect(parseLarkAppBaseUrl('evil.example.com')).toMatchObject({ ok: false, reason: expect.stringContaining('open.feishu.cn or open.larksuite.com') });
    expect(parseLarkAppBaseUrl('https://open.feishu.cn/open-apis')).toMatchObject({ ok: false });
    expect(parseLarkAppBaseUrl('https://user:pw@open.feishu.cn')).toMatchObject({ ok: false, reason: expect.stringContaining('credentials') });
    expect(parseLarkAppBaseUrl('http://169.254.169.254', ['169.254.169.254'])).toMatchObject({ ok: false, reason: expect.stringContaining('metadata') });
  });
});
