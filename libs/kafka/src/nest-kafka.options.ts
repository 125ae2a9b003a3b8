import { Transport, type KafkaOptions } from '@nestjs/microservices';

/**
 * Options for a service's Kafka microservice (@EventPattern consumers). Values are kept as bytes so
 * `consumeEvent` can validate them and dead-letter the original on failure; the group id is used as
 * given (no `-server` postfix) so operators see the names the docs use.
 */
export function kafkaMicroserviceOptions(params: { clientId: string; brokers: string[]; groupId: string; fromBeginning: boolean }): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      postfixId: '',
      client: { clientId: params.clientId, brokers: params.brokers, retry: { initialRetryTime: 200, retries: 10 } },
      consumer: { groupId: params.groupId, maxWaitTimeInMs: 100, sessionTimeout: 30_000, heartbeatInterval: 3_000 },
      subscribe: { fromBeginning: params.fromBeginning },
      parser: { keepBinary: true },
      // Partitions are independent (order matters only within one); while one waits on MongoDB or
      // Kafka, others go on.
      run: { autoCommitInterval: 1_000, partitionsConsumedConcurrently: 3 },
    },
  };
}
