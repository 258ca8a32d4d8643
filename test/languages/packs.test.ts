/**
 * The language packs (lib/languages): every language has one, the stages ask it instead of
 * switching on the language, and the frameworks and package managers its detector writes are
 * the ones it declares (the literal unions the pack's own code is checked against).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectStack } from '../../lib/detect/stack.js';
import { LANGUAGE_PACKS, packOf, packProblems } from '../../lib/languages/index.js';
import { LANGUAGES, type ServiceModel } from '../../lib/model/types.js';
import { MATRIX } from '../helpers/dockerfile-models.js';
import { REPO_ROOT } from '../helpers/tree.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

function declares(svc: ServiceModel, where: string): void {
  const pack = packOf(svc);
  if (svc.framework !== null) assert.ok(pack.frameworks.includes(svc.framework), `${where}: framework "${svc.framework}" is not one of the ${svc.language} pack's (${pack.frameworks.join(', ')})`);
  if (svc.packageManager !== null) assert.ok(pack.packageManagers.includes(svc.packageManager), `${where}: package manager "${svc.packageManager}" is not one of the ${svc.language} pack's`);
}

/** TypeScript files below a folder, relative to the repository. */
function sources(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

describe('language packs', () => {
  it('one pack per language, each for its own language, detectors in the registry order', () => {
    assert.deepEqual(LANGUAGE_PACKS.map((p) => p.language).sort(), [...LANGUAGES].sort());
    for (const p of LANGUAGE_PACKS) assert.equal(p.detector.language, p.language);
    assert.equal(LANGUAGE_PACKS.at(-1)!.language, 'static', 'static is detected last (a package.json beside an index.html is Node)');
  });

  it('no stage and no renderer switches on the language: they ask the pack', () => {
    const switches = [...sources('generators'), ...sources('lib/render')].flatMap((file) =>
      readFileSync(join(REPO_ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (new RegExp(`language [!=]== '|case '(${LANGUAGES.join('|')})':`).test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    assert.deepEqual(switches, []);
  });

  it('detection writes only the frameworks and package managers a pack declares (every fixture repository)', () => {
    let seen = 0;
    for (const group of ['languages', 'detect']) {
      for (const name of readdirSync(join(FIXTURES, group))) {
        const d = detectStack(join(FIXTURES, group, name));
        for (const [svcName, svc] of Object.entries(d.services)) {
          declares(svc, `${group}/${name}: ${svcName}`);
          seen++;
        }
      }
    }
    assert.ok(seen > 40, `only ${seen} services detected`);
  });

  it('the Dockerfile matrix uses only declared frameworks and package managers', () => {
    for (const c of MATRIX) declares(c.svc, c.id);
  });
});

describe('the packs\' rules on the model (packProblems)', () => {
  const svc = (over: Partial<ServiceModel>): ServiceModel => ({ path: 'web', language: 'static', languageVersion: '1.27', framework: null, packageManager: null, lockfile: null, port: 8080, start: [], build: null, healthPath: null, public: false, env: {}, dependsOn: [], entry: null, outputDir: '.', dockerfile: null, ...over });
  it('a service whose image always listens has a port: static, Apache PHP, Rails, a Node static build or dev server; not a worker or a process', () => {
    assert.match(packProblems('web', svc({ port: null })).join('\n'), /^port: is null, but a static service like this one listens \(nginx serves the site\)/);
    assert.match(packProblems('web', svc({ language: 'php', languageVersion: '8.3', start: ['apache2-foreground'], port: null })).join('\n'), /Apache/);
    assert.deepEqual(packProblems('jobs', svc({ language: 'php', languageVersion: '8.3', start: ['php', 'worker.php'], port: null, outputDir: null })), []);
    assert.match(packProblems('web', svc({ language: 'ruby', languageVersion: '3.3', framework: 'rails', packageManager: 'bundler', start: ['bundle', 'exec', 'puma'], port: null, outputDir: null })).join('\n'), /rails server/);
    assert.deepEqual(packProblems('sidekiq', svc({ language: 'ruby', languageVersion: '3.3', framework: 'rails', packageManager: 'bundler', start: ['bundle', 'exec', 'sidekiq'], port: null, outputDir: null, imageFrom: 'web' })), []);
    assert.match(packProblems('web', svc({ language: 'node', languageVersion: '22', framework: 'next', packageManager: 'npm', start: ['npm', 'start'], port: null, outputDir: null })).join('\n'), /next dev server/);
  });
  it('a framework or package manager the pack does not know is refused, naming the choices', () => {
    assert.match(packProblems('web', svc({ language: 'python', languageVersion: '3.12', framework: 'pyramid', packageManager: 'pip', start: ['python', 'app.py'], outputDir: null })).join('\n'), /^framework: "pyramid" is not a python framework this generator knows; expected one of .*django.*, or null/m);
    assert.match(packProblems('web', svc({ language: 'node', languageVersion: '22', packageManager: 'deno', start: ['node', 'a.js'], outputDir: null })).join('\n'), /^packageManager: "deno" is not a node package manager/m);
  });
});
