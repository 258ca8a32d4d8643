import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRepo } from '../../../lib/detect/repo.js';
import { phpDetector } from '../../../lib/languages/php/detect.js';
import { writeTree } from '../../helpers/tree.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'languages');
const fixture = (name: string) => openRepo(join(FIXTURES, name));
const temp = (files: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), 'php-'));
  writeTree(root, files);
  return openRepo(root);
};
const APACHE = { value: ['apache2-foreground'], source: 'default' };

describe('phpDetector', () => {
  it('matches composer.json, index.php or public/index.php', () => {
    assert.equal(phpDetector.matches(fixture('php-laravel'), '.'), true);
    assert.equal(phpDetector.matches(temp({ 'index.php': '<?php echo 1;' }), '.'), true);
    assert.equal(phpDetector.matches(temp({ 'public/index.php': '<?php echo 1;' }), '.'), true);
    assert.equal(phpDetector.matches(temp({ 'README.md': '' }), '.'), false);
  });

  it('reads a Laravel app', () => {
    const f = phpDetector.detect(fixture('php-laravel'), '.');
    assert.equal(f.language, 'php');
    assert.deepEqual(f.languageVersion, { value: '8.2', source: 'composer.json:11' });
    assert.deepEqual(f.framework, { value: 'laravel', source: 'composer.json:13' });
    assert.deepEqual(f.packageManager, { value: 'composer', source: 'composer.json' });
    assert.deepEqual(f.lockfile, { value: 'composer.lock', source: 'composer.lock' });
    assert.deepEqual(f.outputDir, { value: 'public', source: 'public/index.php' });
    assert.deepEqual(f.entry, { value: 'public/index.php', source: 'public/index.php' });
    assert.deepEqual(f.start, APACHE);
    assert.deepEqual(f.port, { value: 8080, source: 'default' });
    assert.deepEqual(f.build, { value: null, source: 'default' });
    assert.deepEqual(f.dependencies, ['ext-pdo_pgsql', 'laravel/framework', 'laravel/tinker', 'predis/predis']);
    // No tests, storage/ caches or bootstrap/cache.
    assert.deepEqual(f.sourceFiles, [
      'app/Http/Controllers/Controller.php',
      'bootstrap/app.php',
      'config/database.php',
      'public/index.php',
      'routes/web.php',
      'composer.json',
      '.env.example',
    ]);
  });

  it('reads a Slim app, preferring config.platform.php', () => {
    const f = phpDetector.detect(fixture('php-slim'), '.');
    assert.deepEqual(f.languageVersion, { value: '8.1', source: 'composer.json:16' });
    assert.deepEqual(f.framework, { value: 'slim', source: 'composer.json:7' });
    assert.deepEqual(f.lockfile, { value: null, source: 'default' });
    assert.deepEqual(f.outputDir, { value: 'public', source: 'public/index.php' });
    assert.deepEqual(f.entry, { value: 'public/index.php', source: 'public/index.php' });
    assert.deepEqual(f.start, APACHE);
    assert.deepEqual(f.port, { value: 8080, source: 'default' });
    assert.deepEqual(f.dependencies, ['ext-json', 'slim/slim', 'slim/psr7', 'php-di/php-di']);
    assert.deepEqual(f.sourceFiles, ['public/index.php', 'src/routes.php', 'composer.json']);
  });

  it('serves a plain index.php from the folder itself', () => {
    const f = phpDetector.detect(temp({ 'index.php': '<?php echo "hi";\n', 'lib/db.php': '<?php\n' }), '.');
    assert.deepEqual(f.languageVersion, { value: '8.3', source: 'default' });
    assert.deepEqual(f.packageManager, { value: null, source: 'default' });
    assert.deepEqual(f.framework, { value: null, source: 'default' });
    assert.deepEqual(f.outputDir, { value: '.', source: 'index.php' });
    assert.deepEqual(f.entry, { value: 'index.php', source: 'index.php' });
    assert.deepEqual(f.start, APACHE);
    assert.deepEqual(f.sourceFiles, ['index.php', 'lib/db.php']);
  });

  it('reads a Symfony app, takes the highest alternative of a constraint and keeps its committed .env', () => {
    const composer = JSON.stringify({ require: { php: '^7.4|^8.0', 'symfony/framework-bundle': '7.1.*', 'symfony/runtime': '7.1.*' } }, null, 2);
    const repo = temp({
      'composer.json': composer,
      'public/index.php': "<?php\nuse App\\Kernel;\nrequire_once dirname(__DIR__).'/vendor/autoload_runtime.php';\n",
      'config/packages/doctrine.yaml': "doctrine:\n  dbal:\n    url: '%env(resolve:DATABASE_URL)%'\n",
      'var/cache/prod/App_KernelProdContainer.php': '<?php\n',
      '.env': 'APP_ENV=prod\nDATABASE_URL="postgresql://app:!ChangeMe!@db:5432/app"\n',
    });
    const f = phpDetector.detect(repo, '.');
    assert.deepEqual(f.languageVersion, { value: '8.0', source: 'composer.json:3' });
    assert.deepEqual(f.framework, { value: 'symfony', source: 'composer.json:4' });
    assert.deepEqual(f.sourceFiles, ['config/packages/doctrine.yaml', 'public/index.php', 'composer.json', '.env']);
  });

  it('does not call it Laravel without artisan', () => {
    const repo = temp({ 'composer.json': JSON.stringify({ require: { 'laravel/framework': '^11.0' } }), 'index.php': '<?php\n' });
    assert.deepEqual(phpDetector.detect(repo, '.').framework, { value: null, source: 'default' });
  });

  it('makes a composer library a library and a CLI script a worker', () => {
    const lib = phpDetector.detect(temp({ 'composer.json': JSON.stringify({ name: 'acme/lib', type: 'library' }), 'src/Lib.php': '<?php\n' }), '.');
    assert.equal(lib.library, true);
    const worker = phpDetector.detect(
      temp({ 'composer.json': JSON.stringify({ require: { 'php-amqplib/php-amqplib': '^3.7' } }), 'worker.php': '<?php\nwhile (true) { sleep(1); }\n' }),
      '.',
    );
    assert.equal(worker.worker, true);
    assert.deepEqual(worker.start, { value: ['php', 'worker.php'], source: 'worker.php' });
    assert.deepEqual(worker.port, { value: null, source: 'worker.php' });
    assert.deepEqual(worker.outputDir, undefined);
  });
});
