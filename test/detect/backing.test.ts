/**
 * Backing services: what proves a kind (a client library, a connection variable
 * read in code, a connection URL in code), what only earns a warning (a name in
 * a config file), and how the service is named (the host the code uses).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { detectBacking, libraryKind, schemeKind, varKind } from '../../lib/detect/backing.js';
import { openRepo } from '../../lib/detect/repo.js';
import { collectEnv, scanEnvReads } from '../../lib/detect/scan.js';
import { detectStack } from '../../lib/detect/stack.js';
import type { Language } from '../../lib/model/types.js';

function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'backing-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, dirname(rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** detectBacking over a one-folder tree, as the orchestrator would call it. */
function backingOf(files: Record<string, string>, language: Language, dependencies: string[]) {
  const repo = openRepo(writeTree(files));
  const sourceFiles = Object.keys(files);
  const reads = scanEnvReads(repo, sourceFiles);
  return detectBacking(repo, { service: 'svc', dir: '.', language, dependencies, sourceFiles, reads, env: collectEnv(repo, '.', reads) });
}

describe('backing: client libraries', () => {
  const cases: [Language, string, string | null][] = [
    ['node', 'ioredis', 'redis'],
    ['node', 'pg', 'postgres'],
    ['node', 'mysql2', 'mysql'],
    ['node', 'mongoose', 'mongodb'],
    ['node', 'amqplib', 'rabbitmq'],
    ['node', 'kafkajs', 'kafka'],
    ['node', 'memjs', 'memcached'],
    ['node', '@elastic/elasticsearch', 'elasticsearch'],
    ['node', 'nats', 'nats'],
    ['node', 'bullmq', 'redis'],
    ['node', 'express', null],
    ['python', 'psycopg2-binary', 'postgres'],
    ['python', 'psycopg[binary]>=3.1', 'postgres'],
    ['python', 'asyncpg', 'postgres'],
    ['python', 'PyMySQL', 'mysql'],
    ['python', 'motor', 'mongodb'],
    ['python', 'pika', 'rabbitmq'],
    ['python', 'confluent_kafka', 'kafka'],
    ['go', 'github.com/redis/go-redis/v9', 'redis'],
    ['go', 'github.com/jackc/pgx/v5', 'postgres'],
    ['go', 'go.mongodb.org/mongo-driver', 'mongodb'],
    ['go', 'github.com/gin-gonic/gin', null],
    ['java', 'spring-boot-starter-data-redis', 'redis'],
    ['java', 'org.postgresql:postgresql', 'postgres'],
    ['java', 'mysql-connector-j', 'mysql'],
    ['java', 'spring-boot-starter-amqp', 'rabbitmq'],
    ['java', 'spring-kafka', 'kafka'],
    ['ruby', 'pg', 'postgres'],
    ['ruby', 'mongoid', 'mongodb'],
    ['ruby', 'bunny', 'rabbitmq'],
    ['ruby', 'sidekiq', 'redis'],
    ['php', 'predis/predis', 'redis'],
    ['php', 'ext-redis', 'redis'],
    ['dotnet', 'StackExchange.Redis', 'redis'],
    ['dotnet', 'Npgsql', 'postgres'],
    ['dotnet', 'MongoDB.Driver', 'mongodb'],
    ['dotnet', 'RabbitMQ.Client', 'rabbitmq'],
    ['rust', 'tokio-postgres', 'postgres'],
    ['rust', 'lapin', 'rabbitmq'],
    ['rust', 'redis', 'redis'],
  ];
  for (const [language, dep, kind] of cases) {
    it(`${language} ${dep} -> ${kind ?? 'none'}`, () => assert.equal(libraryKind(dep, language), kind));
  }

  it('sqlx and Prisma say their database in their own config', () => {
    // The Rust detector reports each enabled feature as 'crate:feature' (read whole, even over several lines).
    const sqlx = backingOf({ 'Cargo.toml': '[package]\nname = "x"\n\n[dependencies]\nsqlx = { version = "0.8", features = ["runtime-tokio", "postgres"] }\n', 'src/main.rs': 'fn main() {}\n' }, 'rust', ['sqlx', 'sqlx:runtime-tokio', 'sqlx:postgres']);
    assert.deepEqual(sqlx.uses, [{ kind: 'postgres', name: 'postgres', source: 'Cargo.toml:5', named: false }]);
    const prisma = backingOf(
      { 'package.json': '{"dependencies":{"@prisma/client":"5"}}', 'prisma/schema.prisma': 'datasource db {\n  provider = "mysql"\n  url = env("DATABASE_URL")\n}\n', 'index.js': '' },
      'node',
      ['@prisma/client'],
    );
    assert.deepEqual(prisma.uses, [{ kind: 'mysql', name: 'mysql', source: 'prisma/schema.prisma:2', named: false }]);
  });
});

describe('backing: variables and URLs in code', () => {
  it('variable names tie to kinds', () => {
    assert.equal(varKind('REDIS_URL'), 'redis');
    assert.equal(varKind('PGHOST'), 'postgres');
    assert.equal(varKind('POSTGRES_PASSWORD'), 'postgres');
    assert.equal(varKind('MONGODB_URI'), 'mongodb');
    assert.equal(varKind('RABBITMQ_URL'), 'rabbitmq');
    assert.equal(varKind('AMQP_URL'), 'rabbitmq');
    assert.equal(varKind('KAFKA_BROKERS'), 'kafka');
    assert.equal(varKind('DATABASE_URL'), null, 'kind comes from the URL scheme');
    assert.equal(varKind('PREDIS_THING'), null);
    assert.equal(schemeKind('postgresql+asyncpg'), 'postgres');
    assert.equal(schemeKind('jdbc:mysql'), 'mysql');
    assert.equal(schemeKind('mongodb+srv'), 'mongodb');
  });

  it('a connection variable read in code proves the kind even without a library; its default names the host', () => {
    const { uses, warnings } = backingOf({ 'app.py': 'import os\nurl = os.environ.get("REDIS_URL", "redis://cache:6379/0")\n' }, 'python', []);
    assert.deepEqual(uses, [{ kind: 'redis', name: 'cache', source: 'app.py:2', named: true }]);
    assert.deepEqual(warnings, []);
  });

  it('DATABASE_URL: kind from the scheme of its default (code or .env.example)', () => {
    const fromCode = backingOf({ 'a.js': "const db = process.env.DATABASE_URL || 'postgres://u:p@db:5432/app';\n" }, 'node', []);
    assert.deepEqual(fromCode.uses, [{ kind: 'postgres', name: 'db', source: 'a.js:1', named: true }]);
    const fromExample = backingOf({ 'a.js': 'const db = process.env.DATABASE_URL;\n', '.env.example': 'DATABASE_URL=mysql://root@mysql:3306/app\n' }, 'node', []);
    assert.deepEqual(fromExample.uses, [{ kind: 'mysql', name: 'mysql', source: 'a.js:1', named: true }]);
  });

  it('DATABASE_URL with no scheme and no client library: a warning, no backing service', () => {
    const { uses, warnings } = backingOf({ 'a.js': 'const db = process.env.DATABASE_URL;\n' }, 'node', []);
    assert.deepEqual(uses, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /DATABASE_URL is read at a\.js:1 but the database kind is unknown/);
  });

  it('DATABASE_URL with one SQL client: that client decides', () => {
    const { uses } = backingOf({ 'package.json': '{\n  "dependencies": {\n    "pg": "8"\n  }\n}\n', 'a.js': 'const db = process.env.DATABASE_URL;\n' }, 'node', ['pg']);
    assert.deepEqual(uses, [{ kind: 'postgres', name: 'postgres', source: 'package.json:3', named: false }]);
  });

  it('a connection URL literal in code proves the kind; localhost names nothing', () => {
    const { uses } = backingOf({ 'main.go': 'conn, _ := amqp.Dial("amqp://guest:guest@localhost:5672/")\n' }, 'go', []);
    assert.deepEqual(uses, [{ kind: 'rabbitmq', name: 'rabbitmq', source: 'main.go:1', named: false }]);
  });

  it('two hosts of one kind are two backing services', () => {
    const { uses } = backingOf(
      { 'a.js': "const c = process.env.REDIS_CACHE_URL || 'redis://cache:6379';\nconst q = process.env.REDIS_QUEUE_URL || 'redis://queue:6379';\n" },
      'node',
      ['ioredis'],
    );
    assert.deepEqual(uses.map((u) => u.name), ['cache', 'queue']);
  });

  it('a Spring config names the host of a proven kind', () => {
    const { uses } = backingOf(
      {
        'pom.xml': '<project>\n  <dependencies>\n    <dependency><artifactId>spring-boot-starter-data-redis</artifactId></dependency>\n  </dependencies>\n</project>\n',
        'src/main/resources/application.properties': 'spring.data.redis.host=session-store\n',
        'src/main/java/App.java': 'class App {}\n',
      },
      'java',
      ['spring-boot-starter-data-redis'],
    );
    assert.deepEqual(uses, [{ kind: 'redis', name: 'session-store', source: 'pom.xml:3', named: true }]);
  });
});

describe('backing: names only in config files', () => {
  it('REDIS_URL in .env.example and redis:// in a YAML config, nothing in code: a warning, no service', () => {
    const { uses, warnings } = backingOf({ '.env.example': 'REDIS_URL=redis://redis:6379\n', 'config/app.yml': 'cache: redis://redis:6379\n', 'a.js': 'console.log(1);\n' }, 'node', []);
    assert.deepEqual(uses, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^svc: REDIS_URL is named in \.env\.example:1, but no redis client library is declared and no code reads it/);
  });
});

describe('backing: across services', () => {
  it('two services using the same host share one backing service; usedBy lists both', () => {
    const root = writeTree({
      'api/package.json': '{"name":"api","scripts":{"start":"node index.js"},"dependencies":{"express":"4","redis":"4"}}',
      'api/index.js': "require('express')().listen(3000);\nconst r = process.env.REDIS_URL || 'redis://redis:6379';\n",
      'jobs/requirements.txt': 'redis==5\n',
      'jobs/worker.py': 'import os, redis\nr = redis.Redis(host=os.getenv("REDIS_HOST", "redis"))\n\nif __name__ == "__main__":\n    while True:\n        r.blpop("q")\n',
    });
    const d = detectStack(root);
    assert.deepEqual(Object.keys(d.services), ['api', 'jobs']);
    assert.deepEqual(Object.keys(d.backing), ['redis']);
    assert.deepEqual(d.backing.redis!.usedBy, ['api', 'jobs']);
  });

  it('a backing host equal to a service name is renamed, with a warning', () => {
    const root = writeTree({
      'cache/package.json': '{"name":"cache","scripts":{"start":"node index.js"},"dependencies":{"express":"4","ioredis":"5"}}',
      'cache/index.js': "require('express')().listen(3000);\nconst r = process.env.REDIS_URL || 'redis://cache:6379';\n",
    });
    const d = detectStack(root);
    assert.deepEqual(Object.keys(d.backing), ['redis']);
    assert.deepEqual(d.services.cache!.dependsOn, ['redis']);
    assert.ok(d.warnings.some((w) => /host "cache" is already a service; naming it "redis"/.test(w)), JSON.stringify(d.warnings));
  });
});
