import type { BackingRecord } from './types.js';

/** KRaft needs a cluster id; a fixed one keeps the output deterministic (it only names the local cluster). */
const CLUSTER_ID = 'MkU3OEVBNTcwNTJENDM2Qg';

export const kafka: BackingRecord = {
  kind: 'kafka',
  pin: 'kafka',
  port: 9092,
  // an SSL listener, 9093 by convention (the port is the broker's choice). Clients reach every broker by its advertised address: an ambassador serves a single broker only.
  tlsPort: 9093,
  uid: 1000,
  gid: 1000,
  signals: {
    libraries: [
      'kafkajs', 'node-rdkafka', '@confluentinc/kafka-javascript',
      'kafka-python', 'confluent-kafka', 'aiokafka',
      'spring-kafka', 'kafka-clients',
      'ruby-kafka', 'rdkafka', 'karafka',
      'confluent.kafka', 'aspire.confluent.kafka',
    ],
    goModules: ['github.com/segmentio/kafka-go', 'github.com/confluentinc/confluent-kafka-go', 'github.com/ibm/sarama', 'github.com/shopify/sarama', 'github.com/twmb/franz-go'],
    schemes: /^kafka$/,
    envNames: /(^|_)KAFKA(_|$)/,
    hints: ['KAFKA', 'BROKER'],
  },
  auth: 'none',
  user: null,
  databases: false,
  passwordVar: null,
  passwordFile: false,
  // A single KRaft node (broker and controller), advertised under the service's hostname.
  serverEnv: (c) => ({
    CLUSTER_ID,
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${c.name}:9092`,
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://localhost:9093',
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    // A sub-folder: the volume's root may hold lost+found.
    KAFKA_LOG_DIRS: '/var/lib/kafka/data/logs',
    KAFKA_NODE_ID: '1',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
  }),
  args: () => [],
  dataDir: () => '/var/lib/kafka/data',
  size: '8Gi',
  // kafka-run-class.sh logs to /opt/kafka/logs; the image's start script writes server.properties
  // (from the KAFKA_* variables) and its log4j files into /opt/kafka/config, which must keep the
  // image's other files: a seeded copy.
  writableDirs: ['/tmp', '/opt/kafka/logs'],
  seedDirs: ['/opt/kafka/config'],
  readOnlyRootFilesystem: true,
  resources: { requests: { cpu: '250m', memory: '512Mi', 'ephemeral-storage': '256Mi' }, limits: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '2Gi' } },
  externalInProduction: false,
  slowStart: true,
  seeded: false,
  health: () => '/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092 > /dev/null 2>&1',
  url: () => null,
  // Clients take a broker list: host:port.
  address: (c) => `${c.name}:${c.port}`,
  framework: {
    'spring-boot': (c) => ({ SPRING_KAFKA_BOOTSTRAP_SERVERS: `${c.name}:${c.port}` }),
  },
  note: 'A single KRaft node (broker and controller), PLAINTEXT listener on 9092, no authentication: only the pods that depend on it may reach it.',
};
