import { dbResources, major, standardUrl } from './common.js';
import { PASSWORD, type BackingRecord } from './types.js';

export const postgres: BackingRecord = {
  kind: 'postgres',
  pin: 'postgres',
  port: 5432,
  // TLS is negotiated inside the PostgreSQL protocol (SSLRequest): nothing to wrap.
  tlsPort: null,
  uid: 999,
  gid: 999,
  signals: {
    libraries: [
      'pg', 'postgres', 'pg-promise', 'pg-pool', '@neondatabase/serverless',
      'psycopg2', 'psycopg2-binary', 'psycopg', 'psycopg-binary', 'psycopg-pool', 'asyncpg', 'pg8000',
      'postgresql', 'r2dbc-postgresql',
      'ext-pgsql', 'ext-pdo_pgsql',
      'npgsql', 'npgsql.entityframeworkcore.postgresql', 'aspire.npgsql', 'aspire.npgsql.entityframeworkcore.postgresql',
      'tokio-postgres', 'deadpool-postgres', 'postgres-types', 'bb8-postgres',
    ],
    goModules: ['github.com/jackc/pgx', 'github.com/lib/pq', 'gorm.io/driver/postgres'],
    schemes: /^postgres(ql)?(\+\w+)?$/,
    envNames: /(^|_)(POSTGRES|POSTGRESQL|PG)(_|$)|^PG(HOST|PORT|USER|PASSWORD|DATABASE|SSLMODE)$/,
    hints: ['POSTGRES', 'POSTGRESQL', 'PG', 'DB', 'DATABASE', 'SQL'],
  },
  auth: 'always',
  user: 'app',
  databases: true,
  passwordVar: 'POSTGRES_PASSWORD',
  passwordFile: true,
  serverEnv: (c) => ({
    POSTGRES_DB: c.database!,
    POSTGRES_USER: c.user!,
    // Up to 17 the data lives in a sub-folder of the volume (its root may hold lost+found,
    // which initdb refuses); 18 keeps it in a versioned folder below /var/lib/postgresql.
    ...(major(c.version) >= 18 ? {} : { PGDATA: '/var/lib/postgresql/data/pgdata' }),
  }),
  args: () => [],
  dataDir: (v) => (major(v) >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data'),
  size: '8Gi',
  // /run, not its /var/run symlink: a mount follows no symlink on some runtimes (podman 4.3).
  writableDirs: ['/tmp', '/run/postgresql'],
  seedDirs: [],
  readOnlyRootFilesystem: true,
  resources: dbResources,
  externalInProduction: true,
  slowStart: false,
  seeded: true,
  // Over TCP: while it initialises, the server listens on its socket only, so this is not ready too early.
  health: (c) => `pg_isready -h 127.0.0.1 -U ${c.user} -d ${c.database}`,
  // libpq's own scheme: psycopg, SQLAlchemy, asyncpg, node-postgres, pgx, lib/pq, Rails and Prisma all accept it.
  url: (c, scheme) => standardUrl(c, scheme ?? 'postgresql'),
  address: (c) => `${c.name}:${c.port}`,
  jdbcUrl: (c) => `jdbc:postgresql://${c.name}:${c.port}/${c.database}`,
  adoNet: (c) => `Host=${c.name};Port=${c.port};Database=${c.database};Username=${c.user};Password=${PASSWORD}`,
  framework: {
    'spring-boot': (c) => ({ SPRING_DATASOURCE_PASSWORD: PASSWORD, SPRING_DATASOURCE_URL: postgres.jdbcUrl!(c), SPRING_DATASOURCE_USERNAME: c.user! }),
    rails: (c) => ({ DATABASE_URL: postgres.url(c, null)! }),
  },
  note: 'The image refuses to start without a password; user and database are created on first start.',
};
