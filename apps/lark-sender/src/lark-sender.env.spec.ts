import { parseEnv } from '@alertlark/service-kit';
import { larkSenderEnvSchema, senderDatabase } from './lark-sender.env';

describe('senderDatabase: the sender keeps its state in a database of its own', () => {
  it.each([
    ['mongodb://127.0.0.1:27017/alertlark', 'alertlark_sender'],
    ['mongodb://user:pw@a:1,b:2/prod?replicaSet=rs0', 'prod_sender'],
    ['mongodb+srv://cluster.example/ops', 'ops_sender'],
    ['mongodb://127.0.0.1:27017', 'test_sender'],
  ])('%s → %s', (url, database) => {
    expect(senderDatabase({ MONGO_URL: url })).toBe(database);
  });

  it('LARK_SENDER_MONGO_DB names it outright', () => {
    expect(senderDatabase({ MONGO_URL: 'mongodb://h/alertlark', LARK_SENDER_MONGO_DB: 'sender' })).toBe('sender');
  });
});

describe('action links: ALERTLARK_ACTION_LINK_KEYS and ALERTLARK_ACTION_LINK_TTL', () => {
  const base = { ALERTLARK_SECRET_KEY: 'ab'.repeat(32) };

  it('default: no keys of their own (derived from the secret key), links valid 24 h', () => {
    const env = parseEnv(larkSenderEnvSchema, base);
    expect(env.ALERTLARK_ACTION_LINK_KEYS).toBeUndefined();
    expect(env.ALERTLARK_ACTION_LINK_TTL).toBe(86_400_000);
    expect(parseEnv(larkSenderEnvSchema, { ...base, ALERTLARK_ACTION_LINK_KEYS: ' ' }).ALERTLARK_ACTION_LINK_KEYS).toBeUndefined();
  });

  it('keys as kid:<key>, the first signing; a TTL as a duration', () => {
    const env = parseEnv(larkSenderEnvSchema, { ...base, ALERTLARK_ACTION_LINK_KEYS: `new:${'cd'.repeat(32)},old:${'ef'.repeat(32)}`, ALERTLARK_ACTION_LINK_TTL: '4h30m' });
    expect(env.ALERTLARK_ACTION_LINK_KEYS!.current.id).toBe('new');
    expect([...env.ALERTLARK_ACTION_LINK_KEYS!.accepted.keys()]).toEqual(['new', 'old']);
    expect(env.ALERTLARK_ACTION_LINK_TTL).toBe(16_200_000);
  });

  it.each([
    [{ ALERTLARK_ACTION_LINK_KEYS: 'k1:short' }, /ALERTLARK_ACTION_LINK_KEYS: .*k1/],
    [{ ALERTLARK_ACTION_LINK_TTL: '24 hours' }, /ALERTLARK_ACTION_LINK_TTL: invalid duration/],
    [{ ALERTLARK_ACTION_LINK_TTL: '30s' }, /ALERTLARK_ACTION_LINK_TTL: must be at least 60 s/],
  ])('refuses %j, naming the variable', (vars, message) => {
    expect(() => parseEnv(larkSenderEnvSchema, { ...base, ...vars })).toThrow(message);
  });
});

describe('LARK_SENDER_LEDGER_RETENTION_DAYS: the ledger outlives the notifications topic', () => {
  const base = { ALERTLARK_SECRET_KEY: 'ab'.repeat(32) };

  it('keeps 30 days unless told, and takes any number of days beyond the topic’s 7', () => {
    expect(parseEnv(larkSenderEnvSchema, base).LARK_SENDER_LEDGER_RETENTION_DAYS).toBe(30);
    expect(parseEnv(larkSenderEnvSchema, { ...base, LARK_SENDER_LEDGER_RETENTION_DAYS: '8' }).LARK_SENDER_LEDGER_RETENTION_DAYS).toBe(8);
  });

  it('refuses a retention the topic’s outlasts, naming the variable and why', () => {
    expect(() => parseEnv(larkSenderEnvSchema, { ...base, LARK_SENDER_LEDGER_RETENTION_DAYS: '7' })).toThrow(
      /LARK_SENDER_LEDGER_RETENTION_DAYS: must be more than 7 days, the notifications topic's retention/,
    );
  });
});

describe('ALERTLARK_SECRET_KEY', () => {
  it.each([
    ['missing', {}],
    ['a 31-byte key', { ALERTLARK_SECRET_KEY: 'ab'.repeat(31) }],
    ['base64 without its padding', { ALERTLARK_SECRET_KEY: Buffer.alloc(32, 7).toString('base64').slice(0, -1) }],
    ['a space inside', { ALERTLARK_SECRET_KEY: `${'ab'.repeat(16)} ${'ab'.repeat(16)}` }],
  ])('%s stops the start, naming the variable', (_, vars) => {
    expect(() => parseEnv(larkSenderEnvSchema, vars)).toThrow(/ALERTLARK_SECRET_KEY: /);
  });

  it('names the two forms a key may take', () => {
    expect(() => parseEnv(larkSenderEnvSchema, { ALERTLARK_SECRET_KEY: 'ab'.repeat(31) })).toThrow('ALERTLARK_SECRET_KEY: must be 32 bytes: 64 hex characters, or 44 characters of standard base64 ending in =');
  });
});
