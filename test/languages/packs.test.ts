/**
 * The language packs (lib/languages): every language has one, the stages ask it instead of
 * switching on the language, and the frameworks and package managers its detector writes are
 * the ones it declares (the literal unions the pack's own code is checked against).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectStack } from '../../lib/detect/stack.js';
import { LANGUAGE_PACKS, packOf } from '../../lib/languages/index.js';
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
