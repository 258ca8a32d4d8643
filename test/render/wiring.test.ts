/**
 * The wiring (lib/render/wiring.ts) on the shapes real apps have: a required DATABASE_URL
 * with no default, a localhost default, a DB_HOST/DB_USER/DB_PASSWORD family, framework
 * conventions (Spring Boot, Rails, ASP.NET Core), Go's MySQL DSN, MongoDB with auth. Every
 * connection value is then parsed by the real client library's own parser (node-postgres's
 * pg-connection-string, mysql2's ConnectionConfig, ioredis, the MongoDB driver's
 * mongodb-connection-string-url), so "the app can connect" is checked by the rules of the
 * client, not by ours. Kafka and memcached take host:port lists, checked as such.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConnectionString } from 'mongodb-connection-string-url';
import { parse as parsePg } from 'pg-connection-string';
import { CATALOG, defaultVersion } from '../../lib/catalog/index.js';
import { imagePins } from '../../lib/catalog/images.js';
import { joinParts, wireStack, type WiredVar } from '../../lib/render/wiring.js';
import { BACKING_KINDS, type BackingKind, type StackModel } from '../../lib/model/types.js';
import { plain, secret, service, stack } from '../helpers/models.js';

const require = createRequire(import.meta.url);
const { ConnectionConfig } = require('mysql2') as { ConnectionConfig: { parseUrl(url: string): Record<string, unknown> } };
const { parseURL: parseRedisUrl } = require(join(dirname(require.resolve('ioredis')), 'utils', 'index.js')) as { parseURL(url: string): Record<string, string> };

const PW = 's3cr3t';
/** A wired variable's value with the password put in, as Compose's secrets/create.sh and Kubernetes do. */
function valueOf(v: WiredVar | undefined): string {
  assert.ok(v, 'variable not wired');
  switch (v.value.kind) {
    case 'literal':
      return v.value.value;
    case 'password':
      return PW;
    case 'connection':
      return joinParts(v.value.parts, () => PW);
    default:
      throw new Error(`${v.name}: ${v.value.kind}`);
  }
}
const vars = (model: StackModel, svc: string) => Object.fromEntries(wireStack(model).services[svc]!.map((v) => [v.name, v]));

describe('wiring: apps reach their backing services', () => {
  it('a required DATABASE_URL with no default (FastAPI + SQLAlchemy) gets a postgresql:// URL with the stack user, password and database', () => {
    const model = stack('notes', { api: service({ path: 'api', language: 'python', framework: 'fastapi', env: { DATABASE_URL: plain(null) }, dependsOn: ['postgres'] }) }, { postgres: { kind: 'postgres', version: '16' } });
    const w = wireStack(model);
    const url = w.services.api!.find((v) => v.name === 'DATABASE_URL')!;
    assert.equal(url.value.kind, 'connection', 'a URL with a password is never a literal');
    assert.match(valueOf(url), /^postgresql:\/\//, 'SQLAlchemy refuses postgres://');
    const parsed = parsePg(valueOf(url));
    assert.deepEqual([parsed.user, parsed.password, parsed.host, parsed.port, parsed.database], ['app', PW, 'postgres', '5432', 'notes']);
    assert.deepEqual([w.backing.postgres!.user, w.backing.postgres!.database, w.backing.postgres!.auth], ['app', 'notes', true], 'the server is started with the same user and database');
  });

  it('a localhost default (a TypeScript API on MongoDB) is rewritten to the backing hostname, with credentials and authSource', () => {
    const model = stack('notes', { api: service({ path: 'api', language: 'node', env: { MONGODB_URI: plain('mongodb://localhost:27017/notes') }, dependsOn: ['mongodb'] }) }, { mongodb: { kind: 'mongodb', version: '7' } });
    const uri = new ConnectionString(valueOf(vars(model, 'api').MONGODB_URI));
    assert.deepEqual(uri.hosts, ['mongodb:27017']);
    assert.equal(uri.username, 'root');
    assert.equal(decodeURIComponent(uri.password), PW);
    assert.equal(uri.pathname, '/notes');
    assert.equal(uri.searchParams.get('authSource'), 'admin', 'the root user lives in admin');
  });

  it('a DB_HOST / DB_PORT / DB_USER / DB_PASSWORD / DB_NAME family is filled from the stack (localhost default rewritten)', () => {
    const model = stack('shop', {
      orders: service({ path: 'orders', language: 'node', env: { DB_HOST: plain('localhost'), DB_PORT: plain('3306'), DB_USER: plain(null), DB_PASSWORD: secret(), DB_NAME: plain(null) }, dependsOn: ['mariadb'] }),
    }, { mariadb: { kind: 'mariadb', version: '11' } });
    const v = vars(model, 'orders');
    assert.deepEqual(['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_NAME'].map((n) => valueOf(v[n])), ['mariadb', '3306', 'app', 'shop']);
    assert.deepEqual(v.DB_PASSWORD!.value, { kind: 'password', backing: 'mariadb' });
    const b = wireStack(model).backing.mariadb!;
    assert.deepEqual(CATALOG.mariadb.serverEnv(b.server), { MARIADB_DATABASE: 'shop', MARIADB_RANDOM_ROOT_PASSWORD: '1', MARIADB_USER: 'app' }, 'the image creates that user and database');
  });

  it('a MySQL URL is parsed by mysql2 as the stack user, password, host and database; Ruby gets mysql2://, Go a go-sql-driver DSN', () => {
    const backing = { mysql: { kind: 'mysql' as const, version: '8.0' } };
    const node = stack('shop', { app: service({ path: 'app', language: 'node', env: { DATABASE_URL: plain(null) }, dependsOn: ['mysql'] }) }, backing);
    assert.deepEqual(ConnectionConfig.parseUrl(valueOf(vars(node, 'app').DATABASE_URL)), { host: 'mysql', port: 3306, database: 'shop', user: 'app', password: PW });
    const ruby = stack('shop', { app: service({ path: 'app', language: 'ruby', framework: 'rails', dependsOn: ['mysql'] }) }, backing);
    assert.match(valueOf(vars(ruby, 'app').DATABASE_URL), /^mysql2:\/\/app:s3cr3t@mysql:3306\/shop$/, 'Rails reads DATABASE_URL by convention, with its mysql2 adapter');
    const go = stack('shop', { app: service({ path: 'app', language: 'go', env: { MYSQL_DSN: plain(null) }, dependsOn: ['mysql'] }) }, backing);
    assert.equal(valueOf(vars(go, 'app').MYSQL_DSN), 'app:s3cr3t@tcp(mysql:3306)/shop');
  });

  it('Redis: a password when every client can carry it (ioredis reads it from the URL), none when one cannot', () => {
    const model = stack('shop', { web: service({ path: 'web', language: 'node', env: { REDIS_URL: plain('redis://localhost:6379/2') }, dependsOn: ['redis'] }) }, { redis: { kind: 'redis', version: '7' } });
    const parsed = parseRedisUrl(valueOf(vars(model, 'web').REDIS_URL));
    assert.deepEqual([parsed.host, parsed.port, parsed.password, parsed.db], ['redis', '6379', PW, '2']);
    const mixed = structuredClone(model);
    mixed.services.worker = service({ path: 'worker', language: 'go', env: { REDIS_ADDR: plain('localhost:6379') }, dependsOn: ['redis'] });
    const w = wireStack(mixed);
    assert.equal(w.backing.redis!.auth, false, 'the worker has no way to send a password');
    assert.equal(valueOf(w.services.worker!.find((v) => v.name === 'REDIS_ADDR')), 'redis:6379');
    assert.equal(valueOf(w.services.web!.find((v) => v.name === 'REDIS_URL')), 'redis://redis:6379/2');
  });

  it('Spring Boot gets SPRING_DATASOURCE_URL (JDBC), USERNAME and PASSWORD for the same user the database was created with', () => {
    const model = stack('shop', { api: service({ path: 'api', language: 'java', framework: 'spring-boot', port: 8080, dependsOn: ['postgres', 'rabbitmq'] }) }, { postgres: { kind: 'postgres', version: '16' }, rabbitmq: { kind: 'rabbitmq', version: '3' } });
    const v = vars(model, 'api');
    assert.equal(valueOf(v.SPRING_DATASOURCE_URL), 'jdbc:postgresql://postgres:5432/shop');
    assert.equal(valueOf(v.SPRING_DATASOURCE_USERNAME), 'app');
    assert.deepEqual(v.SPRING_DATASOURCE_PASSWORD!.value, { kind: 'password', backing: 'postgres' });
    assert.deepEqual(['SPRING_RABBITMQ_HOST', 'SPRING_RABBITMQ_PORT', 'SPRING_RABBITMQ_USERNAME'].map((n) => valueOf(v[n])), ['rabbitmq', '5672', 'app']);
    assert.equal(v.SPRING_DATASOURCE_URL!.convention, 'spring-boot');
  });

  it('ASP.NET Core: a ConnectionStrings__<name> the code reads gets an ADO.NET string (Npgsql keys)', () => {
    const model = stack('shop', { api: service({ path: 'api', language: 'dotnet', framework: 'aspnetcore', env: { ConnectionStrings__Default: plain(null) }, dependsOn: ['postgres'] }) }, { postgres: { kind: 'postgres', version: '16' } });
    assert.equal(valueOf(vars(model, 'api').ConnectionStrings__Default), 'Host=postgres;Port=5432;Database=shop;Username=app;Password=s3cr3t');
  });

  it('a URL without a host (postgres:///db, libpq\'s local socket: django-environ\'s usual default) is local too', () => {
    const model = stack('shop', { api: service({ path: 'api', language: 'python', framework: 'django', env: { DATABASE_URL: plain('postgres:///styleguide') }, dependsOn: ['db'] }) }, { db: { kind: 'postgres', version: '16' } });
    const parsed = parsePg(valueOf(vars(model, 'api').DATABASE_URL));
    assert.deepEqual([parsed.user, parsed.password, parsed.host, parsed.database], ['app', PW, 'db', 'styleguide']);
  });

  it('keeps a value that points at a host outside the stack, and the code\'s scheme and options', () => {
    const model = stack('shop', {
      api: service({ path: 'api', language: 'python', env: { DATABASE_URL: plain('postgresql+asyncpg://localhost/orders?sslmode=disable'), ANALYTICS_DB_HOST: plain('analytics.internal.example.com') }, dependsOn: ['postgres'] }),
    }, { postgres: { kind: 'postgres', version: '16' } });
    const v = vars(model, 'api');
    assert.equal(valueOf(v.DATABASE_URL), 'postgresql+asyncpg://app:s3cr3t@postgres:5432/orders?sslmode=disable');
    assert.deepEqual(v.ANALYTICS_DB_HOST!.value, { kind: 'literal', value: 'analytics.internal.example.com' });
    assert.equal(wireStack(model).backing.postgres!.database, 'orders', 'the database the code names is the one created');
  });

  it('Kafka, memcached and NATS get host:port lists or their own URL, without credentials', () => {
    const model = stack('shop', {
      app: service({ path: 'app', language: 'node', env: { KAFKA_BROKERS: plain('localhost:9092'), MEMCACHED_SERVERS: plain(null), NATS_URL: plain('nats://127.0.0.1:4222') }, dependsOn: ['kafka', 'memcached', 'nats'] }),
    }, { kafka: { kind: 'kafka', version: '3.7.0' }, memcached: { kind: 'memcached', version: '1.6' }, nats: { kind: 'nats', version: '2' } });
    const v = vars(model, 'app');
    // kafkajs takes `brokers: process.env.KAFKA_BROKERS.split(',')`: each a host:port.
    assert.deepEqual(valueOf(v.KAFKA_BROKERS).split(',').map((b) => b.split(':')), [['kafka', '9092']]);
    assert.equal(valueOf(v.MEMCACHED_SERVERS), 'memcached:11211');
    assert.equal(valueOf(v.NATS_URL), 'nats://nats:4222');
  });

  it('what cannot be wired is reported with the flag that fixes it; an ambiguous name is left alone and reported', () => {
    const model = stack('shop', {
      api: service({ path: 'api', language: 'node', env: { DATABASE_URL: plain(null), DB_PASSWORD: secret() }, dependsOn: ['postgres', 'mysql'] }),
      jobs: service({ path: 'jobs', language: 'node', env: { REDIS_URL: plain(null) } }),
    }, { postgres: { kind: 'postgres', version: '16' }, mysql: { kind: 'mysql', version: '8.0' } });
    const w = wireStack(model);
    assert.deepEqual(w.services.api!.find((v) => v.name === 'DATABASE_URL')!.value, { kind: 'secret', generate: 'empty' });
    assert.ok(w.notes.some((n) => n.startsWith('api: DATABASE_URL could be about mysql or postgres')), w.notes.join('\n'));
    assert.ok(w.notes.some((n) => n.includes('jobs: REDIS_URL names a redis') && n.includes('--set backing.redis.kind=redis --set jobs.dependsOn=redis')), w.notes.join('\n'));
  });

  it('user, database and auth are decided once per backing service and agree for every client', () => {
    const model = stack('shop', {
      a: service({ path: 'a', language: 'node', env: { DATABASE_URL: plain('postgres://localhost/books') }, dependsOn: ['postgres'] }),
      b: service({ path: 'b', language: 'python', env: { PGUSER: plain(null), PGPASSWORD: secret(), PGDATABASE: plain(null), PGHOST: plain(null) }, dependsOn: ['postgres'] }),
    }, { postgres: { kind: 'postgres', version: '16' } });
    const a = parsePg(valueOf(vars(model, 'a').DATABASE_URL));
    const b = vars(model, 'b');
    assert.deepEqual([a.user, a.database, a.host], [valueOf(b.PGUSER), valueOf(b.PGDATABASE), valueOf(b.PGHOST)]);
  });
});

describe('the catalog: one record per backing kind, versions from the pins', () => {
  it('every kind has a record whose pin exists, and its default version is the pin\'s leading version', () => {
    for (const kind of BACKING_KINDS) {
      const r = CATALOG[kind as BackingKind];
      assert.equal(r.kind, kind);
      const pin = imagePins().get(r.pin);
      assert.ok(pin, `${kind}: no pin "${r.pin}" in templates/images.Dockerfile`);
      assert.ok(pin!.tag.startsWith(defaultVersion(kind)), `${kind}: default ${defaultVersion(kind)} vs pin ${pin!.tag}`);
    }
  });

  it('a bump of a pin is a bump of the default version', () => {
    const pins = imagePins();
    const before = pins.get('postgres')!;
    try {
      pins.set('postgres', { repository: before.repository, tag: '17-bookworm' });
      assert.equal(defaultVersion('postgres'), '17');
    } finally {
      pins.set('postgres', before);
    }
    assert.equal(defaultVersion('postgres'), before.tag.split('-')[0]);
  });
});
