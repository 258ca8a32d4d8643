/**
 * Service discovery on small trees, through the real language detectors:
 * aggregators of every ecosystem, nested packages, libraries, skipped folders, names.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { discoverServices, manifestName, workspaceMembers } from '../../lib/detect/discover.js';
import { openRepo } from '../../lib/detect/repo.js';

function repoOf(files: Record<string, string>, prefix = 'discover-') {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, dirname(rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return openRepo(root);
}

/** dir -> name of the discovered services. */
const services = (files: Record<string, string>) => Object.fromEntries(discoverServices(repoOf(files)).services.map((s) => [s.dir, s.name]));

const NODE_SERVER = (name: string) => ({
  [`${name}/package.json`]: JSON.stringify({ name, scripts: { start: 'node index.js' }, dependencies: { express: '4' } }),
  [`${name}/index.js`]: "require('express')().listen(3000);\n",
});
const SPRING_POM = (artifact: string) =>
  `<project>\n  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.3.0</version></parent>\n  <artifactId>${artifact}</artifactId>\n  <dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency></dependencies>\n</project>\n`;

describe('discoverServices', () => {
  it('a Go module with cmd/<bin> folders is one service (the folders have no go.mod of their own)', () => {
    const found = services({
      'go.mod': 'module example.com/shop\n\ngo 1.22\n',
      'cmd/api/main.go': 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
      'internal/store/store.go': 'package store\n',
    });
    assert.deepEqual(found, { '.': 'shop' });
  });

  it('a Maven aggregator: the runnable module is a service, the library module and the parent are not', () => {
    const found = services({
      'pom.xml': '<project>\n  <artifactId>shop-parent</artifactId>\n  <packaging>pom</packaging>\n  <modules>\n    <module>api</module>\n    <module>common</module>\n  </modules>\n</project>\n',
      'api/pom.xml': SPRING_POM('api'),
      'api/src/main/java/com/acme/Api.java': '@SpringBootApplication\npublic class Api { public static void main(String[] a) { SpringApplication.run(Api.class, a); } }\n',
      'common/pom.xml': '<project>\n  <artifactId>common</artifactId>\n</project>\n',
      'common/src/main/java/com/acme/Util.java': 'public class Util {}\n',
    });
    assert.deepEqual(found, { api: 'api' });
  });

  it('pnpm-workspace.yaml and go.work roots: members are services, the root is not', () => {
    const pnpm = services({
      'package.json': JSON.stringify({ name: 'root', private: true }),
      'pnpm-workspace.yaml': "packages:\n  - 'services/*'\n",
      ...NODE_SERVER('services/orders'),
      ...NODE_SERVER('services/users'),
    });
    assert.deepEqual(pnpm, { 'services/orders': 'orders', 'services/users': 'users' });
    const gowork = services({
      'go.work': 'go 1.22\n\nuse (\n\t./api\n\t./worker\n)\n',
      'api/go.mod': 'module example.com/api\n\ngo 1.22\n',
      'api/main.go': 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":8080", nil) }\n',
      'worker/go.mod': 'module example.com/worker\n\ngo 1.22\n',
      'worker/main.go': 'package main\n\nfunc main() { select {} }\n',
    });
    assert.deepEqual(gowork, { api: 'api', worker: 'worker' });
  });

  it('a runnable workspace root whose members are all libraries is the service', () => {
    const found = services({
      'package.json': JSON.stringify({ name: 'portal', private: true, workspaces: ['packages/*'], scripts: { start: 'node server.js' }, dependencies: { express: '4' } }),
      'server.js': "require('express')().listen(3000);\n",
      'packages/ui/package.json': JSON.stringify({ name: '@portal/ui', main: 'index.js', exports: './index.js' }),
      'packages/ui/index.js': 'module.exports = {};\n',
    });
    assert.deepEqual(found, { '.': 'portal' });
  });

  it('a root with only tooling (no workspaces, no server) gives way to its service folders', () => {
    const found = services({
      'package.json': JSON.stringify({ name: 'tools', private: true, devDependencies: { prettier: '3' } }),
      ...NODE_SERVER('apps/web'),
      ...NODE_SERVER('apps/api'),
    });
    assert.deepEqual(found, { 'apps/api': 'api', 'apps/web': 'web' });
  });

  it('skips tests, examples, docs and dependency folders', () => {
    const found = services({
      ...NODE_SERVER('api'),
      ...NODE_SERVER('examples/demo'),
      ...NODE_SERVER('test/fixtures/app'),
      ...NODE_SERVER('node_modules/some-lib'),
      'docs/index.html': '<!doctype html>\n',
    });
    assert.deepEqual(found, { api: 'api' });
  });

  it('names are DNS-1123 labels made from folder names', () => {
    const found = services({ ...NODE_SERVER('services/Order_Service'), ...NODE_SERVER('services/payments.v2') });
    assert.deepEqual(found, { 'services/Order_Service': 'order-service', 'services/payments.v2': 'payments-v2' });
  });

  it('workspace member patterns', () => {
    const repo = repoOf({
      'package.json': JSON.stringify({ workspaces: { packages: ['apps/*', '!apps/legacy'] } }),
      'Cargo.toml': '[workspace]\nmembers = ["crates/api", "crates/worker"]\n',
      'settings.gradle': "rootProject.name = 'shop'\ninclude ':api', ':billing'\n",
    });
    assert.deepEqual(workspaceMembers(repo, '.'), ['apps/*', '!apps/legacy', 'crates/api', 'crates/worker', 'api', 'billing']);
    assert.equal(workspaceMembers(repoOf({ 'package.json': '{"name":"x"}' }), '.'), null);
  });

  it('app names from manifests', () => {
    assert.deepEqual(manifestName(repoOf({ 'pyproject.toml': '[build-system]\nrequires = []\n\n[project]\nname = "My_App"\n' }), '.'), { value: 'my-app', source: 'pyproject.toml:5' });
    assert.deepEqual(manifestName(repoOf({ 'go.mod': 'module github.com/acme/billing/v2\n' }), '.'), { value: 'billing', source: 'go.mod:1' });
    assert.deepEqual(manifestName(repoOf({ 'Cargo.toml': '[package]\nname = "ledger"\n' }), '.'), { value: 'ledger', source: 'Cargo.toml:2' });
    assert.deepEqual(manifestName(repoOf({ 'composer.json': '{\n  "name": "acme/blog"\n}\n' }), '.'), { value: 'blog', source: 'composer.json:2' });
    assert.deepEqual(manifestName(repoOf({ 'pom.xml': SPRING_POM('orders') }), '.'), { value: 'orders', source: 'pom.xml:3' });
    assert.equal(manifestName(repoOf({ 'README.md': '# x\n' }), '.'), null);
  });
});
