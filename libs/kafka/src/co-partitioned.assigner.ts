import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

const NAME = 'AlertlarkCoPartitioned';

/**
 * Partition p of every subscribed topic to one member, member p mod n of the members sorted by id:
 * a consumer of co-partitioned topics (alerts and actions, both partitioned by team) then owns a
 * team's every topic together. kafkajs' round-robin spreads each topic's partitions in its
 * metadata order, so partition 3 of two topics could go to two members.
 */
export const coPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: NAME,
  version: 1,
  async assign({ members, topics }) {
    const memberIds = members.map((member) => member.memberId).sort();
    const assignments = new Map(memberIds.map((memberId) => [memberId, {} as Record<string, number[]>]));
    for (const topic of topics) {
      const partitions = cluster.findTopicPartitionMetadata(topic).map((metadata) => metadata.partitionId).sort((a, b) => a - b);
      for (const partition of partitions) {
        const assignment = assignments.get(memberIds[partition % memberIds.length]!)!;
        (assignment[topic] ??= []).push(partition);
      }
    }
    return memberIds.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: assignments.get(memberId)!, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: NAME, metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
  },
});
