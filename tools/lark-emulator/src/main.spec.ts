import { main } from './main';

describe('main', () => {
  it('starts from the environment with pre-registered bots and logs one JSON line', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const running = await main({ LARK_EMULATOR_PORT: '0', LARK_EMULATOR_BOTS: '[{"token":"env-bot","keywords":["alert"]}]' });
    spy.mockRestore();
    try {
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] ?? '')).toMatchObject({ msg: 'listening', host: '127.0.0.1', port: running.port, bots: ['env-bot'] });
      const res = await fetch(`http://127.0.0.1:${running.port}/_emulator/bots`);
      expect(await res.json()).toEqual({ bots: [{ token: 'env-bot', keywords: ['alert'] }] });
      expect(process.listenerCount('SIGTERM')).toBeGreaterThan(0);
    } finally {
      await running.stop();
    }
  });

  it('pre-registers apps from LARK_EMULATOR_APPS', async () => {
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const app = { appId: 'cli_env1', appSecret: 's', verificationToken: 'v' };
    const running = await main({ LARK_EMULATOR_PORT: '0', LARK_EMULATOR_APPS: JSON.stringify([app]) });
    spy.mockRestore();
    try {
      const res = await fetch(`http://127.0.0.1:${running.port}/_emulator/apps`);
      expect(await res.json()).toEqual({ apps: [{ ...app, tokenTtlSeconds: 7200, tokenRequests: 0, tokensIssued: 0, activeTokens: 0 }] });
    } finally {
      await running.stop();
    }
  });

  it('refuses a bad LARK_EMULATOR_APPS', async () => {
    await expect(main({ LARK_EMULATOR_PORT: '0', LARK_EMULATOR_APPS: '[{"appId":"nope"}]' })).rejects.toThrow(/LARK_EMULATOR_APPS/);
  });

  it('refuses a bad LARK_EMULATOR_BOTS', async () => {
    await expect(main({ LARK_EMULATOR_PORT: '0', LARK_EMULATOR_BOTS: 'nope' })).rejects.toThrow(/LARK_EMULATOR_BOTS/);
  });
});
