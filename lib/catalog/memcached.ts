import { cacheResources } from './common.js';
import type { BackingRecord } from './types.js';

export const memcached: BackingRecord = {
  kind: 'memcached',
  pin: 'memcached',
  port: 11211,
  // TLS on the same port (memcached 1.6 with -Z, and managed services).
  tlsPort: 11211,
  uid: 11211,
  gid: 11211,
  signals: {
    libraries: ['memjs', 'memcached', 'pymemcache', 'python-memcached', 'pylibmc', 'dalli', 'ext-memcached', 'enyimmemcachedcore', 'memcache'],
    goModules: ['github.com/bradfitz/gomemcache'],
    schemes: /^memcached?$/,
    envNames: /(^|_)(MEMCACHED|MEMCACHE|MEMCACHIER)(_|$)/,
    hints: ['MEMCACHED', 'MEMCACHE', 'CACHE'],
  },
  auth: 'none',
  user: null,
  databases: false,
  passwordVar: null,
  passwordFile: false,
  serverEnv: () => ({}),
  args: () => [],
  dataDir: () => null,
  size: '1Gi',
  writableDirs: ['/tmp'],
  seedDirs: [],
  readOnlyRootFilesystem: true,
  resources: cacheResources,
  externalInProduction: false,
  slowStart: false,
  seeded: false,
  // The image has no client; bash can open a TCP connection by itself.
  health: () => "bash -c 'exec 3<>/dev/tcp/127.0.0.1/11211'",
  url: () => null,
  address: (c) => `${c.name}:${c.port}`,
  note: 'Keeps nothing on disk; no authentication: only the pods that depend on it may reach it.',
};
