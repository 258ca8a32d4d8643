/**
 * One unknown value does not block the rest (issue 12): with --yes, a service whose start
 * command cannot be determined is left out, the others are written, each left-out service is
 * listed with the flag that settles it, and the run says it was partial (the bin exits 4).
 * In a terminal the value is asked instead.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { result } from 'yeoman-test';
import { PARTIAL_EXIT_CODE, runLog } from '../../lib/write/writer.js';
import { REPO_ROOT, TWO_SERVICES, snapshotTree, writeTree } from '../helpers/tree.js';
import { runGenerator } from '../helpers/run.js';

const strict = { throwOnMissingAnswer: true } as const;
/** The two-service app plus a load generator nothing says how to start (locust, no Dockerfile). */
const WITH_LOADTEST: Record<string, string> = {
  ...TWO_SERVICES,
  'loadtest/requirements.txt': 'locust==2.32.0\n',
  'loadtest/locustfile.py': 'from locust import HttpUser, task\n\n\nclass Visitor(HttpUser):\n    @task\n    def home(self):\n        self.client.get("/")\n',
};
const scratch = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), 'partial-'));
  writeTree(dir, files);
  return dir;
};
const readRc = (dir: string) => JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-containerize'];
const FLAG = '--set loadtest.start="python main.py"';

describe('partial runs: one unknown value does not block the rest', () => {
  describe('--yes with a service whose start is unknown', () => {
    let dir: string;
    before(async () => {
      dir = scratch(WITH_LOADTEST);
      await runGenerator('app').cd(dir).withOptions({ yes: true }).withAnswers({}, strict);
    });

    it('writes the other services and leaves that one out of the model and of every file', () => {
      const rc = readRc(dir);
      assert.deepEqual(Object.keys(rc.services).sort(), ['api', 'web']);
      assert.ok(existsSync(join(dir, 'compose.yaml')));
      assert.doesNotMatch(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /loadtest/);
      assert.ok(existsSync(join(dir, 'web', 'Dockerfile')) && !existsSync(join(dir, 'loadtest', 'Dockerfile')));
    });

    it('lists it with the exact flag that settles it, and records it in .yo-rc.json', () => {
      assert.deepEqual(runLog(result.env).leftOut, [{ name: 'loadtest', path: 'loadtest', field: 'start', flag: FLAG }]);
      assert.deepEqual(readRc(dir).leftOut, { loadtest: { path: 'loadtest', missing: 'start' } });
    });

    it('a re-run with that flag brings the service back (detected again) and is complete', async () => {
      await runGenerator('app').cd(dir).withOptions({ yes: true, force: true, set: ['loadtest.start=locust -f locustfile.py --headless --host http://web:3000'] }).withAnswers({}, strict);
      const rc = readRc(dir);
      assert.deepEqual(Object.keys(rc.services).sort(), ['api', 'loadtest', 'web']);
      assert.deepEqual(rc.services.loadtest.start, ['locust', '-f', 'locustfile.py', '--headless', '--host', 'http://web:3000']);
      assert.equal(rc.services.loadtest.language, 'python');
      assert.equal(rc.leftOut, undefined);
      assert.deepEqual(runLog(result.env).leftOut, []);
      assert.match(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /loadtest/);
    });
  });

  it('in a terminal the unknown start is asked, and nothing is left out', async () => {
    const asked: string[] = [];
    await runGenerator('app')
      .inTmpDir((d) => writeTree(d, WITH_LOADTEST))
      .withAnswers(
        { name: 'shop', registry: 'localhost', public: ['web'], 'loadtest/start': 'locust -f locustfile.py --headless', 'loadtest/port': '' },
        { ...strict, callback: (answer, { question }) => (asked.push(String(question.name)), answer) },
      );
    assert.ok(asked.includes('loadtest/start'));
    assert.deepEqual(readRc(result.cwd).services.loadtest.start, ['locust', '-f', 'locustfile.py', '--headless']);
    assert.deepEqual(runLog(result.env).leftOut, []);
  });

  it('--yes when no service could be completed still fails, names the flag and writes nothing', async () => {
    const dir = scratch({ 'loadtest/requirements.txt': 'locust==2.32.0\n', 'loadtest/locustfile.py': 'from locust import HttpUser\n' });
    const before = snapshotTree(dir);
    await assert.rejects(runGenerator('app').cd(dir).withOptions({ yes: true }).withAnswers({}, strict), (e: Error) => e.message.includes(`services.loadtest.start: is unknown`) && e.message.includes(FLAG));
    assert.deepEqual(snapshotTree(dir), before);
  });

  it('the containerize bin exits with the partial status and prints the flag', function () {
    const bin = join(REPO_ROOT, 'dist', 'bin', 'containerize.js');
    if (!existsSync(bin)) this.skip();
    const dir = join(scratch(WITH_LOADTEST));
    const run = spawnSync(process.execPath, [bin, '--yes'], { cwd: dir, encoding: 'utf8', input: '', env: { ...process.env, CI: 'true' } });
    assert.equal(run.status, PARTIAL_EXIT_CODE, run.stderr);
    assert.equal(PARTIAL_EXIT_CODE, 4);
    const out = run.stdout + run.stderr;
    assert.match(out, /Partial run: 1 service left out/);
    assert.ok(out.includes(`loadtest (loadtest): ${FLAG}`));
    assert.deepEqual(Object.keys(readRc(dir).services).sort(), ['api', 'web']);
  });
});
