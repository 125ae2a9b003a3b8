import { logLevel } from 'kafkajs';
import { kafkaLogLine } from '@alertlark/kafka';
import { redact } from './redact';

describe('redact', () => {
  it('masks bot tokens, bearer tokens and our own tokens', () => {
    expect(redact('POST https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-xyz9 failed')).toBe(
      'POST https://open.feishu.cn/open-apis/bot/v2/hook/****xyz9 failed',
    );
    expect(redact('Authorization: Bearer alk_api_abcdefghijkl')).toBe('Authorization: Bearer ****');
    expect(redact('token alk_ingest_AbC-123_xyz')).toBe('token alk_ingest_****');
  });

  it('leaves ordinary text alone', () => {
    expect(redact('alert HighCPU fired on host-1')).toBe('alert HighCPU fired on host-1');
  });
});

describe('kafkajs log lines, as the services write them', () => {
  it('are JSON and redacted: a webhook token or one of our tokens in an error is masked', () => {
    const line = kafkaLogLine(
      {
        namespace: 'Producer',
        level: logLevel.ERROR,
        label: 'ERROR',
        log: { timestamp: '2026-11-24T10:00:00.000Z', logger: 'kafkajs', message: 'send failed', error: 'for https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-xyz9 with alk_api_abcdefghijkl' },
      },
      redact,
      new Date('2026-11-24T10:00:00.000Z'),
    );
    expect(JSON.parse(line)).toEqual({
      time: '2026-11-24T10:00:00.000Z',
      level: 'error',
      context: 'kafkajs.Producer',
      message: 'send failed',
      error: 'for https://open.feishu.cn/open-apis/bot/v2/hook/****xyz9 with alk_api_****',
    });
  });
});
