/**
 * `containerize dockerfile` as a user meets it (yeoman-test, strict answers):
 * a run writes a Dockerfile and .dockerignore per service, a Dockerfile the
 * user already has is kept (clearing `services.<name>.dockerfile` puts ours
 * beside it; `.yo-resolve` hands theirs over), and a re-run changes no byte.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED_MARKER } from '../../generators/dockerfile/files.js';
import { lintDockerfile } from '../../lib/validate/dockerfile.js';
import { runGenerator } from '../helpers/run.js';
import { TWO_SERVICES, snapshotTree, writeTree } from '../helpers/tree.js';

const strict = { throwOnMissingAnswer: true } as const;
/** Our generators' own options (--yes, --set...), which yeoman-test's option type does not know. */
const options = (o: Record<string, unknown>) => o as Record<string, never>;
const USER_DOCKERFILE = 'FROM node:22\nCOPY . .\nCMD ["node", "server.js"]\n';
const scratch = (extra: Record<string, string> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'containerize-dockerfile-'));
  writeTree(dir, { ...TWO_SERVICES, ...extra });
  return dir;
};
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const readRc = (dir: string) => JSON.parse(read(dir, '.yo-rc.json'))['generator-containerize'];

describe('dockerfile generator', () => {
  it('writes a linted Dockerfile and a .dockerignore for every service', async () => {
    const dir = scratch();
    await runGenerator('dockerfile').cd(dir).withOptions(options({ yes: true })).withAnswers({}, strict);
    const rc = readRc(dir);
    for (const name of ['api', 'web']) {
      const text = read(dir, `${name}/Dockerfile`);
      assert.ok(text.includes(GENERATED_MARKER));
      assert.deepEqual(lintDockerfile(text, { port: rc.services[name].port, dependencies: true }), [], name);
      assert.match(read(dir, `${name}/.dockerignore`), /^\.git$/m);
    }
  });

  it('keeps a Dockerfile the user already has, and records it in the model', async () => {
    const dir = scratch({ 'web/Dockerfile': USER_DOCKERFILE });
    await runGenerator('dockerfile').cd(dir).withOptions(options({ yes: true })).withAnswers({}, strict);
    assert.equal(read(dir, 'web/Dockerfile'), USER_DOCKERFILE);
    assert.equal(readRc(dir).services.web.dockerfile, 'web/Dockerfile');
    assert.ok(read(dir, 'api/Dockerfile').includes(GENERATED_MARKER));
  });

  it('with --set web.dockerfile=null, writes ours beside the user\'s, which only .yo-resolve `force` hands over', async () => {
    const dir = scratch({ 'web/Dockerfile': USER_DOCKERFILE });
    await runGenerator('dockerfile').cd(dir).withOptions(options({ yes: true, force: true, set: ['web.dockerfile=null'] })).withAnswers({}, strict);
    assert.equal(readRc(dir).services.web.dockerfile, null);
    assert.equal(read(dir, 'web/Dockerfile'), USER_DOCKERFILE, 'not even --force overwrites a file the generator did not write');
    assert.ok(read(dir, 'web/Dockerfile.containerize').includes(GENERATED_MARKER));

    writeTree(dir, { '.yo-resolve': 'web/Dockerfile force\n' });
    await runGenerator('dockerfile').cd(dir).withOptions(options({ yes: true })).withAnswers({}, strict);
    assert.ok(read(dir, 'web/Dockerfile').includes(GENERATED_MARKER));
    assert.ok(!existsSync(join(dir, 'web/Dockerfile.containerize')), 'the copy beside it is gone once ours is in place');
  });

  it('changes no byte on a re-run', async () => {
    const dir = scratch();
    await runGenerator('dockerfile').cd(dir).withOptions(options({ yes: true }));
    const before = snapshotTree(dir);
    await runGenerator('dockerfile').cd(dir).withAnswers({}, strict);
    assert.deepEqual(snapshotTree(dir), before);
  });
});
