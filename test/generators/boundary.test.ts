/**
 * The repository is a boundary (issue 10): paths resolve, symbolic links included, inside the
 * repository or the run fails with a clear error before writing; nothing is read or written
 * outside it. Reported before: a service folder that is a symbolic link to a folder outside
 * the repository got its Dockerfile and .dockerignore written there.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectStack } from '../../lib/detect/stack.js';
import { checkModel } from '../../lib/model/validate.js';
import { taskboard } from '../helpers/models.js';
import { runGenerator } from '../helpers/run.js';
import { TWO_SERVICES, writeTree } from '../helpers/tree.js';

const strict = { throwOnMissingAnswer: true } as const;

/** A folder outside the repository, holding a service's code, and the repository with a symbolic link to it. */
function setup(): { outside: string } {
  const outside = mkdtempSync(join(tmpdir(), 'outside-'));
  writeTree(outside, { 'package.json': TWO_SERVICES['web/package.json']!.replace('"web"', '"evil"'), 'server.js': TWO_SERVICES['web/server.js']! });
  return { outside };
}

describe('the repository is a boundary (issue 10)', () => {
  it('detection does not follow a service folder that is a symbolic link to outside the repository, and says so', () => {
    const { outside } = setup();
    const root = mkdtempSync(join(tmpdir(), 'boundary-'));
    writeTree(root, TWO_SERVICES);
    symlinkSync(outside, join(root, 'evil'));
    const d = detectStack(root);
    assert.deepEqual(Object.keys(d.services).sort(), ['api', 'web']);
    assert.ok(d.warnings.some((w) => /^evil: not searched: a symbolic link that leads outside the repository/.test(w)), d.warnings.join('\n'));
  });

  it('the model validator refuses a service path that leads outside through a symbolic link', () => {
    const { outside } = setup();
    const root = mkdtempSync(join(tmpdir(), 'boundary-'));
    for (const d of ['web', 'api', 'stats']) mkdirSync(join(root, d));
    symlinkSync(outside, join(root, 'worker'));
    const problems = checkModel(structuredClone(taskboard), root);
    assert.ok(problems.some((p) => /^services\.worker\.path: "worker" leads outside the repository \(a symbolic link to .*outside-/.test(p)), problems.join('\n'));
  });

  it('a run given such a service (--set) fails before writing: nothing outside, nothing inside', async () => {
    const { outside } = setup();
    let dir = '';
    await assert.rejects(
      runGenerator('app')
        .inTmpDir((d) => {
          dir = d;
          writeTree(d, TWO_SERVICES);
          symlinkSync(outside, join(d, 'evil'));
        })
        .withOptions({ yes: true, set: ['evil.path=evil', 'evil.language=node', 'evil.languageVersion=22', 'evil.framework=null', 'evil.packageManager=npm', 'evil.lockfile=null', 'evil.port=4000', 'evil.start=node server.js', 'evil.build=null', 'evil.healthPath=null', 'evil.public=false', 'evil.dependsOn=', 'evil.entry=null', 'evil.outputDir=null', 'evil.dockerfile=null'] })
        .withAnswers({}, strict),
      /services\.evil\.path: "evil" leads outside the repository/,
    );
    assert.deepEqual(readdirSync(outside).sort(), ['package.json', 'server.js'], 'nothing written outside');
    assert.equal(existsSync(join(dir, '.yo-rc.json')), false, 'nothing written inside');
  });

  it('an output folder that is a symbolic link to outside (deploy/) fails the run before anything is written', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    let dir = '';
    await assert.rejects(
      runGenerator('app')
        .inTmpDir((d) => {
          dir = d;
          writeTree(d, TWO_SERVICES);
          symlinkSync(outside, join(d, 'deploy'));
        })
        .withOptions({ yes: true })
        .withAnswers({}, strict),
      /Nothing was written: these files would land outside the repository:\n {2}- deploy\/kubernetes\/README\.md: "deploy\/kubernetes\/README\.md" leads outside the repository/,
    );
    assert.deepEqual(readdirSync(outside), [], 'nothing written outside');
    assert.equal(existsSync(join(dir, 'compose.yaml')), false, 'nothing written inside either');
  });
});
