import { parseReplayArgs } from './replay-options';

describe('parseReplayArgs', () => {
  it('replays everything new by default', () => {
    expect(parseReplayArgs([])).toEqual({ kind: 'run', options: { filter: {}, dryRun: false, fromBeginning: false } });
  });

  it('takes every option of the documented command', () => {
    expect(
      parseReplayArgs(['--source-topic', 'alertlark.notifications.v1', '--consumer', 'lark-sender', '--since', '2026-11-24T00:00:00Z', '--dry-run', '--from-beginning', '--key=nobj_1']),
    ).toEqual({
      kind: 'run',
      options: {
        filter: { sourceTopic: 'alertlark.notifications.v1', consumer: 'lark-sender', key: 'nobj_1', since: new Date('2026-11-24T00:00:00Z') },
        dryRun: true,
        fromBeginning: true,
      },
    });
  });

  it.each(['2026-11-24', '2026-11-24T08:00+08:00', '2026-11-24T00:00:00.250Z'])('accepts --since %s', (since) => {
    expect(parseReplayArgs(['--since', since])).toMatchObject({ kind: 'run', options: { filter: { since: new Date(since) } } });
  });

  it.each([
    [['--since', 'yesterday'], /--since must be an ISO 8601 time/],
    [['--since', '2026-13-45T00:00:00Z'], /--since must be an ISO 8601 time/],
    [['--source-topic', 'alertlark.config.v1'], /--source-topic must be one of alertlark\.alerts\.v1, alertlark\.notifications\.v1/],
    [['--consumer', ''], /--consumer must not be empty/],
    [['--consumers', 'lark-sender'], /Unknown option '--consumers'/],
    [['--dry-run=yes'], /--dry-run/],
    [['lark-sender'], /positional/i],
    [['--consumer'], /argument missing/],
  ])('refuses %j', (args, message) => {
    const parsed = parseReplayArgs(args);
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' && parsed.message).toMatch(message);
  });

  it('answers --help', () => {
    expect(parseReplayArgs(['--help', '--consumer', 'x'])).toEqual({ kind: 'help' });
  });
});
