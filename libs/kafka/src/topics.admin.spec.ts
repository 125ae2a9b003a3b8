import { ConfigSource, KafkaJSProtocolError } from 'kafkajs';
import { TOPIC_MAX_MESSAGE_BYTES } from './message-size';
import { messageLimitChanges, minInsyncShortfalls, waitForLeaders } from './topics.admin';

// kafkajs builds its protocol errors from its error-code table; its typings only admit a message.
function protocolError(message: string, type: string, code: number, retriable: boolean): Error {
  return new KafkaJSProtocolError({ message, type, code, retriable } as unknown as Error);
}

function notLeader(): Error {
  return protocolError('This server is not the leader for that topic-partition', 'NOT_LEADER_FOR_PARTITION', 6, true);
}

function fakeAdmin(failuresByTopic: Record<string, Error[]>) {
  const calls: string[] = [];
  return {
    calls,
    fetchTopicOffsets: jest.fn(async (topic: string) => {
      calls.push(`offsets ${topic}`);
      const failure = failuresByTopic[topic]?.shift();
      if (failure) throw failure;
      return [{ partition: 0, offset: '0', high: '0', low: '0' }];
    }),
    fetchTopicMetadata: jest.fn(async ({ topics }: { topics: string[] }) => {
      calls.push(`metadata ${topics.join(',')}`);
      return { topics: [] };
    }),
  };
}

describe('waitForLeaders', () => {
  it('returns at once when every topic answers', async () => {
    const admin = fakeAdmin({});
    await waitForLeaders(admin, ['a', 'b'], { retryDelayMs: 1 });
    expect(admin.calls).toEqual(['offsets a', 'offsets b']);
  });

  it('retries a leaderless topic, refreshing metadata between tries', async () => {
    const admin = fakeAdmin({ b: [notLeader(), notLeader()] });
    await waitForLeaders(admin, ['a', 'b'], { retryDelayMs: 1 });
    expect(admin.calls).toEqual(['offsets a', 'offsets b', 'metadata b', 'offsets b', 'metadata b', 'offsets b']);
  });

  it('fails at once on an error that is not retriable', async () => {
    const denied = protocolError('Not authorized to access topics', 'TOPIC_AUTHORIZATION_FAILED', 29, false);
    const admin = fakeAdmin({ a: [denied] });
    await expect(waitForLeaders(admin, ['a'], { retryDelayMs: 1 })).rejects.toBe(denied);
    expect(admin.calls).toEqual(['offsets a']);
  });

  it('gives up with the last error once the deadline has passed', async () => {
    const admin = fakeAdmin({ a: Array.from({ length: 1000 }, notLeader) });
    await expect(waitForLeaders(admin, ['a'], { retryDelayMs: 5, deadlineMs: 30 })).rejects.toThrow('not the leader');
    expect(admin.fetchTopicOffsets.mock.calls.length).toBeGreaterThan(1);
    expect(admin.fetchTopicOffsets.mock.calls.length).toBeLessThan(1000);
  });
});

describe('messageLimitChanges', () => {
  const entry = (configName: string, configValue: string, configSource: ConfigSource) => ({ configName, configValue, configSource });
  const brokerDefault = entry('max.message.bytes', '1048588', ConfigSource.DEFAULT_CONFIG);

  it('raises a topic below the limit, sending its own settings back with it and leaving the broker\'s out', () => {
    const described = [
      { resourceName: 'config', configEntries: [brokerDefault, entry('cleanup.policy', 'compact', ConfigSource.TOPIC_CONFIG), entry('min.insync.replicas', '1', ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)] },
      { resourceName: 'alerts', configEntries: [entry('max.message.bytes', '2000000', ConfigSource.TOPIC_CONFIG), entry('retention.ms', '86400000', ConfigSource.TOPIC_CONFIG)] },
    ];
    expect(messageLimitChanges(described)).toEqual([
      { topic: 'config', from: 1048588, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'max.message.bytes', value: String(TOPIC_MAX_MESSAGE_BYTES) }] },
      { topic: 'alerts', from: 2000000, configEntries: [{ name: 'retention.ms', value: '86400000' }, { name: 'max.message.bytes', value: String(TOPIC_MAX_MESSAGE_BYTES) }] },
    ]);
  });

  it('leaves a topic at the limit or above it (an operator\'s larger value) alone', () => {
    const described = [
      { resourceName: 'at', configEntries: [entry('max.message.bytes', String(TOPIC_MAX_MESSAGE_BYTES), ConfigSource.TOPIC_CONFIG)] },
      { resourceName: 'above', configEntries: [entry('max.message.bytes', '10485760', ConfigSource.STATIC_BROKER_CONFIG)] },
    ];
    expect(messageLimitChanges(described)).toEqual([]);
  });
});

describe('minInsyncShortfalls', () => {
  const described = (name: string, value: string) => ({ resourceName: name, configEntries: [{ configName: 'min.insync.replicas', configValue: value, configSource: ConfigSource.TOPIC_CONFIG }] });

  it('names the topics below the configured min.insync.replicas, with what they have', () => {
    expect(minInsyncShortfalls([described('alerts', '1'), described('config', '2'), described('deliveries', '3')], 2)).toEqual([{ topic: 'alerts', found: 1 }]);
  });
});
