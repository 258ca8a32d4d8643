import { cacheResources } from './common.js';
import type { BackingRecord } from './types.js';

export const nats: BackingRecord = {
  kind: 'nats',
  pin: 'nats',
  port: 4222,
  // The image is FROM scratch with no user: any non-root uid works.
  uid: 1000,
  gid: 1000,
  signals: {
    libraries: ['nats', 'nats-py', 'jnats', 'nats-pure', 'nats.client', 'nats.net', 'async-nats'],
    goModules: ['github.com/nats-io/nats.go'],
    schemes: /^nats$/,
    envNames: /(^|_)NATS(_|$)/,
    hints: ['NATS'],
  },
  auth: 'none',
  user: null,
  databases: false,
  passwordVar: null,
  passwordFile: false,
  serverEnv: () => ({}),
  // JetStream on, its store on the data volume; the monitoring port for humans.
  args: () => ['--jetstream', '--store_dir', '/data', '--http_port', '8222'],
  dataDir: () => '/data',
  size: '1Gi',
  writableDirs: ['/tmp'],
  readOnlyRootFilesystem: true,
  resources: cacheResources,
  externalInProduction: false,
  slowStart: false,
  // FROM scratch: no shell, no client. Probed with a TCP connect; Compose dependents wait for service_started.
  health: () => null,
  url: (c, scheme) => `${scheme ?? 'nats'}://${c.name}:${c.port}`,
  address: (c) => `${c.name}:${c.port}`,
  note: 'JetStream on, stored on the data volume; no authentication: only the pods that depend on it may reach it.',
};
