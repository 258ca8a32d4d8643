import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRepo } from '../../../lib/detect/repo.js';
import { nodeDetector, nodeMajor } from '../../../lib/languages/node/detect.js';
import { splitCommand } from '../../../lib/model/shell.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/languages');

const detect = (fixture: string, dir = '.') => {
  const repo = openRepo(join(FIXTURES, fixture));
  assert.ok(nodeDetector.matches(repo, dir), `${fixture}/${dir} should match node`);
  return nodeDetector.detect(repo, dir);
};

/** A throwaway repository from a map of files. */
const tree = (files: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), 'node-det-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return openRepo(root);
};

describe('node detector', () => {
  it('express + npm lockfile', () => {
    const f = detect('node-express-npm');
    assert.equal(f.language, 'node');
    assert.deepEqual(f.languageVersion, { value: '20', source: 'package.json:5' });
    assert.deepEqual(f.packageManager, { value: 'npm', source: 'package-lock.json' });
    assert.deepEqual(f.lockfile, { value: 'package-lock.json', source: 'package-lock.json' });
    assert.deepEqual(f.framework, { value: 'express', source: 'package.json:14' });
    assert.deepEqual(f.start, { value: ['node', 'server.js'], source: 'package.json:9' });
    assert.equal(f.entry?.value, 'server.js');
    assert.equal(f.build?.value, null);
    assert.equal(f.outputDir?.value, null);
    assert.equal(f.port, undefined, 'express port is left to code scanning');
    assert.equal(f.worker, false);
    assert.equal(f.library, false);
    assert.deepEqual(f.dependencies, ['express', 'pg', 'redis']);
    assert.ok(f.sourceFiles.includes('server.js'));
    assert.ok(f.sourceFiles.includes('routes/orders.js'));
    assert.ok(f.sourceFiles.includes('package.json'));
    assert.ok(f.sourceFiles.includes('.env.example'));
    assert.ok(!f.sourceFiles.some((s) => s.startsWith('test/')), 'tests are not scanned');
  });

  it('nest + TypeScript + pnpm: start:prod, build script, default port', () => {
    const f = detect('node-nest-pnpm');
    assert.deepEqual(f.framework, { value: 'nest', source: 'package.json:17' });
    assert.deepEqual(f.packageManager, { value: 'pnpm', source: 'pnpm-lock.yaml' });
    assert.equal(f.lockfile?.value, 'pnpm-lock.yaml');
    assert.deepEqual(f.build, { value: 'pnpm run build', source: 'package.json:7' });
    assert.deepEqual(f.start, { value: ['node', 'dist/main'], source: 'package.json:12' });
    assert.deepEqual(f.port, { value: 3000, source: 'default' });
    assert.deepEqual(f.languageVersion, { value: '22', source: 'default' });
    assert.equal(f.worker, false);
    assert.ok(f.sourceFiles.includes('src/main.ts'));
    assert.ok(!f.sourceFiles.includes('src/app.controller.spec.ts'));
    assert.ok(f.dependencies.includes('ioredis'));
    assert.ok(!f.dependencies.includes('typescript'), 'devDependencies are not runtime dependencies');
  });

  it('nest without start:prod runs the compiled main from nest-cli + tsconfig', () => {
    const repo = tree({
      'package.json': JSON.stringify({ scripts: { build: 'nest build', start: 'nest start' }, dependencies: { '@nestjs/core': '10' }, devDependencies: { typescript: '5' } }),
      'nest-cli.json': '{ "sourceRoot": "src", "entryFile": "main" }',
      'tsconfig.json': '{ "compilerOptions": { "outDir": "./dist" } }',
      'src/main.ts': 'app.listen(3000)',
    });
    const f = nodeDetector.detect(repo, '.');
    assert.deepEqual(f.start?.value, ['node', 'dist/main.js']);
    assert.equal(f.entry?.value, 'dist/main.js');
  });

  it('fastify + TypeScript + yarn berry: env prefix dropped, node flags kept', () => {
    const f = detect('node-fastify-yarn');
    assert.deepEqual(f.framework, { value: 'fastify', source: 'package.json:12' });
    assert.deepEqual(f.packageManager, { value: 'yarn', source: 'yarn.lock' });
    assert.equal(f.lockfile?.value, 'yarn.lock');
    assert.deepEqual(f.languageVersion, { value: '22', source: '.nvmrc' });
    assert.deepEqual(f.build, { value: 'yarn run build', source: 'package.json:8' });
    assert.deepEqual(f.start, { value: ['node', '--enable-source-maps', 'dist/server.js'], source: 'package.json:9' });
    assert.equal(f.entry?.value, 'dist/server.js');
    assert.deepEqual(f.dependencies, ['fastify', '@fastify/cors', 'mongodb']);
  });

  it('ts-node start: runs the compiled file with node and adds a tsc build', () => {
    const f = detect('node-tsnode-nobuild');
    assert.deepEqual(f.start, { value: ['node', 'build/index.js'], source: 'package.json:5' });
    assert.deepEqual(f.build, { value: 'npx tsc', source: 'tsconfig.json' });
    assert.equal(f.framework?.value, 'express');
  });

  it('next with output standalone', () => {
    const f = detect('node-next-standalone');
    assert.deepEqual(f.framework, { value: 'next', source: 'package.json:12' });
    assert.deepEqual(f.start, { value: ['node', '.next/standalone/server.js'], source: 'next.config.mjs:4' });
    assert.deepEqual(f.build, { value: 'pnpm run build', source: 'package.json:7' });
    assert.deepEqual(f.port, { value: 3000, source: 'default' });
    assert.deepEqual(f.languageVersion, { value: '20', source: '.node-version' });
    assert.equal(f.outputDir?.value, null);
    assert.ok(f.sourceFiles.includes('app/page.tsx'));
  });

  it('next start -p: the port comes from the script, version from volta', () => {
    const f = detect('node-next-port');
    assert.deepEqual(f.start, { value: ['node_modules/.bin/next', 'start', '-p', '4000'], source: 'package.json:9' });
    assert.deepEqual(f.port, { value: 4000, source: 'package.json:9' });
    assert.deepEqual(f.languageVersion, { value: '20', source: 'package.json:5' });
    assert.deepEqual(f.packageManager, { value: 'yarn', source: 'yarn.lock' });
  });

  it('vite static build: no start, outputDir dist, served on 8080', () => {
    const f = detect('node-vite-static');
    assert.deepEqual(f.framework, { value: 'vite', source: 'package.json:19' });
    assert.deepEqual(f.start, { value: [], source: 'default' });
    assert.deepEqual(f.outputDir, { value: 'dist', source: 'package.json:19' });
    assert.deepEqual(f.build, { value: 'npm run build', source: 'package.json:8' });
    assert.equal(f.entry?.value, 'index.html');
    assert.deepEqual(f.port, { value: 8080, source: 'default' });
    assert.equal(f.worker, false);
    assert.equal(f.library, false);
  });

  it('vite outDir from vite.config', () => {
    const repo = tree({
      'package.json': JSON.stringify({ scripts: { build: 'vite build' }, devDependencies: { vite: '5' } }),
      'vite.config.js': "export default { build: {\n  outDir: 'public-build' } }\n",
      'index.html': '<html></html>',
    });
    const f = nodeDetector.detect(repo, '.');
    assert.deepEqual(f.outputDir, { value: 'public-build', source: 'vite.config.js:2' });
  });

  it('angular application builder: outputPath/browser', () => {
    const f = detect('node-angular');
    assert.deepEqual(f.framework, { value: 'angular', source: 'package.json:12' });
    assert.deepEqual(f.outputDir, { value: 'dist/portal/browser', source: 'angular.json:13' });
    assert.deepEqual(f.start?.value, []);
    assert.equal(f.entry?.value, 'src/main.ts');
    assert.equal(f.build?.value, 'npm run build');
  });

  it('create-react-app: build/ output', () => {
    const repo = tree({
      'package.json': JSON.stringify({ scripts: { start: 'react-scripts start', build: 'react-scripts build' }, dependencies: { react: '18', 'react-scripts': '5.0.1' } }),
      'src/index.js': "import React from 'react';",
    });
    const f = nodeDetector.detect(repo, '.');
    assert.equal(f.framework?.value, 'cra');
    assert.equal(f.outputDir?.value, 'build');
    assert.deepEqual(f.start?.value, []);
    assert.equal(f.entry?.value, 'src/index.js');
  });

  it('ES-module service with no package.json', () => {
    const f = detect('node-esm-nopkg');
    assert.deepEqual(f.start, { value: ['node', 'server.mjs'], source: 'server.mjs' });
    assert.equal(f.entry?.value, 'server.mjs');
    assert.deepEqual(f.packageManager, { value: null, source: 'default' });
    assert.deepEqual(f.lockfile, { value: null, source: 'default' });
    assert.equal(f.framework?.value, null);
    assert.equal(f.worker, false);
    assert.deepEqual(f.dependencies, []);
    assert.deepEqual(f.sourceFiles, ['lib/greet.mjs', 'server.mjs']);
  });

  it('does not claim browser scripts or other languages without package.json', () => {
    assert.equal(nodeDetector.matches(openRepo(join(FIXTURES, 'static-html')), '.'), false);
    const repo = tree({ 'requirements.txt': 'flask', 'gulpfile.js': "const g = require('gulp');" });
    assert.equal(nodeDetector.matches(repo, '.'), false);
  });

  it('leaves asset tooling next to another language\'s manifest to that language', () => {
    const laravel = tree({
      'composer.json': '{}',
      'package.json': JSON.stringify({ scripts: { dev: 'vite', build: 'vite build' }, devDependencies: { vite: '5', 'laravel-vite-plugin': '1' } }),
    });
    assert.equal(nodeDetector.matches(laravel, '.'), false);
    const rails = tree({ Gemfile: '', 'package.json': JSON.stringify({ scripts: { build: 'esbuild app/javascript/*.* --bundle' } }) });
    assert.equal(nodeDetector.matches(rails, '.'), false);
    const bff = tree({ 'requirements.txt': '', 'package.json': JSON.stringify({ scripts: { start: 'node server.js' }, dependencies: { express: '4' } }) });
    assert.equal(nodeDetector.matches(bff, '.'), true);
  });

  it('monorepo: library package, api, worker, workspace root', () => {
    const shared = detect('node-monorepo', 'packages/shared');
    assert.equal(shared.library, true);
    assert.equal(shared.worker, false);

    const api = detect('node-monorepo', 'packages/api');
    assert.equal(api.library, false);
    assert.equal(api.worker, false);
    assert.deepEqual(api.framework, { value: 'koa', source: 'packages/api/package.json:9' });
    assert.deepEqual(api.start, { value: ['node', 'src/index.js'], source: 'packages/api/package.json:5' });
    assert.deepEqual(api.packageManager, { value: 'yarn', source: 'yarn.lock' });
    assert.deepEqual(api.lockfile, { value: '../../yarn.lock', source: 'yarn.lock' });
    assert.deepEqual(api.sourceFiles, ['packages/api/src/index.js', 'packages/api/package.json']);

    const worker = detect('node-monorepo', 'packages/worker');
    assert.equal(worker.worker, true);
    assert.equal(worker.library, false);
    assert.deepEqual(worker.start?.value, ['node', 'worker.js']);
    assert.equal(worker.port, undefined);

    const root = detect('node-monorepo');
    assert.equal(root.library, true, 'a workspace root whose start delegates to turbo is not a service');
    assert.ok(!root.sourceFiles.some((f) => f.startsWith('packages/')), 'nested packages are not the root\'s sources');
  });

  it('a package with a start script or server code is never a library', () => {
    const repo = tree({
      'package.json': JSON.stringify({ workspaces: ['libs/*'] }),
      'libs/a/package.json': JSON.stringify({ name: 'a', main: 'index.js', types: 'index.d.ts' }),
      'libs/a/index.js': "require('http').createServer(() => {}).listen(80);",
      'libs/b/package.json': JSON.stringify({ name: 'b', main: 'index.js', dependencies: { a: '*' }, scripts: { start: 'node index.js' } }),
      'libs/b/index.js': "require('a');",
    });
    assert.equal(nodeDetector.detect(repo, 'libs/a').library, false);
    assert.equal(nodeDetector.detect(repo, 'libs/b').library, false);
  });

  it('start derivation: nodemon, npm run indirection, main fallback, unknown script', () => {
    const f1 = nodeDetector.detect(
      tree({ 'package.json': JSON.stringify({ main: 'app.js', scripts: { start: 'nodemon' } }), 'app.js': 'x' }),
      '.',
    );
    assert.deepEqual(f1.start?.value, ['node', 'app.js']);
    const f2 = nodeDetector.detect(
      tree({ 'package.json': JSON.stringify({ scripts: { start: 'npm run serve', serve: 'cross-env PORT=5000 node ./bin/www' } }), 'bin/www': 'x' }),
      '.',
    );
    assert.deepEqual(f2.start?.value, ['node', './bin/www']);
    assert.equal(f2.entry?.value, 'bin/www');
    assert.equal(f2.port?.value, 5000);
    const f3 = nodeDetector.detect(tree({ 'package.json': JSON.stringify({ main: 'lib/index.js' }), 'lib/index.js': 'setInterval(() => {}, 1000)' }), '.');
    assert.deepEqual(f3.start, { value: ['node', 'lib/index.js'], source: 'package.json:1' });
    assert.equal(f3.worker, true);
    const f4 = nodeDetector.detect(tree({ 'package.json': JSON.stringify({ scripts: { start: 'weird-tool go' } }), 'index.js': 'x' }), '.');
    assert.deepEqual(f4.start?.value, ['npm', 'start']);
    const f6 = nodeDetector.detect(
      tree({
        'package.json': JSON.stringify({ scripts: { start: 'tsx watch src/index.ts' }, dependencies: { tsx: '4' }, devDependencies: { typescript: '5' } }),
        'tsconfig.json': '{ "compilerOptions": { "noEmit": true } }',
        'src/index.ts': 'setInterval(() => {}, 1000)',
      }),
      '.',
    );
    assert.deepEqual(f6.start?.value, ['node_modules/.bin/tsx', 'src/index.ts']);
    assert.equal(f6.build?.value, null);
    const f7 = nodeDetector.detect(
      tree({ 'package.json': JSON.stringify({ scripts: { build: 'tsc', start: 'node -r dotenv/config --loader ts-node/esm src/index.ts' } }), 'tsconfig.json': '{"compilerOptions":{"outDir":"dist"}}' }),
      '.',
    );
    assert.deepEqual(f7.start?.value, ['node', '-r', 'dotenv/config', 'dist/index.js']);
    const f5 = nodeDetector.detect(tree({ 'package.json': JSON.stringify({ scripts: { start: 'pm2-runtime ecosystem.config.js' }, dependencies: { pm2: '5' } }) }), '.');
    assert.deepEqual(f5.start?.value, ['node_modules/.bin/pm2-runtime', 'ecosystem.config.js']);
  });

  it('engines ranges and version files', () => {
    assert.equal(nodeMajor('>=20'), '20');
    assert.equal(nodeMajor('^22.3'), '22');
    assert.equal(nodeMajor('20.x'), '20');
    assert.equal(nodeMajor('v18.19.0'), '18');
    assert.equal(nodeMajor('^18 || ^20'), '20');
    assert.equal(nodeMajor('lts/iron'), '20');
    assert.equal(nodeMajor('lts/*'), null);
    assert.equal(nodeMajor('node'), null);
    const f = nodeDetector.detect(tree({ 'package.json': '{}', '.tool-versions': 'python 3.12.1\nnodejs 18.20.2\n' }), '.');
    assert.deepEqual(f.languageVersion, { value: '18', source: '.tool-versions:2' });
  });

  it('packageManager field decides between lockfiles', () => {
    const f = nodeDetector.detect(
      tree({ 'package.json': '{\n  "packageManager": "pnpm@9.1.0"\n}', 'package-lock.json': '{}', 'pnpm-lock.yaml': '' }),
      '.',
    );
    assert.equal(f.packageManager?.value, 'pnpm');
    const g = nodeDetector.detect(tree({ 'package.json': '{\n  "packageManager": "pnpm@9.1.0"\n}' }), '.');
    assert.deepEqual(g.packageManager, { value: 'pnpm', source: 'package.json:2' });
    assert.deepEqual(g.lockfile, { value: null, source: 'default' });
  });

  it('splitCommand honours quotes', () => {
    assert.deepEqual(splitCommand(`node -e "console.log('a b')" x`), ['node', '-e', "console.log('a b')", 'x']);
  });
});
