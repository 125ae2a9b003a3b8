import { KafkaJSProtocolError } from 'kafkajs';
import { waitForLeaders } from './topics.admin';

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
