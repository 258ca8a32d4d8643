/**
 * `containerize docs` in a repository: the pages land in docs/, re-runs keep them true and
 * change no byte, and a page the user wrote is never replaced (ours go beside it).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TWO_SERVICES, snapshotTree, writeTree } from '../helpers/tree.js';
import { runGenerator } from '../helpers/run.js';

const strict = { throwOnMissingAnswer: true } as const;
const scratch = (extra: Record<string, string> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'containerize-docs-'));
  writeTree(dir, { ...TWO_SERVICES, ...extra });
  return dir;
};

describe('docs generator', () => {
  it('writes docs/onboarding.md, architecture.md and operations.md; a re-run changes no byte', async () => {
    const dir = scratch();
    await runGenerator('docs').cd(dir).withOptions({ yes: true }).withAnswers({}, strict);
    const tree = snapshotTree(dir);
    for (const p of ['docs/onboarding.md', 'docs/architecture.md', 'docs/operations.md']) assert.ok(p in tree, p);
    await runGenerator('docs').cd(dir).withAnswers({}, strict);
    assert.deepEqual(snapshotTree(dir), tree);
  });

  it('follows the model: a new public port shows in the guide on the next run', async () => {
    const dir = scratch();
    await runGenerator('docs').cd(dir).withOptions({ yes: true }).withAnswers({}, strict);
    await runGenerator('docs').cd(dir).withOptions({ yes: true, force: true, set: ['web.port=4000'] }).withAnswers({}, strict);
    const guide = readFileSync(join(dir, 'docs/onboarding.md'), 'utf8');
    assert.match(guide, /http:\/\/127\.0\.0\.1:4000/);
    assert.doesNotMatch(guide, /127\.0\.0\.1:3000/);
  });

  it("never replaces the user's own page: all three go to docs/containerize/ beside it", async () => {
    const mine = '# Our onboarding\n\nAsk Sam for access.\n';
    const dir = scratch({ 'docs/onboarding.md': mine });
    await runGenerator('docs').cd(dir).withOptions({ yes: true }).withAnswers({}, strict);
    const tree = snapshotTree(dir);
    assert.equal(tree['docs/onboarding.md'], mine);
    for (const p of ['onboarding.md', 'architecture.md', 'operations.md']) {
      assert.ok(`docs/containerize/${p}` in tree, p);
      assert.ok(!(`docs/${p}` in tree) || p === 'onboarding.md', `docs/${p} not written`);
    }
    // and it stays there on a re-run, with no change
    await runGenerator('docs').cd(dir).withAnswers({}, strict);
    assert.deepEqual(snapshotTree(dir), tree);
  });

  it('fails clearly, writing nothing, when both places hold pages of the user', async () => {
    const dir = scratch({ 'docs/operations.md': '# ops\n', 'docs/containerize/operations.md': '# also ours\n' });
    await assert.rejects(runGenerator('docs').cd(dir).withOptions({ yes: true }).withAnswers({}, strict), /nowhere to write: .*docs\/containerize\/operations\.md/);
  });
});
