import { HttpException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { NotificationObjectRecord } from '@alertlark/persistence';
import { SecretBox } from '@alertlark/secrets';
import { legacySealed } from '@alertlark/testing';
import { openOr409, resealPlan } from './sealed-fields';

const key = randomBytes(32);
const secrets = new SecretBox(key);
const owner = { teamId: 't1', objectId: 'nobj_1' };
const url = 'https://open.feishu.cn/open-apis/bot/v2/hook/tok-123456';

function row(fields: Partial<NotificationObjectRecord>): NotificationObjectRecord {
  return { _id: 'nobj_1', teamId: 't1', name: 'ops', webhookHost: 'https://open.feishu.cn', keywords: [], createdAt: new Date(), updatedAt: new Date(), version: 1, publishedVersion: 1, ...fields };
}

describe('resealPlan', () => {
  it("seals a custom bot's old values again for its row, naming the values read", () => {
    const read = { webhookUrlEncrypted: legacySealed(key, url), secretEncrypted: legacySealed(key, 's3cret') };
    const plan = resealPlan(row(read), secrets);
    if (plan.kind !== 'reseal') throw new Error(`expected a reseal, got ${plan.kind}`);
    expect(plan.read).toEqual(read);
    expect(Object.keys(plan.sealed)).toEqual(['webhookUrlEncrypted', 'secretEncrypted']);
    expect(secrets.open(plan.sealed['webhookUrlEncrypted']!, owner, 'webhookUrl')).toBe(url);
    expect(secrets.open(plan.sealed['secretEncrypted']!, owner, 'secret')).toBe('s3cret');
  });

  it("seals each of an app bot's credentials for its own field", () => {
    const credentials = { appId: 'cli_1', appSecret: 'as', encryptKey: 'ek', verificationToken: 'vt' };
    const app = {
      appIdEncrypted: legacySealed(key, credentials.appId),
      appIdTail: '_1',
      appSecretEncrypted: legacySealed(key, credentials.appSecret),
      encryptKeyEncrypted: legacySealed(key, credentials.encryptKey),
      verificationTokenEncrypted: legacySealed(key, credentials.verificationToken),
      chatId: 'oc_1',
      baseUrl: 'https://open.feishu.cn',
    };
    const plan = resealPlan(row({ app }), secrets);
    if (plan.kind !== 'reseal') throw new Error(`expected a reseal, got ${plan.kind}`);
    for (const [name, value] of Object.entries(credentials)) {
      expect(plan.read[`app.${name}Encrypted`]).toBe(app[`${name as keyof typeof credentials}Encrypted`]);
      expect(secrets.open(plan.sealed[`app.${name}Encrypted`]!, owner, `app.${name as keyof typeof credentials}`)).toBe(value);
    }
  });

  it('leaves a migrated row alone, and takes only the old values of a half-old one', () => {
    const current = secrets.seal(url, owner, 'webhookUrl');
    expect(resealPlan(row({ webhookUrlEncrypted: current }), secrets)).toEqual({ kind: 'current' });
    const plan = resealPlan(row({ webhookUrlEncrypted: current, secretEncrypted: legacySealed(key, 's3cret') }), secrets);
    expect(plan).toMatchObject({ kind: 'reseal', read: { secretEncrypted: expect.any(String) } });
    expect(plan.kind === 'reseal' && Object.keys(plan.sealed)).toEqual(['secretEncrypted']);
  });

  it('leaves a row whole when one of its values does not open, saying why', () => {
    const plan = resealPlan(row({ webhookUrlEncrypted: legacySealed(key, url), secretEncrypted: legacySealed(randomBytes(32), 's3cret') }), secrets);
    expect(plan).toEqual({ kind: 'unreadable', reason: expect.stringContaining('the sealed secret does not open') });
  });
});

describe('openOr409', () => {
  it("opens a value sealed for the row; another row's is a 409 naming the field", () => {
    const sealed = secrets.seal(url, owner, 'webhookUrl');
    expect(openOr409(secrets, sealed, owner, 'webhookUrl')).toBe(url);
    const failure = (() => {
      try {
        return openOr409(secrets, sealed, { ...owner, teamId: 't2' }, 'webhookUrl');
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(HttpException);
    expect((failure as HttpException).getStatus()).toBe(409);
    expect((failure as HttpException).getResponse()).toMatchObject({ error: 'secret_unreadable', details: { field: 'webhookUrl' }, message: expect.stringContaining("save the chatbot's webhookUrl again") });
  });
});
