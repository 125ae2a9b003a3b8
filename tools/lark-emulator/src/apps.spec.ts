import { AppRegistry, appSchema, DEFAULT_TOKEN_TTL_SECONDS, parseAppsEnv, tokenTtlSeconds } from './apps';

const app = { appId: 'cli_a1b2c3', appSecret: 's', verificationToken: 'v' };

describe('appSchema', () => {
  it('takes the minimal app and every option', () => {
    expect(appSchema.safeParse(app).success).toBe(true);
    const full = { ...app, encryptKey: 'k', callbackUrl: 'http://127.0.0.1:9/cb', tokenTtlSeconds: 5 };
    expect(appSchema.parse(full)).toEqual(full);
  });

  it.each([
    ['an app id without cli_', { ...app, appId: 'a1b2' }],
    ['an app id with punctuation', { ...app, appId: 'cli_a-b' }],
    ['an empty secret', { ...app, appSecret: '' }],
    ['a missing verification token', { appId: 'cli_x', appSecret: 's' }],
    ['a non-http callback', { ...app, callbackUrl: 'ftp://x/cb' }],
    ['a zero TTL', { ...app, tokenTtlSeconds: 0 }],
    ['a misspelt option', { ...app, callbackURL: 'http://127.0.0.1:9/cb' }],
    ['a fractional TTL', { ...app, tokenTtlSeconds: 1.5 }],
  ])('refuses %s', (_name, value) => {
    expect(appSchema.safeParse(value).success).toBe(false);
  });
});

describe('AppRegistry', () => {
  it('upserts, lists and removes', () => {
    const apps = new AppRegistry();
    expect(apps.upsert(app)).toBe(true);
    expect(apps.upsert({ ...app, appSecret: 's2' })).toBe(false);
    expect(apps.get('cli_a1b2c3')?.appSecret).toBe('s2');
    expect(apps.list()).toHaveLength(1);
    expect(apps.remove('cli_a1b2c3')).toBe(true);
    expect(apps.remove('cli_a1b2c3')).toBe(false);
  });

  it('defaults the token lifetime to Lark\'s 2 h', () => {
    expect(DEFAULT_TOKEN_TTL_SECONDS).toBe(7200);
    expect(tokenTtlSeconds(app)).toBe(7200);
    expect(tokenTtlSeconds({ ...app, tokenTtlSeconds: 3 })).toBe(3);
  });
});

describe('parseAppsEnv', () => {
  it('reads a JSON array, empty when unset', () => {
    expect(parseAppsEnv(undefined)).toEqual([]);
    expect(parseAppsEnv('  ')).toEqual([]);
    expect(parseAppsEnv(JSON.stringify([app]))).toEqual([app]);
  });

  it('names the variable when it is wrong', () => {
    expect(() => parseAppsEnv('{')).toThrow(/LARK_EMULATOR_APPS is not valid JSON/);
    expect(() => parseAppsEnv('[{"appId":"x"}]')).toThrow(/LARK_EMULATOR_APPS is invalid/);
  });
});
