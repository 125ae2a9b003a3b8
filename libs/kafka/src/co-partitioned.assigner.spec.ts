import { AssignerProtocol, type Cluster, type Logger } from 'kafkajs';
import { coPartitionedAssigner } from './co-partitioned.assigner';

const cluster = (partitions: Record<string, number[]>) =>
  ({ findTopicPartitionMetadata: (topic: string) => (partitions[topic] ?? []).map((partitionId) => ({ partitionId })) }) as unknown as Cluster;

async function assign(memberIds: string[], partitions: Record<string, number[]>): Promise<Map<string, Record<string, number[]>>> {
  const assigner = coPartitionedAssigner({ cluster: cluster(partitions), groupId: 'g', logger: {} as Logger });
  const members = memberIds.map((memberId) => ({ memberId, memberMetadata: Buffer.alloc(0) }));
  const result = await assigner.assign({ members, topics: Object.keys(partitions) });
  return new Map(result.map(({ memberId, memberAssignment }) => [memberId, AssignerProtocol.MemberAssignment.decode(memberAssignment)!.assignment]));
}

describe('coPartitionedAssigner', () => {
  it('gives partition p of every topic to one member, spread evenly, whatever order the metadata lists them in', async () => {
    const twelve = [3, 0, 11, 7, 1, 2, 10, 4, 5, 9, 6, 8];
    const assignments = await assign(['m-b', 'm-a'], { alerts: twelve, actions: [...twelve].reverse() });
    for (const assignment of assignments.values()) {
      expect(assignment['actions']).toEqual(assignment['alerts']);
      expect(assignment['alerts']).toHaveLength(6);
    }
    expect(assignments.get('m-a')!['alerts']).toEqual([0, 2, 4, 6, 8, 10]);
    expect(assignments.get('m-b')!['alerts']).toEqual([1, 3, 5, 7, 9, 11]);
  });

  it('gives every partition to someone when there are more members than partitions', async () => {
    const assignments = await assign(['a', 'b', 'c'], { alerts: [0, 1], actions: [0, 1] });
    expect([...assignments.values()].flatMap((assignment) => assignment['alerts'] ?? []).sort()).toEqual([0, 1]);
    expect(assignments.get('c')).toEqual({});
  });

  it('names itself in its protocol, with the topics subscribed', () => {
    const assigner = coPartitionedAssigner({ cluster: cluster({}), groupId: 'g', logger: {} as Logger });
    const protocol = assigner.protocol({ topics: ['alerts', 'actions'] });
    expect(protocol.name).toBe('AlertlarkCoPartitioned');
    expect(AssignerProtocol.MemberMetadata.decode(protocol.metadata)!.topics).toEqual(['alerts', 'actions']);
  });
});
