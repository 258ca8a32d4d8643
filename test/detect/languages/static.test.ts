import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRepo } from '../../../lib/detect/repo.js';
import { staticDetector } from '../../../lib/languages/static/detect.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/languages');

const detect = (fixture: string, dir = '.') => {
  const repo = openRepo(join(FIXTURES, fixture));
  assert.ok(staticDetector.matches(repo, dir), `${fixture}/${dir} should match static`);
  return staticDetector.detect(repo, dir);
};

const tree = (files: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), 'static-det-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return openRepo(root);
};

describe('static detector', () => {
  it('plain html site', () => {
    const f = detect('static-html');
    assert.equal(f.language, 'static');
    assert.deepEqual(f.languageVersion, { value: '1.27', source: 'default' });
    assert.deepEqual(f.framework, { value: null, source: 'default' });
    assert.deepEqual(f.start, { value: [], source: 'default' });
    assert.deepEqual(f.outputDir, { value: '.', source: 'index.html' });
    assert.deepEqual(f.entry, { value: null, source: 'default' });
    assert.deepEqual(f.port, { value: 8080, source: 'default' });
    assert.equal(f.build?.value, null);
    assert.equal(f.worker, false);
    assert.deepEqual(f.dependencies, []);
    assert.deepEqual(f.sourceFiles, ['index.html', 'js/app.js']);
  });

  it('nginx config folder with a public/ site', () => {
    const f = detect('static-nginx');
    assert.deepEqual(f.framework, { value: 'nginx', source: 'default.conf:1' });
    assert.deepEqual(f.entry, { value: 'default.conf', source: 'default.conf' });
    assert.deepEqual(f.port, { value: 8081, source: 'default.conf:2' });
    assert.deepEqual(f.languageVersion, { value: '1.25', source: 'Dockerfile:1' });
    assert.deepEqual(f.outputDir, { value: 'public', source: 'public/index.html' });
    assert.deepEqual(f.sourceFiles, ['default.conf', 'public/index.html', 'public/main.js', 'Dockerfile']);
  });

  it('config-only reverse proxy in conf.d', () => {
    const repo = tree({ 'conf.d/proxy.conf': 'upstream api { server api:80; }\nserver {\n  listen [::]:9000;\n}\n' });
    assert.ok(staticDetector.matches(repo, '.'));
    const f = staticDetector.detect(repo, '.');
    assert.deepEqual(f.entry, { value: 'conf.d/proxy.conf', source: 'conf.d/proxy.conf' });
    assert.deepEqual(f.port, { value: 9000, source: 'conf.d/proxy.conf:3' });
    assert.deepEqual(f.outputDir, { value: null, source: 'default' });
  });

  it('public/ or site/ only without another manifest', () => {
    assert.ok(staticDetector.matches(tree({ 'site/index.html': '' }), '.'));
    assert.equal(staticDetector.matches(tree({ 'public/index.html': '', 'package.json': '{}' }), '.'), false);
    assert.equal(staticDetector.matches(tree({ 'README.md': '' }), '.'), false);
    assert.equal(staticDetector.matches(tree({ 'app.conf': 'key = value\n' }), '.'), false);
  });
});
