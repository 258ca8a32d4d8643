import { dbResources, major, userinfo } from './common.js';
import type { BackingRecord } from './types.js';

export const mongodb: BackingRecord = {
  kind: 'mongodb',
  pin: 'mongodb',
  port: 27017,
  // TLS from the first byte on the same port (tls=true). A replica set's members are reached by their own names: use directConnection through an ambassador.
  tlsPort: 27017,
  uid: 999,
  gid: 999,
  signals: {
    libraries: [
      'mongodb', 'mongoose',
      'pymongo', 'motor', 'mongoengine', 'beanie',
      'spring-boot-starter-data-mongodb', 'spring-boot-starter-data-mongodb-reactive', 'mongodb-driver-sync', 'mongodb-driver-reactivestreams',
      'mongoid', 'mongo',
      'mongodb/mongodb', 'ext-mongodb',
      'mongodb.driver', 'aspire.mongodb.driver',
    ],
    goModules: ['go.mongodb.org/mongo-driver'],
    schemes: /^mongodb(\+srv)?$/,
    envNames: /(^|_)(MONGO|MONGODB)(_|$)/,
    hints: ['MONGO', 'MONGODB', 'DB', 'DATABASE'],
  },
  auth: 'clients',
  user: 'root',
  databases: true,
  passwordVar: 'MONGO_INITDB_ROOT_PASSWORD',
  passwordFile: true,
  serverEnv: (c): Record<string, string> => (c.auth ? { MONGO_INITDB_ROOT_USERNAME: c.user! } : {}),
  args: () => [],
  dataDir: () => '/data/db',
  size: '8Gi',
  writableDirs: ['/data/configdb', '/tmp'],
  seedDirs: [],
  readOnlyRootFilesystem: true,
  resources: dbResources,
  externalInProduction: true,
  slowStart: false,
  seeded: true,
  // ping needs no credentials.
  health: (c) => `${major(c.version) >= 6 ? 'mongosh' : 'mongo'} --quiet --eval "quit(db.adminCommand('ping').ok ? 0 : 1)"`,
  // The root user lives in the admin database: authSource=admin, whatever database the app uses.
  url: (c, scheme) =>
    `${scheme ?? 'mongodb'}://${userinfo(c)}${c.name}:${c.port}/${c.database ?? ''}${c.auth ? '?authSource=admin' : ''}`,
  address: (c) => `${c.name}:${c.port}`,
  framework: {
    'spring-boot': (c) => ({ SPRING_DATA_MONGODB_URI: mongodb.url(c, null)! }),
  },
  note: 'Auth is on when every client can carry the password (a URL or password variable): the root user, created on first start.',
};
