/**
 * Golden files for the taskboard scenario: every file the compose and dev
 * stages render, compared byte for byte with test/golden/compose-taskboard/.
 * After an intended change, rewrite them with UPDATE_GOLDEN=1 and review the diff.
 * (The golden secrets/.gitignore is live in git: it ignores everything in that
 * folder except the three files it lists, which are exactly the golden ones.)
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { files as composeFiles } from '../../generators/compose/files.js';
import { files as devFiles } from '../../generators/dev/files.js';
import { REPO_ROOT, snapshotTree } from '../helpers/tree.js';
import { taskboard } from '../helpers/models.js';

const GOLDEN = join(REPO_ROOT, 'test', 'golden', 'compose-taskboard');

describe('golden: compose-taskboard', () => {
  const rendered = Object.fromEntries([...composeFiles(taskboard), ...devFiles(taskboard)].map((f) => [f.path, f.content]));

  before(() => {
    if (process.env.UPDATE_GOLDEN !== '1') return;
    rmSync(GOLDEN, { recursive: true, force: true });
    for (const [path, content] of Object.entries(rendered)) {
      mkdirSync(dirname(join(GOLDEN, path)), { recursive: true });
      writeFileSync(join(GOLDEN, path), content);
    }
  });

  it('has a golden copy of exactly the rendered files', () => {
    assert.ok(existsSync(GOLDEN), `${GOLDEN} is missing: run with UPDATE_GOLDEN=1`);
    assert.deepEqual(Object.keys(snapshotTree(GOLDEN)).sort(), Object.keys(rendered).sort());
  });

  for (const path of Object.keys(rendered).sort()) {
    it(`${path} matches byte for byte`, () => {
      const golden = snapshotTree(GOLDEN)[path];
      assert.equal(rendered[path], golden, `${path} differs from the golden copy (UPDATE_GOLDEN=1 to accept)`);
    });
  }
});
