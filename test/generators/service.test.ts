/**
 * `containerize:service <name>`: add or update one component, leaving the
 * rest of the model as the team stored it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLog } from '../../lib/write/writer.js';
import { STAGE_NAMES } from '../../generators/app/stages.js';
import { runGenerator } from '../helpers/run.js';
import { TWO_SERVICES, snapshotTree, writeTree } from '../helpers/tree.js';

const strict = { throwOnMissingAnswer: true } as const;
const readRc = (dir: string) => JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-containerize'];

const WORKER = {
  'jobs/go.mod': 'module example.com/jobs\n\ngo 1.22\n',
  'jobs/main.go': [
    'package main',
    '',
    'import (',
    '\t"log"',
    '\t"os"',
    '\t"time"',
    ')',
    '',
    'func main() {',
    '\taddr := os.Getenv("REDIS_ADDR")',
    '\tif addr == "" {',
    '\t\taddr = "redis:6379"',
    '\t}',
    '\tfor {',
    '\t\tlog.Println("polling", addr)',
    '\t\ttime.Sleep(time.Second)',
    '\t}',
    '}',
    '',
  ].join('\n'),
};

async function containerized(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'svc-'));
  writeTree(dir, TWO_SERVICES);
  await runGenerator('app').cd(dir).withOptions({ yes: true, name: 'shop' });
  return dir;
}

describe('service generator', () => {
  it('adds a new component from its folder and leaves the other services as stored', async () => {
    const dir = await containerized();
    const before = readRc(dir);
    writeTree(dir, WORKER);
    const result = await runGenerator('service').cd(dir).withArguments(['jobs']).withAnswers({}, strict);
    const after = readRc(dir);
    assert.deepEqual(Object.keys(after.services), ['api', 'jobs', 'web']);
    assert.deepEqual(after.services.api, before.services.api);
    assert.deepEqual(after.services.web, before.services.web);
    assert.equal(after.services.jobs.language, 'go');
    assert.equal(after.services.jobs.port, null);
    assert.deepEqual(after.services.jobs.dependsOn, ['redis']);
    assert.deepEqual(runLog(result.env).stages, [...STAGE_NAMES], 'every stage re-renders from the new model');
  });

  it('asks only what detection could not settle for the new service', async () => {
    const dir = await containerized();
    writeTree(dir, {
      'admin/package.json': JSON.stringify({ name: 'admin', scripts: { start: 'node server.js' }, dependencies: { express: '^4.21.0' } }),
      'admin/server.js': "const cfg = require('./config');\nrequire('express')().listen(cfg.port);\n",
      'admin/config.js': 'module.exports = { port: Number(process.argv[2]) };\n',
    });
    const asked: string[] = [];
    await runGenerator('service')
      .cd(dir)
      .withArguments(['admin'])
      .withAnswers({ 'admin/port': '4000' }, { ...strict, callback: (a, { question }) => (asked.push(String(question.name)), a) });
    assert.deepEqual(asked, ['admin/port']);
    assert.equal(readRc(dir).services.admin.port, 4000);
  });

  it('updates one field of an existing service from a flag', async () => {
    const dir = await containerized();
    const before = readRc(dir);
    await runGenerator('service').cd(dir).withArguments(['api']).withOptions({ port: '8001' }).withAnswers({}, strict);
    const after = readRc(dir);
    assert.equal(after.services.api.port, 8001);
    assert.deepEqual({ ...after.services.api, port: 8000 }, before.services.api);
    assert.deepEqual(after.services.web, before.services.web);
  });

  const failures: [string, string[], Record<string, unknown>, RegExp][] = [
    ['an invalid service name', ['Jobs_1'], {}, /Service name "Jobs_1" is not a DNS-1123 label/],
    ['a folder with nothing to detect', ['ghost'], {}, /No service detected in "ghost"/],
    ['a path outside the repository', ['jobs'], { path: '../elsewhere' }, /--path "..\/elsewhere" leaves the folder with '\.\.'; expected a relative path inside the repository/],
    // Not "null is not a port": the text given is named.
    ['a port that is not a number', ['api'], { port: 'abc' }, /"abc" is not a port/],
  ];
  for (const [what, args, options, message] of failures) {
    it(`rejects ${what} and changes nothing`, async () => {
      const dir = await containerized();
      const before = snapshotTree(dir);
      await assert.rejects(runGenerator('service').cd(dir).withArguments(args).withOptions(options).withAnswers({}, strict), message);
      assert.deepEqual(snapshotTree(dir), before);
    });
  }

  it('describes a service detection cannot read from flags', async () => {
    const dir = await containerized();
    writeTree(dir, { 'legacy/run.py': 'print("hello")\n' });
    await assert.rejects(runGenerator('service').cd(dir).withArguments(['legacy']).withAnswers({}, strict), /No service detected in "legacy"[\s\S]*or describe it with flags: containerize service legacy --path legacy --language/);
    await runGenerator('service')
      .cd(dir)
      .withArguments(['legacy'])
      .withOptions({ yes: true, language: 'python', languageVersion: '3.12', start: 'python run.py', port: '9000' } as never)
      .withAnswers({}, strict);
    const legacy = readRc(dir).services.legacy;
    assert.deepEqual([legacy.path, legacy.language, legacy.languageVersion, legacy.start, legacy.port], ['legacy', 'python', '3.12', ['python', 'run.py'], 9000]);
    assert.match(readFileSync(join(dir, 'legacy/Dockerfile'), 'utf8'), /Generated by generator-containerize/);
  });

  it('adds a backing service with --kind, and --remove takes it out of the model, of every dependsOn and of the files', async () => {
    const dir = await containerized();
    await runGenerator('service').cd(dir).withArguments(['queue']).withOptions({ kind: 'rabbitmq', yes: true } as never).withAnswers({}, strict);
    assert.equal(readRc(dir).backing.queue.kind, 'rabbitmq');
    assert.match(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /^ {2}queue:$/m);
    await runGenerator('service').cd(dir).withArguments(['redis']).withOptions({ remove: true, yes: true } as never).withAnswers({}, strict);
    const rc = readRc(dir);
    assert.deepEqual(Object.keys(rc.backing), ['queue']);
    for (const svc of Object.values<any>(rc.services)) assert.ok(!svc.dependsOn.includes('redis'));
    assert.doesNotMatch(readFileSync(join(dir, 'compose.yaml'), 'utf8'), /^ {2}redis:$/m);
    await assert.rejects(
      runGenerator('service').cd(dir).withArguments(['web']).withOptions({ kind: 'redis', yes: true } as never).withAnswers({}, strict),
      /"web" is a service; a backing service needs a name of its own/,
    );
  });

  it('needs a stored model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'svc-'));
    writeTree(dir, { ...TWO_SERVICES, ...WORKER });
    await assert.rejects(runGenerator('service').cd(dir).withArguments(['jobs']), /No stack model in \.yo-rc\.json: run `yo containerize` first/);
  });
});
