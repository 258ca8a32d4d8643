/**
 * Whole-pipeline detection on fixture repositories, through the real language
 * detectors (LANGUAGE_DETECTORS). Each fixture mimics a common repository layout.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkModel } from '../../lib/model/validate.js';
import { detectStack, toModel } from '../../lib/detect/index.js';
import { startCommandPort } from '../../lib/detect/stack.js';
import type { Detection } from '../../lib/detect/types.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/detect');
const fixture = (name: string) => join(FIXTURES, name);
const detect = (name: string, opts?: { name?: string; registry?: string }) => detectStack(fixture(name), opts);

/** 'file:line', 'file', 'default', 'unknown' or 'option': the only shapes evidence may take. */
const EVIDENCE = /^(default|unknown|option|[\w.@/-]+(:\d+)?)$/;
const SERVICE_FIELDS = ['path', 'language', 'languageVersion', 'framework', 'packageManager', 'lockfile', 'port', 'start', 'build', 'healthPath', 'public', 'env', 'dependsOn', 'entry', 'outputDir', 'dockerfile'];

/** Invariants every detection must satisfy, whatever the repository. */
function assertWellFormed(d: Detection, root: string): void {
  for (const [name, svc] of Object.entries(d.services)) {
    for (const field of SERVICE_FIELDS) assert.ok(svc.evidence[field], `${name}.${field} has evidence`);
    for (const env of Object.keys(svc.env)) assert.ok(svc.evidence[`env.${env}`], `${name}.env.${env} has evidence`);
    for (const [key, source] of Object.entries(svc.evidence)) assert.match(source, EVIDENCE, `${name} evidence ${key}`);
    for (const [env, v] of Object.entries(svc.env)) if (v.secret) assert.equal(v.value, null, `${name}.env.${env} is a secret without a value`);
    assert.ok(!svc.dependsOn.includes(name), `${name} does not depend on itself`);
    const inStart = startCommandPort({ value: svc.start, source: '' });
    if (inStart) assert.equal(svc.port, inStart.value, `${name}: the port agrees with the start command`);
    if (svc.port === null) assert.equal(svc.public, false, `${name}: no port, not public`);
    assert.deepEqual(svc.dependsOn, [...svc.dependsOn].sort());
    assert.deepEqual(Object.keys(svc.env), Object.keys(svc.env).sort());
  }
  assert.deepEqual(Object.keys(d.services), Object.keys(d.services).sort());
  assert.deepEqual(Object.keys(d.backing), Object.keys(d.backing).sort());
  for (const b of Object.values(d.backing)) assert.match(b.evidence.kind!, EVIDENCE);
  // A static build (outputDir set) needs no start command; lib/model/validate.ts only knows language 'static'.
  const staticBuilds = Object.entries(d.services).filter(([, s]) => s.outputDir !== null).map(([n]) => `services.${n}.start is unknown`);
  const problems = checkModel(toModel(d), root).filter((p) => !staticBuilds.some((s) => p.startsWith(s)));
  assert.deepEqual(problems, [], 'the model passes validation');
}

describe('detectStack', () => {
  it('single root service: name from package.json, port and health from code, redis named by its URL host', () => {
    const d = detect('single-node');
    assertWellFormed(d, fixture('single-node'));
    assert.equal(d.name, 'shop-api');
    assert.equal(d.evidence.name, 'package.json:2');
    assert.equal(d.registry, 'localhost');
    assert.deepEqual(Object.keys(d.services), ['shop-api']);
    const svc = d.services['shop-api']!;
    assert.equal(svc.path, '.');
    assert.equal(svc.language, 'node');
    assert.equal(svc.port, 3000);
    assert.equal(svc.evidence.port, 'src/server.js:5');
    assert.equal(svc.healthPath, '/healthz');
    assert.equal(svc.evidence.healthPath, 'src/server.js:10');
    assert.equal(svc.public, true, 'the only service with a port is public');
    assert.deepEqual(svc.env, {
      LOG_LEVEL: { value: 'info', secret: false },
      REDIS_URL: { value: 'redis://cache:6379', secret: false },
      SESSION_SECRET: { value: null, secret: true },
    });
    assert.ok(!('TEST_ONLY' in svc.env), 'test files are not scanned');
    assert.deepEqual(svc.dependsOn, ['cache']);
    assert.deepEqual(d.backing, {
      cache: { kind: 'redis', version: '7', usedBy: ['shop-api'], evidence: { kind: 'package.json:10', version: 'default' } },
    });
  });

  it('monorepo with workspaces: apps are services, the shared library is not, the root is not', () => {
    const d = detect('monorepo');
    assertWellFormed(d, fixture('monorepo'));
    assert.equal(d.name, 'acme-monorepo');
    assert.deepEqual(Object.keys(d.services), ['api', 'web']);
    assert.equal(d.services.api!.path, 'apps/api');
    assert.equal(d.services.web!.path, 'apps/web');
    assert.equal(d.services.api!.port, 4000);
    assert.equal(d.services.api!.healthPath, '/health');
    assert.deepEqual(d.services.api!.dependsOn, ['db']);
    assert.deepEqual(d.backing.db, { kind: 'postgres', version: '16', usedBy: ['api'], evidence: { kind: 'apps/api/package.json:11', version: 'default' } });
    assert.deepEqual(d.services.api!.env.JWT_SECRET, { value: null, secret: true });
  });

  it('service-to-service hostname: web calls http://api:4000, so web depends on api', () => {
    const d = detect('monorepo');
    const web = d.services.web!;
    assert.deepEqual(web.dependsOn, ['api']);
    assert.equal(web.evidence['dependsOn.api'], 'apps/web/pages/index.js:1');
    assert.equal(web.public, true, 'a Next.js front end is public');
    assert.equal(d.services.api!.public, false);
  });

  it('one folder per service and no root manifest: python api, go worker, static frontend', () => {
    const d = detect('polyglot');
    assertWellFormed(d, fixture('polyglot'));
    assert.equal(d.name, 'polyglot', 'the root folder names the app');
    assert.deepEqual(Object.keys(d.services), ['api', 'frontend', 'worker']);
    const { api, worker, frontend } = d.services;
    assert.equal(api!.language, 'python');
    assert.equal(api!.healthPath, '/health');
    assert.deepEqual(api!.env.API_TOKEN, { value: null, secret: true }, 'a secret never keeps its code default');
    assert.deepEqual(api!.env.REDIS_HOST, { value: 'redis', secret: false });
    assert.deepEqual(api!.dependsOn, ['redis']);
    assert.equal(worker!.language, 'go');
    assert.equal(worker!.port, null, 'a worker has no port');
    assert.equal(worker!.public, false);
    assert.deepEqual(worker!.dependsOn, ['rabbitmq']);
    assert.deepEqual(worker!.env.QUEUE_NAME, { value: 'jobs', secret: false });
    assert.equal(frontend!.language, 'static');
    assert.equal(frontend!.public, true);
    assert.deepEqual(Object.keys(d.backing), ['rabbitmq', 'redis']);
    assert.deepEqual(d.backing.rabbitmq!.usedBy, ['worker']);
  });

  it('nested src/<svc>: services under src/, docs/ ignored, hostnames from env defaults link services', () => {
    const d = detect('nested-src');
    assertWellFormed(d, fixture('nested-src'));
    assert.deepEqual(Object.keys(d.services), ['catalog', 'checkout', 'frontend']);
    const { frontend, catalog, checkout } = d.services;
    assert.equal(frontend!.path, 'src/frontend');
    assert.deepEqual(frontend!.dependsOn, ['catalog', 'checkout']);
    assert.equal(frontend!.evidence['dependsOn.catalog'], 'src/frontend/main.go:17');
    assert.equal(frontend!.port, 8080);
    assert.equal(frontend!.healthPath, '/healthz');
    assert.equal(frontend!.public, true, 'named frontend');
    assert.equal(catalog!.port, 3550, 'Go if-empty default');
    assert.deepEqual(catalog!.dependsOn, ['postgres']);
    assert.deepEqual(catalog!.env.DATABASE_URL, { value: null, secret: false });
    assert.equal(checkout!.dockerfile, 'src/checkout/Dockerfile');
    assert.equal(checkout!.evidence.dockerfile, 'src/checkout/Dockerfile');
    assert.equal(checkout!.healthPath, '/ready');
  });

  it('a config file naming REDIS_URL, with no client and no code reading it, is not a backing service', () => {
    const d = detect('misleading-config');
    assertWellFormed(d, fixture('misleading-config'));
    assert.deepEqual(d.backing, {});
    assert.deepEqual(d.services.notes!.dependsOn, []);
    assert.deepEqual(d.services.notes!.env, {});
    const warning = d.warnings.find((w) => w.includes('REDIS_URL'));
    assert.ok(warning, `a warning names REDIS_URL: ${JSON.stringify(d.warnings)}`);
    assert.match(warning, /\.env\.example:3/);
    assert.match(warning, /no redis service added/);
  });

  it('a port only in .env.example; env defaults from .env.example, never for secrets', () => {
    const d = detect('env-port');
    assertWellFormed(d, fixture('env-port'));
    const svc = d.services['env-port']!;
    assert.equal(svc.port, 5055);
    assert.equal(svc.evidence.port, '.env.example:1');
    assert.deepEqual(svc.env, {
      ADMIN_PASSWORD: { value: null, secret: true },
      MONGODB_URI: { value: 'mongodb://mongo:27017/app', secret: false },
    });
    assert.equal(svc.evidence['env.MONGODB_URI'], '.env.example:2');
    assert.deepEqual(svc.dependsOn, ['mongo']);
    assert.equal(d.backing.mongo!.kind, 'mongodb');
    assert.equal(svc.healthPath, '/api/health');
  });

  it('a port only in a code default: process.env.PORT || 5000', () => {
    const d = detect('server-and-client');
    assert.equal(d.services.todo!.port, 5000);
    assert.equal(d.services.todo!.evidence.port, 'server.js:5');
  });

  it('a root server with a front end in client/: both are services; public/ stays part of the root', () => {
    const d = detect('server-and-client');
    assertWellFormed(d, fixture('server-and-client'));
    assert.deepEqual(Object.keys(d.services), ['client', 'todo']);
    assert.equal(d.services.todo!.path, '.');
    assert.equal(d.services.client!.path, 'client');
    assert.equal(d.services.client!.public, true);
  });

  it('a Python package in app/ is part of the root service, not a service of its own', () => {
    const d = detect('python-package');
    assertWellFormed(d, fixture('python-package'));
    assert.deepEqual(Object.keys(d.services), ['inventory-service']);
    const svc = d.services['inventory-service']!;
    assert.equal(svc.healthPath, '/healthz');
    assert.deepEqual(svc.env.SECRET_KEY, { value: null, secret: true });
    assert.deepEqual(svc.env.CACHE_KEY_PREFIX, { value: 'inv:', secret: false }, 'CACHE_KEY_PREFIX is not a secret');
    assert.deepEqual(svc.env.DATABASE_URL, { value: null, secret: true }, 'a default URL with a password makes it a secret');
    assert.ok(!('TEST_DATABASE_URL' in svc.env));
    assert.deepEqual(svc.dependsOn, ['postgres']);
  });

  it('two folders with the same basename get distinct, deterministic names', () => {
    const d = detect('name-clash');
    assert.deepEqual(Object.keys(d.services), ['api', 'services-api']);
    assert.equal(d.services.api!.path, 'apps/api');
    assert.equal(d.services['services-api']!.path, 'services/api');
    assert.ok(d.warnings.some((w) => /public/.test(w)), 'no obvious public service is reported');
  });

  it('the taskboard example matches the table in its README', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '../../examples/taskboard');
    const d = detectStack(root);
    assertWellFormed(d, root);
    const pick = (n: string) => {
      const s = d.services[n]!;
      return { port: s.port, healthPath: s.healthPath, public: s.public, dependsOn: s.dependsOn, env: Object.fromEntries(Object.entries(s.env).map(([k, v]) => [k, v.value])) };
    };
    assert.deepEqual(pick('web'), { port: 3000, healthPath: '/healthz', public: true, dependsOn: ['api', 'stats'], env: { API_URL: 'http://api:8000', HOST: null, STATS_URL: 'http://stats:8080' } });
    assert.deepEqual(pick('api'), { port: 8000, healthPath: '/health', public: false, dependsOn: ['redis'], env: { HOST: '0.0.0.0', REDIS_URL: 'redis://redis:6379/0' } });
    assert.deepEqual(pick('stats'), { port: 8080, healthPath: '/healthz', public: false, dependsOn: ['redis'], env: { HOST: null, REDIS_ADDR: 'redis:6379' } });
    assert.deepEqual(pick('worker'), { port: null, healthPath: null, public: false, dependsOn: ['redis'], env: { REDIS_ADDR: 'redis:6379' } });
    assert.deepEqual(toModel(d).backing, { redis: { kind: 'redis', version: '7' } });
    assert.deepEqual(d.backing.redis!.usedBy, ['api', 'stats', 'worker']);
    assert.deepEqual(d.warnings, []);
  });

  it('is deterministic: the same tree gives the same bytes', () => {
    for (const name of ['single-node', 'monorepo', 'polyglot', 'nested-src']) {
      assert.equal(JSON.stringify(detect(name)), JSON.stringify(detect(name)));
    }
  });

  it('options win: name and registry', () => {
    const d = detect('single-node', { name: 'shop', registry: 'registry.example.com/team' });
    assert.equal(d.name, 'shop');
    assert.equal(d.registry, 'registry.example.com/team');
    assert.equal(d.evidence.name, 'option');
  });

  it('registry from a GitHub origin remote', () => {
    const root = mkdtempSync(join(tmpdir(), 'detect-git-'));
    cpSync(fixture('single-node'), root, { recursive: true });
    mkdirSync(join(root, '.git'));
    writeFileSync(
      join(root, '.git/config'),
      '[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://github.com/other/shop.git\n[remote "origin"]\n\turl = git@github.com:Acme-Corp/shop.git\n',
    );
    const d = detectStack(root);
    assert.equal(d.registry, 'ghcr.io/acme-corp');
    assert.equal(d.evidence.registry, '.git/config:6');
  });

  it('an empty folder: no service, a warning, still well-formed', () => {
    const root = mkdtempSync(join(tmpdir(), 'detect-empty-'));
    const d = detectStack(root);
    assert.deepEqual(d.services, {});
    assert.ok(d.warnings.some((w) => /No service found/.test(w)));
  });

  it('toModel drops evidence, usedBy and warnings', () => {
    const m = toModel(detect('single-node'));
    assert.deepEqual(Object.keys(m), ['schemaVersion', 'name', 'registry', 'services', 'backing']);
    assert.ok(!('evidence' in m.services['shop-api']!));
    assert.deepEqual(m.backing, { cache: { kind: 'redis', version: '7' } });
  });
});

describe('re-detection of a containerized repository', () => {
  it('ignores the generated Dockerfiles and compose files, so the model comes out the same', async () => {
    const { cpSync, mkdtempSync: mk } = await import('node:fs');
    const { tmpdir: td } = await import('node:os');
    const { join: j } = await import('node:path');
    const { files } = await import('../../generators/dockerfile/files.js');
    const { files: composeFiles } = await import('../../generators/compose/files.js');
    const { writeTree, REPO_ROOT } = await import('../helpers/tree.js');
    const dir = mk(j(td(), 'redetect-'));
    cpSync(j(REPO_ROOT, 'examples', 'taskboard'), dir, { recursive: true });
    const before = detectStack(dir);
    const model = toModel(before);
    for (const f of [...files(model), ...composeFiles(model)]) writeTree(dir, { [f.path]: f.content });
    const after = detectStack(dir);
    assert.deepEqual(after, before);
    for (const svc of Object.values(after.services)) assert.equal(svc.dockerfile, null);
  });
});

describe('monorepo limits are said, not hidden', () => {
  it('does not warn for a Node workspace member (built from the workspace root)', async () => {
    const { mkdtempSync: mk } = await import('node:fs');
    const { tmpdir: td } = await import('node:os');
    const { join: j } = await import('node:path');
    const { writeTree } = await import('../helpers/tree.js');
    const dir = mk(j(td(), 'ws-'));
    writeTree(dir, {
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['apps/*'] }),
      'package-lock.json': JSON.stringify({ name: 'mono', lockfileVersion: 3, packages: {} }),
      'apps/api/package.json': JSON.stringify({ name: 'api', scripts: { start: 'node server.js' }, dependencies: { express: '^4.21.0' } }),
      'apps/api/server.js': "require('express')().listen(3000);\n",
    });
    const d = detectStack(dir);
    assert.equal(d.services.api?.lockfile, '../../package-lock.json');
    assert.ok(!d.warnings.some((w) => /its lockfile .* is outside/.test(w)), d.warnings.join('\n'));
  });
});
