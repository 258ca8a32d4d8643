/**
 * `yo containerize` as a user meets it: questions asked or skipped, flags-only
 * runs, what lands in .yo-rc.json, composition order, re-runs, bad input.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { result } from 'yeoman-test';
import { STAGE_NAMES } from '../../generators/app/stages.js';
import { SCHEMA_VERSION } from '../../lib/model/types.js';
import { runLog } from '../../lib/write/writer.js';
import { TWO_SERVICES, snapshotTree, writeTree } from '../helpers/tree.js';
import { runGenerator } from '../helpers/run.js';

const strict = { throwOnMissingAnswer: true } as const;
/** A temp copy of the two-service app that outlives one yeoman-test run (for re-runs). */
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'containerize-'));
  writeTree(dir, TWO_SERVICES);
  return dir;
};
const readRc = (dir: string) => JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-containerize'];

describe('app generator', () => {
  describe('first interactive run', () => {
    const asked: string[] = [];
    before(async () => {
      await runGenerator('app')
        .inTmpDir((dir) => writeTree(dir, TWO_SERVICES))
        .withAnswers(
          { name: 'shop', registry: 'ghcr.io/acme', public: ['web'] },
          { ...strict, callback: (answer, { question }) => (asked.push(String(question.name)), answer) },
        );
    });

    it('asks only the name, the registry and which services are public', () => {
      assert.deepEqual(asked, ['name', 'registry', 'public']);
    });

    it('stores the whole model in .yo-rc.json', () => {
      const rc = readRc(result.cwd);
      assert.equal(rc.schemaVersion, SCHEMA_VERSION);
      assert.equal(rc.name, 'shop');
      assert.equal(rc.registry, 'ghcr.io/acme');
      assert.deepEqual(Object.keys(rc.services), ['api', 'web']);
      assert.equal(rc.services.web.language, 'node');
      assert.equal(rc.services.web.port, 3000);
      assert.equal(rc.services.web.public, true);
      assert.equal(rc.services.api.language, 'python');
      assert.equal(rc.services.api.port, 8000);
      assert.equal(rc.services.api.public, false);
      assert.ok(rc.services.web.dependsOn.includes('api'), 'web calls api');
      assert.equal(rc.backing.redis.kind, 'redis');
    });

    it('composes every stage once, in checklist order, and each renders from the stored model', () => {
      assert.deepEqual(runLog(result.env).stages, [...STAGE_NAMES]);
      assert.deepEqual(runLog(result.env).models, STAGE_NAMES.map(() => JSON.stringify(readRc(result.cwd))));
    });
  });

  describe('flags-only run', () => {
    it('asks nothing with --yes and records flags over detection', async () => {
      await runGenerator('app')
        .inTmpDir((dir) => writeTree(dir, TWO_SERVICES))
        .withOptions({ yes: true, name: 'shop', registry: 'registry.example.com/team', set: ['api.public=true', 'backing.redis.version=7.2'] })
        .withAnswers({}, strict);
      const rc = readRc(result.cwd);
      assert.equal(rc.registry, 'registry.example.com/team');
      assert.equal(rc.services.api.public, true);
      assert.equal(rc.backing.redis.version, '7.2');
    });

    it('reads --answers from a YAML file', async () => {
      await runGenerator('app')
        .inTmpDir((dir) => {
          writeTree(dir, { ...TWO_SERVICES, 'answers.yaml': 'name: shop\nregistry: ghcr.io/acme\nservices:\n  api:\n    start: python -u app.py\n' });
        })
        .withOptions({ yes: true, answers: 'answers.yaml' })
        .withAnswers({}, strict);
      const rc = readRc(result.cwd);
      assert.deepEqual(rc.services.api.start, ['python', '-u', 'app.py']);
      assert.equal(rc.name, 'shop');
    });

    it('fails with --yes when a start command cannot be determined, and writes nothing', async () => {
      await assert.rejects(
        runGenerator('app')
          .inTmpDir((dir) => writeTree(dir, { 'tool/go.mod': 'module example.com/tool\n\ngo 1.22\n', 'tool/lib.go': 'package tool\n' }))
          .withOptions({ yes: true })
          .withAnswers({}, strict),
        (error: Error) => /start|no service/.test(error.message),
      );
    });
  });

  describe('re-run', () => {
    it('asks nothing the second time and changes no byte', async () => {
      const dir = scratch();
      await runGenerator('app').cd(dir).withOptions({ yes: true });
      const before = snapshotTree(dir);
      assert.ok('.yo-rc.json' in before);
      await runGenerator('app').cd(dir).withAnswers({}, strict);
      assert.deepEqual(snapshotTree(dir), before);
    });

    it('re-asks answered questions with --ask-answered, defaulting to the stored values', async () => {
      const dir = scratch();
      await runGenerator('app').cd(dir).withOptions({ yes: true, name: 'shop' });
      const defaults: Record<string, unknown> = {};
      await runGenerator('app')
        .cd(dir)
        .withOptions({ askAnswered: true })
        .withAnswers({}, { callback: (answer, { question }) => ((defaults[String(question.name)] = question.default), answer) });
      assert.equal(defaults.name, 'shop');
      assert.equal(defaults['web/port'], '3000');
      assert.ok('api/start' in defaults);
    });
  });

  describe('bad input leaves the tree untouched', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['an invalid name', { yes: true, name: 'My_App' }, /name: .*DNS-1123/],
      ['a service path that is not there', { yes: true, set: ['web.path=nowhere'] }, /services\.web\.path: "nowhere" does not exist/],
      ['a service named like a backing service', { yes: true, set: ['redis.path=web', 'redis.language=node', 'redis.languageVersion=22', 'redis.start=node server.js', 'redis.port=3001'] }, /services\.redis: has the same name as a backing service/],
      ['clashing public ports', { yes: true, set: ['web.public=true', 'api.public=true', 'api.port=3000'] }, /3000 clashes with public service "web"|3000 clashes with public service "api"/],
      ['an invalid service name', { yes: true, set: ['Web_2.path=web'] }, /services\.Web_2: .*DNS-1123/],
      ['a port out of range', { yes: true, set: ['api.port=70000'] }, /services\.api\.port: 70000 is not a port/],
    ];
    for (const [what, options, message] of cases) {
      it(`rejects ${what}`, async () => {
        let dir = '';
        await assert.rejects(
          runGenerator('app')
            .inTmpDir((d) => {
              dir = d;
              writeTree(d, TWO_SERVICES);
            })
            .withOptions(options)
            .withAnswers({}, strict),
          (error: Error) => {
            assert.match(error.message, message);
            return true;
          },
        );
        assert.equal(existsSync(join(dir, '.yo-rc.json')), false, 'no .yo-rc.json written');
        assert.deepEqual(Object.keys(snapshotTree(dir)).sort(), Object.keys(TWO_SERVICES).sort());
      });
    }

    it('rejects a malformed .yo-rc.json with a clear error and does not touch it', async () => {
      let dir = '';
      await assert.rejects(
        runGenerator('app')
          .inTmpDir((d) => {
            dir = d;
            writeTree(d, { ...TWO_SERVICES, '.yo-rc.json': '{ "generator-containerize": { "name": "shop", ' });
          })
          .withOptions({ yes: true }),
        /\.yo-rc\.json is not valid JSON/,
      );
      assert.equal(readFileSync(join(dir, '.yo-rc.json'), 'utf8'), '{ "generator-containerize": { "name": "shop", ');
    });

    it('refuses a model written by a newer generator', async () => {
      await assert.rejects(
        runGenerator('app')
          .inTmpDir((d) => writeTree(d, { ...TWO_SERVICES, '.yo-rc.json': JSON.stringify({ 'generator-containerize': { schemaVersion: 99 } }) }))
          .withOptions({ yes: true }),
        /schemaVersion 99 was written by a newer generator-containerize/,
      );
    });

    it('rejects a missing --answers file', async () => {
      await assert.rejects(
        runGenerator('app').inTmpDir((d) => writeTree(d, TWO_SERVICES)).withOptions({ yes: true, answers: 'nope.yaml' }),
        /--answers \S*nope\.yaml: cannot read the file \(ENOENT\)/,
      );
    });
  });

  it('migrates an unversioned model (schema 0) and stores it at the current version', async () => {
    const dir = scratch();
    await runGenerator('app').cd(dir).withOptions({ yes: true });
    const rc = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'));
    delete rc['generator-containerize'].schemaVersion;
    writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify(rc));
    await runGenerator('app').cd(dir).withAnswers({}, strict);
    assert.equal(readRc(dir).schemaVersion, SCHEMA_VERSION);
  });
});
