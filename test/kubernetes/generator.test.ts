/**
 * `yo containerize:kubernetes` on a stored model: the stage writes exactly
 * the files files(model) renders through the generator API, and a re-run
 * changes no byte.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_KEY } from '../../lib/model/types.js';
import { files } from '../../generators/kubernetes/files.js';
import { snapshotTree } from '../helpers/tree.js';
import { runGenerator } from '../helpers/run.js';
import { SHOP } from '../helpers/k8s-models.js';

describe('kubernetes generator', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'containerize-kubernetes-'));
    for (const svc of Object.values(SHOP.services)) mkdirSync(join(dir, svc.path), { recursive: true });
    writeFileSync(join(dir, '.yo-rc.json'), `${JSON.stringify({ [CONFIG_KEY]: SHOP }, null, 2)}\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes exactly the files files(model) renders', async () => {
    await runGenerator('kubernetes').cd(dir).withOptions({ yes: true } as Record<string, unknown>);
    const tree = snapshotTree(dir);
    for (const f of files(SHOP)) assert.equal(tree[f.path], f.content, f.path);
    const written = Object.keys(tree).filter((p) => p.startsWith('deploy/'));
    assert.deepEqual(written.sort(), files(SHOP).map((f) => f.path).sort());
  });

  it('a re-run changes no byte', async () => {
    const before = snapshotTree(dir);
    await runGenerator('kubernetes').cd(dir).withOptions({ yes: true } as Record<string, unknown>);
    assert.deepEqual(snapshotTree(dir), before);
  });

  it('the ingress flags are stored in the model and rendered: Traefik, paths, sticky, cert-manager, a domain', async () => {
    await runGenerator('kubernetes')
      .cd(dir)
      .withOptions({ yes: true, ingress: 'traefik', routing: 'paths', sticky: true, tls: 'cert-manager', clusterIssuer: 'acme-prod', domain: 'shop.acme.dev' } as Record<string, unknown>);
    const tree = snapshotTree(dir);
    const stored = JSON.parse(tree['.yo-rc.json']!)[CONFIG_KEY];
    assert.deepEqual(stored.delivery, { clusterIssuer: 'acme-prod', domain: 'shop.acme.dev', ingress: 'traefik', routing: 'paths', sticky: true, tls: 'cert-manager' });
    const routes = tree['deploy/kubernetes/overlays/production/ingress.yaml']!;
    assert.match(routes, /kind: IngressRoute/);
    assert.match(routes, /match: Host\(`shop\.acme\.dev`\)/);
    assert.match(routes, /name: shop-affinity/);
    assert.match(routes, /kind: Certificate[\s\S]*name: acme-prod/);
  });

  it('--clusters adds production clusters; --set sets their fields; each gets its overlay', async () => {
    await runGenerator('kubernetes')
      .cd(dir)
      .withOptions({ yes: true, clusters: 'eu, us', set: ['clusters.eu.region=europe-west1', 'clusters.eu.storageClass=premium-rwo'] } as Record<string, unknown>);
    const tree = snapshotTree(dir);
    assert.deepEqual(JSON.parse(tree['.yo-rc.json']!)[CONFIG_KEY].clusters, { eu: { region: 'europe-west1', storageClass: 'premium-rwo' }, us: {} });
    assert.match(tree['deploy/kubernetes/overlays/production-eu/kustomization.yaml']!, /storageClassName\n\s+value: premium-rwo/);
    assert.match(tree['deploy/kubernetes/overlays/production-us/kustomization.yaml']!, /generator-containerize\/region: us/);
    await runGenerator('kubernetes').cd(dir).withOptions({ yes: true, set: ['clusters.us=null'] } as Record<string, unknown>);
    const after = snapshotTree(dir);
    assert.deepEqual(Object.keys(JSON.parse(after['.yo-rc.json']!)[CONFIG_KEY].clusters), ['eu']);
    assert.equal(after['deploy/kubernetes/overlays/production-us/kustomization.yaml'], undefined, 'the removed cluster\'s overlay is removed');
  });

  it('a bad ingress flag is refused naming the field, and nothing is written', async () => {
    const before = snapshotTree(dir);
    await assert.rejects(runGenerator('kubernetes').cd(dir).withOptions({ yes: true, gateway: 'no-namespace' } as Record<string, unknown>), /delivery\.gateway/);
    assert.deepEqual(snapshotTree(dir), before);
  });
});
