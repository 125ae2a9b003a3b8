import { parseEnv } from './env';
import { kafkaEnvSchema, kafkaSettings } from './kafka.env';

const settingsOf = (vars: Record<string, string>, files: Record<string, string> = {}) =>
  kafkaSettings(parseEnv(kafkaEnvSchema, vars), (path) => {
    if (path in files) return files[path]!;
    throw new Error(`ENOENT: no such file or directory, open '${path}'`);
  });

describe('Kafka settings from the environment', () => {
  it('default: the local broker in plain text, topics with one replica and min.insync.replicas 1', () => {
    expect(settingsOf({})).toEqual({ brokers: ['127.0.0.1:9092'], topics: { replicationFactor: 1, minInsyncReplicas: 1 } });
  });

  it('production: TLS with the cluster\'s CA, SCRAM credentials, 3 replicas of which 2 must have each write', () => {
    const settings = settingsOf(
      {
        KAFKA_BROKERS: 'b1:9093, b2:9093,b3:9093',
        KAFKA_TLS: 'true',
        KAFKA_TLS_CA_FILE: '/etc/kafka/ca.pem',
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'alertlark',
        KAFKA_SASL_PASSWORD: 's3cret',
        KAFKA_TOPIC_REPLICATION_FACTOR: '3',
        KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2',
      },
      { '/etc/kafka/ca.pem': '-----BEGIN CERTIFICATE-----\n' },
    );
    expect(settings).toEqual({
      brokers: ['b1:9093', 'b2:9093', 'b3:9093'],
      ssl: { ca: '-----BEGIN CERTIFICATE-----\n' },
      sasl: { mechanism: 'scram-sha-512', username: 'alertlark', password: 's3cret' },
      topics: { replicationFactor: 3, minInsyncReplicas: 2 },
    });
  });

  it('TLS without a CA file trusts the system\'s CAs; blank variables (compose\'s ${VAR:-}) count as unset', () => {
    expect(settingsOf({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '', KAFKA_SASL_MECHANISM: '', KAFKA_SASL_USERNAME: ' ', KAFKA_SASL_PASSWORD: '' })).toMatchObject({ ssl: true });
    expect(settingsOf({ KAFKA_TLS: 'false' })).not.toHaveProperty('ssl');
  });

  it('SASL/PLAIN', () => {
    expect(settingsOf({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).sasl).toEqual({ mechanism: 'plain', username: 'u', password: 'p' });
  });

  it.each([
    [{ KAFKA_TLS: 'maybe' }, /KAFKA_TLS: must be true or false/],
    [{ KAFKA_SASL_MECHANISM: 'gssapi' }, /KAFKA_SASL_MECHANISM: /],
    [{ KAFKA_TOPIC_REPLICATION_FACTOR: '0' }, /KAFKA_TOPIC_REPLICATION_FACTOR: /],
    [{ KAFKA_TOPIC_MIN_INSYNC_REPLICAS: 'two' }, /KAFKA_TOPIC_MIN_INSYNC_REPLICAS: /],
  ])('refuses %j, naming the variable', (vars, message) => {
    expect(() => settingsOf(vars)).toThrow(message);
  });

  it.each([
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: both required with KAFKA_SASL_MECHANISM=scram-sha-256'],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, 'KAFKA_SASL_MECHANISM: required with KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD'],
    [{ KAFKA_TLS_CA_FILE: '/etc/kafka/ca.pem' }, 'KAFKA_TLS_CA_FILE: set KAFKA_TLS=true to use it'],
    [{ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '/missing.pem' }, 'KAFKA_TLS_CA_FILE: cannot read /missing.pem (ENOENT'],
    [{ KAFKA_TOPIC_REPLICATION_FACTOR: '1', KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2' }, 'KAFKA_TOPIC_MIN_INSYNC_REPLICAS: 2 is more than KAFKA_TOPIC_REPLICATION_FACTOR (1)'],
  ])('refuses the combination %j, saying what to set', (vars, message) => {
    expect(() => settingsOf(vars, { '/etc/kafka/ca.pem': 'pem' })).toThrow(message);
  });

  it('never puts the SASL password in an error', () => {
    expect(() => settingsOf({ KAFKA_SASL_PASSWORD: 'hunter2-secret' })).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
  });
});
