/**
 * Several processes of one folder through the whole generator: a Django app whose Procfile
 * runs web, worker, beat and a release command (test/fixtures/shapes/django-celery-procfile)
 * becomes four services of one image: one Dockerfile, one build, four commands.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { result } from 'yeoman-test';
import { runGenerator } from '../helpers/run.js';
import { snapshotTree } from '../helpers/tree.js';
import { validateCompose } from '../../lib/validate/compose.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'shapes', 'django-celery-procfile');
const strict = { throwOnMissingAnswer: true } as const;
const readRc = (dir: string) => JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-containerize'];
/** The repository folder's name names the root service (the fixture's requirements.txt names none). */
const OWNER = 'taskhub';

describe('several processes of one folder, through the app generator', () => {
  before(async () => {
    await runGenerator('app')
      .inDir(join(mkdtempSync(join(tmpdir(), 'processes-')), OWNER), (dir) => cpSync(FIXTURE, dir, { recursive: true }))
      .withOptions({ yes: true, set: [`${OWNER}.languageVersion=3.13`] })
      .withAnswers({}, strict);
  });

  it('stores the processes with imageFrom, their image fields following the owner (a --set on it moves them)', () => {
    const rc = readRc(result.cwd);
    assert.deepEqual(Object.keys(rc.services).sort(), ['beat', 'release', OWNER, 'worker']);
    for (const p of ['beat', 'release', 'worker']) {
      assert.equal(rc.services[p].imageFrom, OWNER, p);
      assert.equal(rc.services[p].languageVersion, '3.13', p);
      assert.equal(rc.services[p].path, '.', p);
    }
    assert.equal(rc.services.release.release, true);
    assert.equal(rc.services[OWNER].imageFrom, undefined);
  });

  it('writes one Dockerfile for the folder', () => {
    const files = Object.keys(snapshotTree(result.cwd));
    assert.deepEqual(files.filter((f) => /(^|\/)Dockerfile$/.test(f)), ['Dockerfile']);
  });

  it('compose.yaml builds the image once and runs each process with its command; the release runs first, once', () => {
    const text = readFileSync(join(result.cwd, 'compose.yaml'), 'utf8');
    const compose = parse(text);
    const built = Object.entries(compose.services as Record<string, any>).filter(([, s]) => s.build).map(([n]) => n);
    assert.deepEqual(built, [OWNER]);
    assert.deepEqual(compose.services.worker.command, ['celery', '-A', 'config', 'worker', '--loglevel=info']);
    assert.equal(compose.services.worker.image, compose.services[OWNER].image);
    assert.equal(compose.services.release.restart, 'no');
    for (const s of [OWNER, 'worker', 'beat']) assert.deepEqual(compose.services[s].depends_on.release, { condition: 'service_completed_successfully' }, s);
    assert.equal(compose.services.release.depends_on.release, undefined);
    assert.deepEqual(validateCompose(text, {}), []);
  });

  it('kustomize runs the release as a Job and the chart as a hook; CI builds one image', () => {
    assert.ok(existsSync(join(result.cwd, 'deploy/kubernetes/base/job.yaml')));
    const values = parse(readFileSync(join(result.cwd, `deploy/helm/${OWNER}/values.yaml`), 'utf8'));
    assert.equal(values.services.release.kind, 'Job');
    assert.deepEqual(values.services.worker.args, ['celery', '-A', 'config', 'worker', '--loglevel=info']);
    const ci = readFileSync(join(result.cwd, '.github/workflows/ci.yml'), 'utf8');
    assert.doesNotMatch(ci, new RegExp(`${OWNER}-(worker|beat|release)\\b`));
    const changes = readFileSync(join(result.cwd, 'ci/changes.sh'), 'utf8');
    const images = /readonly images=\(\n([\s\S]*?)\n\)/.exec(changes)![1]!.trim().split('\n');
    assert.deepEqual(images.map((l) => l.trim().split('|')[0]), [`'${OWNER}`]);
  });
});
