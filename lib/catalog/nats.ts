import { cacheResources } from './common.js';
import type { BackingRecord } from './types.js';

export const nats: BackingRecord = {
  kind: 'nats',
  pin: 'nats',
  port: 4222,
  // TLS is negotiated inside the NATS protocol (after the server's INFO): nothing to wrap.
  tlsPort: null,
  // The alpine variant (busybox, for the health command) has no user of its own: any non-root uid works.
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
  seedDirs: [],
  readOnlyRootFilesystem: true,
  resources: cacheResources,
  externalInProduction: false,
  slowStart: false,
  seeded: false,
  // The monitoring port's /healthz answers 200 once the server (and JetStream) is ready. The
  // default nats image is FROM scratch, with nothing to run a check with: the pin is the
  // alpine variant, whose busybox has wget, so Compose and Kubernetes run the same check.
  health: () => 'wget -q -O /dev/null http://127.0.0.1:8222/healthz',
  url: (c, scheme) => `${scheme ?? 'nats'}://${c.name}:${c.port}`,
  address: (c) => `${c.name}:${c.port}`,
  note: 'JetStream on, stored on the data volume; no authentication: only the pods that depend on it may reach it.',
};
