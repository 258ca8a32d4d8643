/**
 * Golden trees: rendered files compared byte for byte with test/golden/<name>/. After an
 * intended change, rewrite them with UPDATE_GOLDEN=1 and review the diff.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT, snapshotTree } from './tree.js';

/** Declares the golden tests of `rendered` (path → content) inside the current describe. */
export function goldenTree(name: string, rendered: Record<string, string>): void {
  const golden = join(REPO_ROOT, 'test', 'golden', name);

  before(() => {
    if (process.env.UPDATE_GOLDEN !== '1') return;
    rmSync(golden, { recursive: true, force: true });
    for (const [path, content] of Object.entries(rendered)) {
      mkdirSync(dirname(join(golden, path)), { recursive: true });
      writeFileSync(join(golden, path), content);
    }
  });

  it('has a golden copy of exactly the rendered files', () => {
    assert.ok(existsSync(golden), `${golden} is missing: run with UPDATE_GOLDEN=1`);
    assert.deepEqual(Object.keys(snapshotTree(golden)).sort(), Object.keys(rendered).sort());
  });

  for (const path of Object.keys(rendered).sort()) {
    it(`${path} matches byte for byte`, () => {
      assert.equal(rendered[path], snapshotTree(golden)[path], `${path} differs from the golden copy (UPDATE_GOLDEN=1 to accept)`);
    });
  }
}
