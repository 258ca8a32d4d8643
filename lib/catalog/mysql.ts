import { dbResources, standardUrl } from './common.js';
import { PASSWORD, type BackingRecord, type ClientContext } from './types.js';

/** MySQL-protocol connection values, shared with MariaDB. */
export const mysqlClient = {
  /** Rails' mysql2 adapter, SQLAlchemy's default (mysqlclient), Django, node mysql2, Laravel: mysql://; Ruby: mysql2://. */
  url: (c: ClientContext, scheme: string | null) => standardUrl(c, scheme ?? (c.language === 'ruby' ? 'mysql2' : 'mysql')),
  /** Go's go-sql-driver/mysql DSN when the code gave no scheme. */
  goDsn: (c: ClientContext) => `${c.auth ? `${c.user}:${PASSWORD}@` : ''}tcp(${c.name}:${c.port})/${c.database}`,
  jdbcUrl: (kind: 'mysql' | 'mariadb') => (c: ClientContext) => `jdbc:${kind}://${c.name}:${c.port}/${c.database}`,
  adoNet: (c: ClientContext) => `Server=${c.name};Port=${c.port};Database=${c.database};User ID=${c.user};Password=${PASSWORD}`,
};

export const mysql: BackingRecord = {
  kind: 'mysql',
  pin: 'mysql',
  port: 3306,
  // TLS is negotiated inside the MySQL protocol (after the server's greeting): nothing to wrap.
  tlsPort: null,
  uid: 999,
  gid: 999,
  signals: {
    libraries: [
      'mysql', 'mysql2',
      'pymysql', 'mysqlclient', 'aiomysql', 'mysql-connector-python', 'asyncmy',
      'mysql-connector-j', 'mysql-connector-java',
      'ext-mysqli', 'ext-pdo_mysql',
      'mysqlconnector', 'mysql.data', 'pomelo.entityframeworkcore.mysql', 'aspire.mysqlconnector', 'aspire.pomelo.entityframeworkcore.mysql',
      'mysql_async',
    ],
    goModules: ['github.com/go-sql-driver/mysql', 'gorm.io/driver/mysql'],
    schemes: /^mysql2?(\+\w+)?$/,
    envNames: /(^|_)MYSQL(_|$)/,
    hints: ['MYSQL', 'DB', 'DATABASE', 'SQL'],
  },
  auth: 'always',
  user: 'app',
  databases: true,
  passwordVar: 'MYSQL_PASSWORD',
  passwordFile: true,
  serverEnv: (c) => ({ MYSQL_DATABASE: c.database!, MYSQL_RANDOM_ROOT_PASSWORD: 'yes', MYSQL_USER: c.user! }),
  // A sub-folder: the volume's root may hold lost+found, which mysqld --initialize refuses.
  args: () => ['mysqld', '--datadir=/var/lib/mysql/data'],
  dataDir: () => '/var/lib/mysql',
  size: '8Gi',
  writableDirs: ['/tmp', '/var/lib/mysql-files', '/run/mysqld'],
  seedDirs: [],
  readOnlyRootFilesystem: true,
  resources: dbResources,
  externalInProduction: true,
  slowStart: false,
  seeded: true,
  // mysqladmin ping answers 0 as soon as the server accepts connections, whatever the credentials.
  health: () => 'mysqladmin ping -h 127.0.0.1 --silent',
  url: mysqlClient.url,
  address: (c) => `${c.name}:${c.port}`,
  jdbcUrl: mysqlClient.jdbcUrl('mysql'),
  adoNet: mysqlClient.adoNet,
  framework: {
    'spring-boot': (c) => ({ SPRING_DATASOURCE_PASSWORD: PASSWORD, SPRING_DATASOURCE_URL: mysql.jdbcUrl!(c), SPRING_DATASOURCE_USERNAME: c.user! }),
    rails: (c) => ({ DATABASE_URL: mysql.url(c, null)! }),
  },
  note: 'The image refuses to start without a password; user and database are created on first start, root gets a random password.',
};
