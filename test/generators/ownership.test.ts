/**
 * A repository that already has its own Makefile, .env.example, Compose
 * file, dev container, docs/ and .dockerignore: `--yes` succeeds, every byte
 * of theirs is unchanged, ours go beside them under names every other output
 * refers to, and the summary says how to use them (issue 9, "ownership").
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { validateCompose } from '../../lib/validate/compose.js';
import { LEDGER_PATH } from '../../lib/write/ledger.js';
import { runGenerator } from '../helpers/run.js';
import { REPO_ROOT, TWO_SERVICES, snapshotTree, writeTree } from '../helpers/tree.js';

const strict = { throwOnMissingAnswer: true } as const;
const BIN = join(REPO_ROOT, 'dist', 'bin', 'containerize.js');
const HAVE_MAKE = spawnSync('make', ['--version']).status === 0;

/** What a team had before containerize: its own files at the paths ours take by default. */
export const THEIRS: Record<string, string> = {
  Makefile: '.PHONY: lint\nlint:\n\tnpm run lint --prefix web\n\nup:\n\tdocker compose up -d\n',
  '.env.example': '# Our settings\nWEB_TITLE=Shop\nAPI_TOKEN=\n',
  'docker-compose.yml': 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n',
  '.devcontainer/devcontainer.json': '{\n  "name": "ours",\n  "image": "mcr.microsoft.com/devcontainers/javascript-node:22"\n}\n',
  'docs/README.md': '# How we work\n',
  'docs/architecture.md': '# Architecture\n',
  'web/.dockerignore': 'node_modules\n',
};

const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'theirs-'));
  writeTree(dir, { ...TWO_SERVICES, ...THEIRS });
  return dir;
};
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const theirsIn = (dir: string) => Object.fromEntries(Object.keys(THEIRS).map((f) => [f, read(dir, f)]));
const logged = (result: { env: unknown }): string =>
  ((result.env as { adapter: { log: { mock: { calls: { arguments: unknown[] }[] } } } }).adapter.log.mock.calls.map((c) => String(c.arguments[0])).join('\n'));

describe('a repository with files of its own', () => {
  let dir: string;
  let summary: string;
  before(async () => {
    dir = scratch();
    const result = await runGenerator('app').cd(dir).withOptions({ yes: true, name: 'shop' } as never).withAnswers({}, strict);
    summary = logged(result);
  });

  it('--yes succeeds and leaves every byte of theirs unchanged', () => {
    assert.deepEqual(theirsIn(dir), THEIRS);
  });

  it('records them in the model', () => {
    const rc = JSON.parse(read(dir, '.yo-rc.json'))['generator-containerize'];
    assert.deepEqual(rc.existing, {
      compose: { path: 'docker-compose.yml' },
      devcontainer: { path: '.devcontainer/devcontainer.json' },
      envExample: { path: '.env.example' },
      makefile: { path: 'Makefile' },
    });
  });

  it('puts ours beside them, under names their tools do not load by themselves', () => {
    for (const f of [
      'containerize.compose.yaml',
      'containerize.compose.override.yaml',
      'containerize.mk',
      'containerize.env.example',
      '.devcontainer/containerize/devcontainer.json',
      '.devcontainer/containerize/compose.devcontainer.yaml',
      'web/Dockerfile.dockerignore',
    ])
      assert.ok(existsSync(join(dir, f)), f);
    for (const f of ['compose.yaml', 'compose.override.yaml', '.env.example.containerize', 'Makefile.containerize']) assert.ok(!existsSync(join(dir, f)), `${f} would shadow or copy theirs`);
  });

  it('makes every reference point at ours: the make targets, the dev container, the comments', () => {
    const mk = read(dir, 'containerize.mk');
    assert.match(mk, /^FILES := -f containerize\.compose\.yaml -f containerize\.compose\.override\.yaml$/m);
    assert.match(mk, /^\t\$\(MAKE\) -f containerize\.mk up$/m, 'recursive make calls name our file');
    assert.match(mk, /cp containerize\.env\.example \.env/);
    assert.doesNotMatch(mk, /(?<!containerize\.)\bcompose\.(override\.)?yaml\b/, 'no reference to the default names');
    const devcontainer = JSON.parse(read(dir, '.devcontainer/containerize/devcontainer.json'));
    for (const f of devcontainer.dockerComposeFile) assert.ok(existsSync(join(dir, '.devcontainer/containerize', f)), `${f} resolves from the devcontainer folder`);
    assert.match(read(dir, 'containerize.compose.yaml'), /^# Your own Compose file stays as it is/m);
  });

  it('writes a Compose pair that is valid and complete on its own', () => {
    const problems = validateCompose([read(dir, 'containerize.compose.yaml'), read(dir, 'containerize.compose.override.yaml')], {
      files: Object.entries(snapshotTree(dir)).map(([path, content]) => ({ path, content })),
    });
    assert.deepEqual(problems, []);
  });

  it('says in the summary which of theirs were kept and how to use ours', () => {
    assert.match(summary, /Yours, kept as they are \(ours beside them\):/);
    assert.match(summary, /docker-compose\.yml → ours: containerize\.compose\.yaml, containerize\.compose\.override\.yaml\n\s+`docker compose -f containerize\.compose\.yaml -f containerize\.compose\.override\.yaml up` runs ours; `docker compose` alone still runs your docker-compose\.yml/);
    assert.match(summary, /Makefile → ours: containerize\.mk\n\s+`make -f containerize\.mk up`/);
    assert.match(summary, /web\/\.dockerignore → ours: web\/Dockerfile\.dockerignore/);
    assert.match(summary, /Next:\n(\s+make -f containerize\.mk doctor .*\n)?\s+make -f containerize\.mk up/);
  });

  it('lists targets under `make -f containerize.mk`', function () {
    if (!HAVE_MAKE) this.skip();
    const r = spawnSync('make', ['-f', 'containerize.mk', 'help'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /make -f containerize\.mk up\s+Build and start/);
  });

  it('changes no byte on a re-run, theirs still untouched', async () => {
    const before = snapshotTree(dir);
    await runGenerator('app').cd(dir).withOptions({ yes: true } as never).withAnswers({}, strict);
    assert.deepEqual(snapshotTree(dir), before);
  });
});

describe('linking ours into their Makefile and .env.example, when they agree', () => {
  it('asks in a terminal run, adds a marked block to each, and takes it out again byte for byte', async function () {
    const dir = scratch();
    const asked: string[] = [];
    await runGenerator('app')
      .cd(dir)
      .withOptions({ name: 'shop', registry: 'ghcr.io/acme' } as never)
      .withAnswers({ public: ['web'], 'existing/makefile/link': true, 'existing/envExample/link': true }, { ...strict, callback: (a, { question }) => (asked.push(String(question.name)), a) });
    assert.deepEqual(asked, ['public', 'existing/makefile/link', 'existing/envExample/link']);
    const makefile = read(dir, 'Makefile');
    assert.ok(makefile.startsWith(THEIRS.Makefile!), 'their lines first, unchanged');
    assert.match(makefile.slice(THEIRS.Makefile!.length), /^\n# >>> generator-containerize[^\n]*\ninclude containerize\.mk\n# <<< generator-containerize\n$/);
    const env = read(dir, '.env.example');
    assert.ok(env.startsWith(THEIRS['.env.example']!));
    assert.match(env, /^WEB__PORT=|^PORT=|# --- web \(web\/, node\) ---/m, env);
    assert.ok(!existsSync(join(dir, 'containerize.env.example')), 'the block replaces the file beside theirs');
    if (HAVE_MAKE) {
      const r = spawnSync('make', ['help'], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /make up\s+Build and start/);
    }

    await runGenerator('app').cd(dir).withOptions({ yes: true, set: ['existing.makefile.link=false', 'existing.envExample.link=false'] } as never).withAnswers({}, strict);
    assert.deepEqual(theirsIn(dir), THEIRS, 'their files are back to their own bytes');
    assert.ok(existsSync(join(dir, 'containerize.env.example')));
  });
});

describe('the same through the containerize bin', () => {
  before(function () {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` (npm test does it first)`);
  });

  it('--yes exits 0 and every byte of theirs is unchanged; the ledger lists only ours', () => {
    const dir = scratch();
    const run = spawnSync(process.execPath, [BIN, '--yes'], { cwd: dir, encoding: 'utf8', input: '' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(theirsIn(dir), THEIRS);
    const ledger = Object.keys(JSON.parse(read(dir, LEDGER_PATH)).files);
    for (const f of Object.keys(THEIRS)) assert.ok(!ledger.includes(f), `${f} is theirs, not in the ledger`);
    // Their docs/ pages are kept: ours go to docs/containerize/.
    assert.ok(ledger.includes('containerize.mk') && ledger.filter((f) => f.startsWith('docs/')).every((f) => f.startsWith('docs/containerize/')));
    assert.ok(ledger.every((f) => posix.normalize(f) === f));
  });
});
