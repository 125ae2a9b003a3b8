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
