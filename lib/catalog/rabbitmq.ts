import { cacheResources, userinfo } from './common.js';
import { PASSWORD, type BackingRecord } from './types.js';

export const rabbitmq: BackingRecord = {
  kind: 'rabbitmq',
  pin: 'rabbitmq',
  port: 5672,
  // AMQPS, the AMQP port for TLS.
  tlsPort: 5671,
  uid: 999,
  gid: 999,
  signals: {
    libraries: [
      'amqplib', 'amqp-connection-manager', 'rascal',
      'pika', 'aio-pika', 'aiormq',
      'spring-boot-starter-amqp', 'spring-rabbit', 'amqp-client',
      'bunny', 'sneakers',
      'php-amqplib/php-amqplib', 'ext-amqp',
      'rabbitmq.client', 'masstransit.rabbitmq', 'aspire.rabbitmq.client',
      'lapin', 'amiquip',
    ],
    goModules: ['github.com/rabbitmq/amqp091-go', 'github.com/streadway/amqp'],
    schemes: /^amqps?$/,
    envNames: /(^|_)(RABBITMQ|RABBIT|AMQP)(_|$)/,
    hints: ['RABBITMQ', 'RABBIT', 'AMQP', 'MQ', 'BROKER'],
  },
  auth: 'always',
  user: 'app',
  databases: false,
  passwordVar: 'RABBITMQ_DEFAULT_PASS',
  passwordFile: false,
  launch: { entrypoint: ['docker-entrypoint.sh'], cmd: ['rabbitmq-server'] },
  serverEnv: (c) => ({ RABBITMQ_DEFAULT_USER: c.user! }),
  args: () => [],
  dataDir: () => '/var/lib/rabbitmq',
  size: '2Gi',
  // The server logs to /var/log/rabbitmq besides the console; its data, Erlang cookie and
  // expanded plugins live in the data folder. Since 3.9 the image's entrypoint writes no
  // configuration (/etc/rabbitmq is only read).
  writableDirs: ['/tmp', '/var/log/rabbitmq'],
  seedDirs: [],
  readOnlyRootFilesystem: true,
  resources: cacheResources,
  externalInProduction: false,
  slowStart: true,
  seeded: false,
  // ping answers before the AMQP listener is up: ready is when the listeners accept connections.
  health: () => 'rabbitmq-diagnostics -q check_port_connectivity',
  // No path: in an AMQP URI a trailing "/" names the empty vhost, not the default "/".
  url: (c, scheme) => `${scheme ?? 'amqp'}://${userinfo(c)}${c.name}:${c.port}`,
  address: (c) => `${c.name}:${c.port}`,
  framework: {
    'spring-boot': (c) => ({ SPRING_RABBITMQ_HOST: c.name, SPRING_RABBITMQ_PASSWORD: PASSWORD, SPRING_RABBITMQ_PORT: String(c.port), SPRING_RABBITMQ_USERNAME: c.user! }),
  },
  note: 'The user "app" is created on first start with the password from the secret.',
};
