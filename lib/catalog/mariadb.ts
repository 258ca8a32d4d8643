import { dbResources } from './common.js';
import { mysqlClient } from './mysql.js';
import { PASSWORD, type BackingRecord } from './types.js';

export const mariadb: BackingRecord = {
  kind: 'mariadb',
  pin: 'mariadb',
  port: 3306,
  // TLS is negotiated inside the MySQL protocol (after the server's greeting): nothing to wrap.
  tlsPort: null,
  uid: 999,
  gid: 999,
  signals: {
    libraries: ['mariadb', 'mariadb-java-client'],
    goModules: [],
    schemes: /^mariadb(\+\w+)?$/,
    envNames: /(^|_)MARIADB(_|$)/,
    hints: ['MARIADB', 'MYSQL', 'DB', 'DATABASE', 'SQL'],
  },
  auth: 'always',
  user: 'app',
  databases: true,
  passwordVar: 'MARIADB_PASSWORD',
  passwordFile: true,
  serverEnv: (c) => ({ MARIADB_DATABASE: c.database!, MARIADB_RANDOM_ROOT_PASSWORD: '1', MARIADB_USER: c.user! }),
  // The default data folder: the entrypoint initialises when mysql/ is missing, whatever else
  // the volume holds (lost+found), and healthcheck.sh finds its .my-healthcheck.cnf there.
  args: () => [],
  dataDir: () => '/var/lib/mysql',
  size: '8Gi',
  writableDirs: ['/run/mysqld', '/tmp'],
  seedDirs: [],
  readOnlyRootFilesystem: true,
  resources: dbResources,
  externalInProduction: true,
  slowStart: false,
  seeded: true,
  // The image's own script; it uses the health-check user the image creates on first start.
  health: () => 'healthcheck.sh --connect --innodb_initialized',
  // MariaDB speaks the MySQL protocol: clients use mysql:// (the mariadb npm client accepts it too).
  url: (c, scheme) => mysqlClient.url(c, scheme === 'mariadb' ? 'mariadb' : scheme),
  address: (c) => `${c.name}:${c.port}`,
  jdbcUrl: mysqlClient.jdbcUrl('mariadb'),
  adoNet: mysqlClient.adoNet,
  framework: {
    'spring-boot': (c) => ({ SPRING_DATASOURCE_PASSWORD: PASSWORD, SPRING_DATASOURCE_URL: mariadb.jdbcUrl!(c), SPRING_DATASOURCE_USERNAME: c.user! }),
    rails: (c) => ({ DATABASE_URL: mariadb.url(c, null)! }),
  },
  note: 'The image refuses to start without a password; user and database are created on first start, root gets a random password.',
};
