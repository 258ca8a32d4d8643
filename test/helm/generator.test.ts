/**
 * `yo containerize:helm` on a stored model: the stage writes the chart
 * through the generator API, and a re-run changes no byte.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_KEY } from '../../lib/model/types.js';
import { files } from '../../generators/helm/files.js';
import { snapshotTree } from '../helpers/tree.js';
import { runGenerator } from '../helpers/run.js';
import { SHOP as SHOP_MODEL } from '../helpers/k8s-models.js';

/** The chart is written when Helm is the deployment tool. */
const SHOP = { ...SHOP_MODEL, delivery: { deployTool: 'helm' as const } };

describe('helm generator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'containerize-helm-'));
  before(() => {
    for (const svc of Object.values(SHOP.services)) mkdirSync(join(dir, svc.path), { recursive: true });
    writeFileSync(join(dir, '.yo-rc.json'), `${JSON.stringify({ [CONFIG_KEY]: SHOP }, null, 2)}\n`);
  });

  it('writes exactly the chart files(model) renders', async () => {
    await runGenerator('helm').cd(dir).withOptions({ yes: true } as Record<string, unknown>);
    const tree = snapshotTree(dir);
    for (const f of files(SHOP)) assert.equal(tree[f.path], f.content, f.path);
    const written = Object.keys(tree).filter((p) => p.startsWith('deploy/helm/'));
    assert.deepEqual(written.sort(), files(SHOP).map((f) => f.path).sort());
  });

  it('with another deployment tool, the stage writes no chart', async () => {
    const other = mkdtempSync(join(tmpdir(), 'containerize-helm-'));
    for (const svc of Object.values(SHOP.services)) mkdirSync(join(other, svc.path), { recursive: true });
    writeFileSync(join(other, '.yo-rc.json'), `${JSON.stringify({ [CONFIG_KEY]: { ...SHOP, delivery: { deployTool: 'kustomize' } } }, null, 2)}\n`);
    await runGenerator('helm').cd(other).withOptions({ yes: true } as Record<string, unknown>);
    assert.deepEqual(Object.keys(snapshotTree(other)).filter((p) => p.startsWith('deploy/')), []);
    assert.deepEqual(files({ ...SHOP, delivery: { deployTool: 'manifests' } }), []);
  });

  it('a re-run changes no byte', async () => {
    const before = snapshotTree(dir);
    await runGenerator('helm').cd(dir).withOptions({ yes: true } as Record<string, unknown>);
    assert.deepEqual(snapshotTree(dir), before);
  });
});
