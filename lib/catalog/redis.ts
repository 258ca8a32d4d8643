import { cacheResources, userinfo } from './common.js';
import { PASSWORD, type BackingRecord } from './types.js';

export const redis: BackingRecord = {
  kind: 'redis',
  pin: 'redis',
  port: 6379,
  // rediss on the same port (most managed services; Azure Cache for Redis uses 6380). Redis Cluster redirects clients to its nodes' own addresses: an ambassador serves a single endpoint.
  tlsPort: 6379,
  uid: 999,
  gid: 999,
  signals: {
    libraries: [
      // npm
      'redis', 'ioredis', '@redis/client', 'bull', 'bullmq', 'connect-redis', 'cache-manager-redis-store',
      // PyPI
      'aioredis', 'redis-py-cluster', 'django-redis', 'channels-redis', 'rq', 'flask-caching-redis',
      // Maven
      'spring-boot-starter-data-redis', 'spring-boot-starter-data-redis-reactive', 'jedis', 'lettuce-core', 'redisson',
      // gems
      'sidekiq', 'resque', 'redis-rails', 'redis-client',
      // Composer
      'predis/predis', 'ext-redis', 'phpredis/phpredis',
      // NuGet
      'stackexchange.redis', 'microsoft.extensions.caching.stackexchangeredis', 'aspire.stackexchange.redis', 'aspire.stackexchange.redis.distributedcaching', 'aspire.stackexchange.redis.outputcaching',
      // crates
      'deadpool-redis', 'bb8-redis', 'fred',
    ],
    goModules: ['github.com/redis/go-redis', 'github.com/go-redis/redis', 'github.com/gomodule/redigo', 'github.com/redis/rueidis'],
    schemes: /^rediss?$/,
    envNames: /(^|_)REDIS(_|$)/,
    hints: ['REDIS', 'CACHE'],
  },
  auth: 'clients',
  user: null,
  databases: false,
  // Not read by the image: the args below pass it to redis-server.
  passwordVar: 'REDIS_PASSWORD',
  passwordFile: false,
  launch: { entrypoint: ['docker-entrypoint.sh'], cmd: ['redis-server'] },
  serverEnv: () => ({}),
  args: (c) => (c.auth ? ['redis-server', '--requirepass', '$(REDIS_PASSWORD)'] : []),
  dataDir: () => '/data',
  size: '1Gi',
  writableDirs: ['/tmp'],
  seedDirs: [],
  readOnlyRootFilesystem: true,
  resources: cacheResources,
  externalInProduction: false,
  slowStart: false,
  seeded: true,
  // REDISCLI_AUTH keeps the password off redis-cli's command line.
  health: (c) => `${c.auth ? `REDISCLI_AUTH="${PASSWORD}" ` : ''}redis-cli ping | grep -q PONG`,
  // `redis://:password@host:port`: ioredis, node-redis, redis-py, go-redis and Jedis all read it.
  url: (c, scheme) => `${scheme ?? 'redis'}://${userinfo(c)}${c.name}:${c.port}`,
  address: (c) => `${c.name}:${c.port}`,
  adoNet: (c) => `${c.name}:${c.port}${c.auth ? `,password=${PASSWORD}` : ''}`,
  framework: {
    // Spring Boot 3's names (spring.data.redis.*).
    'spring-boot': (c) => ({ SPRING_DATA_REDIS_HOST: c.name, SPRING_DATA_REDIS_PORT: String(c.port), ...(c.auth ? { SPRING_DATA_REDIS_PASSWORD: PASSWORD } : {}) }),
    // Action Cable, Sidekiq and Rails' cache store read REDIS_URL.
    rails: (c) => ({ REDIS_URL: redis.url(c, null)! }),
  },
  note: 'A password (requirepass) when every client can carry it (a URL or password variable); otherwise none, and only the pods that depend on it may reach it.',
};
