/**
 * The `containerize` bin, run from the build as a user would run it
 * (`npm test` builds first): help for every generator, detect --json on the
 * bundled example, and a full run that a second run leaves byte-for-byte alone.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, snapshotTree } from '../helpers/tree.js';
import { GENERATOR_NAMES } from '../helpers/run.js';

const BIN = join(REPO_ROOT, 'dist', 'bin', 'containerize.js');
const EXAMPLE = join(REPO_ROOT, 'examples', 'taskboard');

function containerize(args: string[], cwd = REPO_ROOT) {
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', input: '', env: { ...process.env, CI: 'true' } });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('containerize bin', function () {
  before(function () {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` (npm test does it first)`);
  });

  for (const name of GENERATOR_NAMES) {
    it(`prints --help for ${name}: options and its USAGE`, () => {
      const { code, out } = containerize([name, '--help']);
      assert.equal(code, 0);
      assert.match(out, /Usage:/);
      assert.match(out, /Description:/, 'USAGE file text is included');
      if (name !== 'detect' && name !== 'doctor') assert.match(out, /--yes/); // they write nothing
    });
  }

  it('prints an overview with --help and no generator', () => {
    const { code, out } = containerize(['--help']);
    assert.equal(code, 0);
    assert.match(out, /Generators \(default: app\)/);
    for (const name of GENERATOR_NAMES) assert.match(out, new RegExp(`\\b${name}\\b`));
  });

  it('detect --json reports every example service with language, version, port, start, and Redis with its users', () => {
    const { code, out } = containerize(['detect', '--json', EXAMPLE]);
    assert.equal(code, 0);
    const d = JSON.parse(out);
    const pick = (n: string) => {
      const s = d.services[n];
      return { language: s.language, languageVersion: s.languageVersion, port: s.port, start: s.start };
    };
    assert.deepEqual(Object.keys(d.services).sort(), ['api', 'stats', 'web', 'worker']);
    assert.deepEqual(pick('web'), { language: 'node', languageVersion: '22', port: 3000, start: ['node', 'server.js'] });
    assert.deepEqual(pick('api'), { language: 'python', languageVersion: '3.11', port: 8000, start: ['python', 'app.py'] });
    assert.deepEqual(pick('worker'), { language: 'go', languageVersion: '1.22', port: null, start: ['./worker'] });
    assert.deepEqual(pick('stats'), { language: 'go', languageVersion: '1.22', port: 8080, start: ['./stats'] });
    assert.equal(d.services.web.public, true);
    assert.equal(d.services.api.public, false);
    assert.deepEqual(d.backing.redis.kind, 'redis');
    assert.deepEqual(d.backing.redis.usedBy, ['api', 'stats', 'worker']);
    for (const s of Object.values<any>(d.services)) {
      for (const field of ['language', 'languageVersion', 'port', 'start']) assert.ok(s.evidence[field], `evidence for ${field}`);
    }
    assert.match(d.services.web.evidence.port, /^web\/server\.js:\d+$/);
  });

  it('detect writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'detect-'));
    cpSync(EXAMPLE, dir, { recursive: true });
    const before = snapshotTree(dir);
    assert.equal(containerize(['detect'], dir).code, 0);
    assert.deepEqual(snapshotTree(dir), before);
  });

  it('--yes in a copy of the example writes the model; a second run asks nothing and changes no byte', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'example-')), 'taskboard'); // the app is named after its folder
    cpSync(EXAMPLE, dir, { recursive: true });
    const first = containerize(['--yes'], dir);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out + first.err, /Detected application "taskboard"/);
    const rc = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-containerize'];
    assert.deepEqual(Object.keys(rc.services), ['api', 'stats', 'web', 'worker']);
    for (const script of ['deploy/scripts/deploy.sh', 'deploy/scripts/undeploy.sh', 'secrets/create.sh'])
      assert.equal(statSync(join(dir, script)).mode & 0o777, 0o755, `${script} is executable`);
    assert.equal(statSync(join(dir, 'compose.yaml')).mode & 0o111, 0, 'other files are not');
    const before = snapshotTree(dir);
    const second = containerize([], dir); // no --yes, no stdin: it must not ask anything
    assert.equal(second.code, 0, second.err);
    assert.doesNotMatch(second.out + second.err, /Detected application/, 'the stored model is used, not detection');
    assert.deepEqual(snapshotTree(dir), before);
  });

  it('--yes merges an edit into the new render (exit 0); a conflicting edit is kept, ours beside it (exit 3); --force overwrites', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'edited-')), 'taskboard');
    cpSync(EXAMPLE, dir, { recursive: true });
    assert.equal(containerize(['--yes'], dir).code, 0);
    appendFileSync(join(dir, 'compose.yaml'), '# the team edited this\n');
    const merged = containerize(['--yes', '--set', 'web.port=3001'], dir);
    assert.equal(merged.code, 0, merged.err);
    assert.match(merged.out + merged.err, /merged {2}compose\.yaml {2}\(your edits kept\)/);
    const compose = readFileSync(join(dir, 'compose.yaml'), 'utf8');
    assert.match(compose, /# the team edited this\n$/);
    assert.match(compose, /127\.0\.0\.1:3001:3001/);

    writeFileSync(join(dir, 'compose.yaml'), compose.replace('127.0.0.1:3001:3001', '127.0.0.1:8080:3001'));
    const edited = snapshotTree(dir);
    const conflict = containerize(['--yes', '--set', 'web.port=3002'], dir);
    assert.equal(conflict.code, 3, 'exit status 3: conflicts left');
    assert.match(conflict.out + conflict.err, /Conflicts left \(1\)[\s\S]*compose\.yaml {2}← {2}compose\.yaml\.containerize-new/);
    assert.equal(readFileSync(join(dir, 'compose.yaml'), 'utf8'), edited['compose.yaml'], 'the conflicting file stays as the team has it');
    assert.match(readFileSync(join(dir, 'compose.yaml.containerize-new'), 'utf8'), /127\.0\.0\.1:3002:3002/);

    assert.equal(containerize(['--yes', '--force'], dir).code, 0);
    assert.doesNotMatch(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /the team edited this/);
    assert.equal(existsSync(join(dir, 'compose.yaml.containerize-new')), false, 'the conflict file goes with the conflict');
  });

  it('fails clearly on a path that is not there', () => {
    const { code, err } = containerize(['detect', '/nonexistent/repo']);
    assert.equal(code, 1);
    assert.match(err, /\/nonexistent\/repo is not a folder/);
  });
});
