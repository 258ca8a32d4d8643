/**
 * Strict input and safe stops, through the `containerize` bin as a user runs
 * it (and through yeoman-test, as `yo` hands options over): an unknown
 * generator, option, `--set` path, service or backing kind is an error that
 * names the nearest valid choice, exits 2 and writes nothing; a read-only
 * file stops the run before anything is written (exit 1); Ctrl-C at any
 * moment leaves the tree either as it was or as the run leaves it, never in
 * between, with no temporary file.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGenerator } from '../helpers/run.js';
import { REPO_ROOT, TWO_SERVICES, snapshotTree, writeTree } from '../helpers/tree.js';

const BIN = join(REPO_ROOT, 'dist', 'bin', 'containerize.js');
const EXAMPLE = join(REPO_ROOT, 'examples', 'taskboard');
const strict = { throwOnMissingAnswer: true } as const;

function containerize(args: string[], cwd: string) {
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', input: '', env: { ...process.env, CI: 'true' } });
  return { code: run.status, out: run.stdout + run.stderr };
}

/** A copy of examples/taskboard, containerized once unless `fresh`. */
function taskboard(fresh = false): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'strict-')), 'taskboard');
  cpSync(EXAMPLE, dir, { recursive: true });
  if (!fresh) assert.equal(containerize(['--yes'], dir).code, 0);
  return dir;
}

describe('strict input', function () {
  let dir: string;
  before(function () {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` (npm test does it first)`);
    dir = taskboard();
  });

  const cases: [string, string[], RegExp][] = [
    ['an unknown --set field', ['--yes', '--set', 'web.prot=3000'], /--set "web\.prot=3000": "prot" is not a service field; did you mean "port"\?/],
    ['a --set on a service that does not exist', ['--yes', '--set', 'wbe.port=3000'], /--set wbe\.port=3000: there is no service "wbe"; did you mean "web"\?/],
    ['a --set on a backing service that does not exist', ['--yes', '--set', 'backing.rdis.version=7'], /there is no backing service "rdis"; did you mean "redis"\?/],
    ['an unknown flag', ['--yes', '--forse'], /unknown option --forse for app; did you mean --force\?/],
    ['an unknown generator', ['composee', '--yes'], /unknown generator "composee"; did you mean "compose"\?/],
    ['a generator name that is nothing like one', ['nosuchgen'], /unknown generator "nosuchgen" \(valid: "app", "detect", "service"/],
    ['an unknown flag of a stage', ['helm', '--yes', '--dryrun'], /unknown option --dryrun for helm; did you mean --dry-run\?/],
    ['an unknown backing kind', ['service', 'cache', '--kind', 'rediss', '--yes'], /--kind "rediss" is not a backing kind; did you mean "redis"\?/],
    ['removing a component that is not there', ['service', 'wroker', '--remove', '--yes'], /no service or backing service "wroker" to remove; did you mean "worker"\?/],
    ['an unknown flag of detect', ['detect', '--jsn'], /unknown option --jsn for detect; did you mean --json\?/],
  ];
  for (const [what, args, message] of cases) {
    it(`rejects ${what}: exit 2, the nearest valid choice named, nothing written`, () => {
      const before = snapshotTree(dir);
      const run = containerize(args, dir);
      assert.equal(run.code, 2, run.out);
      assert.match(run.out, message);
      assert.deepEqual(snapshotTree(dir), before);
    });
  }

  it('rejects a bad --set before the first run writes anything, .yo-rc.json included', () => {
    const fresh = taskboard(true);
    const before = snapshotTree(fresh);
    const run = containerize(['--yes', '--set', 'web.prot=3000'], fresh);
    assert.equal(run.code, 2, run.out);
    assert.deepEqual(snapshotTree(fresh), before);
  });

  describe('as yo hands options and arguments over', () => {
    const yoCases: [string, Record<string, unknown>, string[], RegExp][] = [
      ['an unknown option', { yes: true, forse: true }, [], /unknown option --forse for app; did you mean --force\?/],
      ['a stray argument (yo containerize nosuchgen)', { yes: true }, ['nosuchgen'], /app takes no arguments, but was given "nosuchgen"/],
      ['a generator name given as an argument', { yes: true }, ['compose'], /given "compose"; to run that generator: containerize compose \(yo containerize:compose\)/],
    ];
    for (const [what, options, args, message] of yoCases) {
      it(`rejects ${what}, writing nothing`, async () => {
        const d = mkdtempSync(join(tmpdir(), 'strict-yo-'));
        writeTree(d, TWO_SERVICES);
        await assert.rejects(runGenerator('app').cd(d).withOptions(options as never).withArguments(args).withAnswers({}, strict), message);
        assert.deepEqual(Object.keys(snapshotTree(d)).sort(), Object.keys(TWO_SERVICES).sort());
      });
    }
  });
});

describe('stopping safely', function () {
  before(function () {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` (npm test does it first)`);
  });

  it('a read-only file stops the run before anything is written (exit 1)', () => {
    const dir = taskboard();
    chmodSync(join(dir, 'compose.yaml'), 0o444);
    const before = snapshotTree(dir);
    const run = containerize(['--yes', '--set', 'web.port=3001'], dir);
    assert.equal(run.code, 1, run.out);
    assert.match(run.out, /compose\.yaml is read-only[\s\S]*Nothing was written/);
    assert.deepEqual(snapshotTree(dir), before);
  });

  it('Ctrl-C at any moment leaves the tree as it was or as the run leaves it, and no temporary file', async () => {
    const args = ['--yes', '--set', 'web.port=3001'];
    const done = taskboard();
    const start = Date.now();
    assert.equal(containerize(args, done).code, 0);
    const took = Date.now() - start;
    const after = snapshotTree(done);
    const outcomes = new Set<string>();
    // From early in the run to about when it writes (how long a run takes depends on the machine).
    for (const delay of [0.6, 1.3].map((f) => Math.round(f * took))) {
      const dir = taskboard();
      const before = snapshotTree(dir);
      const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: 'ignore', env: { ...process.env, CI: 'true' } });
      const timer = setTimeout(() => child.kill('SIGINT'), delay);
      const status = await new Promise<string>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? String(code))));
      clearTimeout(timer);
      const now = snapshotTree(dir);
      assert.ok(!Object.keys(now).some((f) => f.includes('.containerize-tmp-')), `no temporary file (Ctrl-C after ${delay} ms)`);
      const same = (a: Record<string, string>) => JSON.stringify(now) === JSON.stringify(a);
      assert.ok(same(before) || same(after), `Ctrl-C after ${delay} ms (exit ${status}): the tree is neither as it was nor as the run leaves it`);
      outcomes.add(`${same(before) ? 'before' : 'after'}:${status}`);
    }
    // Which moments the signal hit depends on the machine; both ends are fine, nothing in between is.
    assert.ok(outcomes.size >= 1, [...outcomes].join(' '));
  });
});
