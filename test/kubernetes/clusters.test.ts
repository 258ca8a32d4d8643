/**
 * Production in several clusters (model.clusters): per-cluster renders differ from production
 * only where they should, for every deployment tool.
 *   - kustomize: `kubectl kustomize overlays/production-<cluster>` passes the strict schemas
 *     and rules, and differs from overlays/production only by the cluster and region labels,
 *     the StorageClass of in-cluster volumes, the public hosts and the IngressClass, each
 *     exactly as the cluster's record says (a cluster with no record differs by labels only);
 *   - the plain manifests' production-<cluster>/ folder holds kustomize's objects;
 *   - the chart with values-production.yaml and values-production-<cluster>.yaml: helm lint
 *     --strict, strict schemas, and the same differences from production alone;
 *   - deploy scripts, CD and Argo CD: a target, a matrix entry and an Application per cluster.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { files as cdFiles } from '../../generators/cd/files.js';
import { chartFiles } from '../../generators/helm/files.js';
import { files as kubernetesFiles } from '../../generators/kubernetes/files.js';
import { checkModel } from '../../lib/model/validate.js';
import type { DeliveryModel, StackModel } from '../../lib/model/types.js';
import { helmAvailable, helmLint, parseManifests, renderChart } from '../../lib/validate/helm.js';
import { checkRules, validateManifests, type K8sObject } from '../../lib/validate/k8s.js';
import { K8S_MODELS } from '../helpers/k8s-models.js';
import { SAMPLE_MODELS } from '../helpers/models.js';
import { itKubectl, kustomize, ruleOptions, writeFiles } from './kustomize.js';

const clusters = (app: string) => ({ eu: { region: 'europe-west1', storageClass: 'premium-rwo', domain: `eu.${app}.example.com`, ingressClass: 'nginx-eu' }, us: {} });
/** The shop with two public services, Redis in the cluster in production (Postgres outside), in two clusters. */
const BASE: StackModel = {
  ...K8S_MODELS.shop!,
  services: { ...K8S_MODELS.shop!.services, api: { ...K8S_MODELS.shop!.services.api!, public: true } },
  clusters: clusters('shop'),
};
/** The example (one public service, Redis in the cluster), in the same two clusters. */
const EXAMPLE: StackModel = { ...SAMPLE_MODELS.taskboard!, clusters: clusters('taskboard') };
const withDelivery = (d: DeliveryModel, base = BASE): StackModel => ({ ...base, delivery: d });

let scratch = '';
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'containerize-clusters-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Every leaf that differs between two trees, as a JSON pointer (an added or removed key too). */
function leafDiffs(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => leafDiffs((a as any)[k], (b as any)[k], `${path}/${k}`));
  }
  return [path];
}

const key = (d: K8sObject) => `${d.kind}/${d.metadata?.name}`;
const CLUSTER_LABELS = /\/labels\/generator-containerize\/(cluster|region)$/;
const HOSTS = /\/(host|hosts\/\d+|hostnames\/\d+|match|dnsNames\/\d+)$/;

/**
 * How a cluster's objects differ from production's, by object: the paths, less the cluster
 * labels (checked to be on every object).
 */
function differences(production: K8sObject[], cluster: K8sObject[], name: string, region: string): Record<string, string[]> {
  assert.deepEqual(cluster.map(key).sort(), production.map(key).sort(), 'the same objects');
  const out: Record<string, string[]> = {};
  for (const c of cluster) {
    const p = production.find((x) => key(x) === key(c))!;
    assert.equal(c.metadata?.labels?.['generator-containerize/cluster'], name, `${key(c)}: the cluster label`);
    assert.equal(c.metadata?.labels?.['generator-containerize/region'], region, `${key(c)}: the region label`);
    const paths = leafDiffs(p, c).filter((x) => !CLUSTER_LABELS.test(x));
    if (paths.length) out[key(c)] = paths;
  }
  return out;
}

/** What the eu cluster must change, and nothing else: hosts under its domain, its IngressClass, Redis's StorageClass. */
function checkEu(app: string, production: K8sObject[], eu: K8sObject[], ingress: string): void {
  const diff = differences(production, eu, 'eu', 'europe-west1');
  const redis = eu.find((d) => d.kind === 'StatefulSet' && d.metadata?.name === `${app}-redis`) as any;
  assert.equal(redis.spec.volumeClaimTemplates[0].spec.storageClassName, 'premium-rwo');
  assert.deepEqual(diff[`StatefulSet/${app}-redis`], ['/spec/volumeClaimTemplates/0/spec/storageClassName']);
  for (const [k, paths] of Object.entries(diff)) {
    if (k === `StatefulSet/${app}-redis`) continue;
    assert.ok(/^(Ingress|IngressRoute|HTTPRoute|Certificate)\//.test(k), `${k} differs: ${paths.join(', ')}`);
    for (const p of paths) assert.ok(HOSTS.test(p) || p.endsWith('/ingressClassName'), `${k}: ${p} differs`);
  }
  const text = JSON.stringify(eu.filter((d) => /Ingress|Route|Certificate/.test(d.kind!)));
  assert.ok(!text.includes(`"web.${app}.example.com"`) && text.includes(`web.eu.${app}.example.com`), `the hosts are under eu.${app}.example.com`);
  if (ingress === 'nginx') for (const i of eu.filter((d) => d.kind === 'Ingress') as any[]) assert.equal(i.spec.ingressClassName, 'nginx-eu');
}

describe('production in several clusters', () => {
  for (const [app, base, ingress] of [['shop', BASE, 'nginx'], ['shop', BASE, 'traefik'], ['taskboard', EXAMPLE, 'nginx'], ['taskboard', EXAMPLE, 'gateway-api']] as const) {
    const model = withDelivery({ ingress, tls: 'cert-manager' }, base);
    itKubectl(`${app}, ${ingress}: kustomize overlays/production-<cluster> differ from production only where the cluster says; the manifests tool writes the same`, () => {
      assert.deepEqual(checkModel(model, '/nonexistent').filter((p) => p.startsWith('clusters')), []);
      const dir = join(scratch, `kustomize-${app}-${ingress}`);
      writeFiles(dir, kubernetesFiles(model));
      const production = kustomize(join(dir, 'deploy/kubernetes/overlays/production'));
      const eu = kustomize(join(dir, 'deploy/kubernetes/overlays/production-eu'));
      const us = kustomize(join(dir, 'deploy/kubernetes/overlays/production-us'));
      for (const docs of [eu, us]) {
        assert.deepEqual(validateManifests(docs), []);
        assert.deepEqual(checkRules(docs, ruleOptions(model)), []);
      }
      checkEu(app, production, eu, ingress);
      assert.deepEqual(differences(production, us, 'us', 'us'), {}, 'a cluster without a record differs by its labels only');

      // The plain manifests: production-<cluster>/ holds the same objects as the overlay.
      const plain = kubernetesFiles({ ...model, delivery: { ...model.delivery, deployTool: 'manifests' } });
      for (const [name, docs] of [['production-eu', eu], ['production-us', us]] as const) {
        const written = plain.filter((f) => f.path.startsWith(`deploy/kubernetes/${name}/`)).flatMap((f) => parseManifests(f.content) as K8sObject[]);
        const strip = (xs: K8sObject[]) =>
          xs
            .map((d) => {
              const o = structuredClone(d) as any;
              delete o.metadata.namespace;
              for (const l of [o.metadata.labels, o.spec?.template?.metadata?.labels]) if (l) delete l['app.kubernetes.io/managed-by'];
              if (o.kind === 'ConfigMap') o.metadata.name = o.metadata.name.replace(/-[a-z0-9]{10}$/, '');
              for (const c of o.spec?.template?.spec?.containers ?? []) for (const f of c.envFrom ?? []) if (f.configMapRef) f.configMapRef.name = f.configMapRef.name.replace(/-[a-z0-9]{10}$/, '');
              return o;
            })
            .sort((a, b) => key(a).localeCompare(key(b)));
        assert.deepEqual(strip(written), strip(docs), `${name}: the manifests tool`);
      }
    });

    it(`${app}, ${ingress}: the chart with values-production-<cluster>.yaml lints, validates and differs from production only where the cluster says`, function () {
      if (!helmAvailable()) this.skip();
      const dir = join(scratch, `helm-${app}-${ingress}`);
      writeFiles(dir, chartFiles(model));
      const chart = join(dir, 'deploy/helm', app);
      const render = (files: string[]) => renderChart(chart, { release: app, valuesFiles: files, skipTests: true }) as K8sObject[];
      const production = render(['values-production.yaml']);
      for (const c of ['eu', 'us']) {
        const lint = helmLint(chart, { valuesFiles: ['values-production.yaml', `values-production-${c}.yaml`] });
        assert.ok(lint.ok, `${lint.stdout}${lint.stderr}`);
      }
      const eu = render(['values-production.yaml', 'values-production-eu.yaml']);
      const us = render(['values-production.yaml', 'values-production-us.yaml']);
      for (const docs of [eu, us]) {
        assert.deepEqual(validateManifests(docs), []);
        assert.deepEqual(checkRules(docs, ruleOptions(model)), []);
      }
      // The chart puts commonLabels on pod templates too: they differ by those labels there as well.
      const podLabels = (docs: K8sObject[]) =>
        docs.map((d) => {
          const o = structuredClone(d) as any;
          for (const l of [o.spec?.template?.metadata?.labels, ...((o.spec?.volumeClaimTemplates ?? []).map((v: any) => v.metadata?.labels))]) if (l) {
            delete l['generator-containerize/cluster'];
            delete l['generator-containerize/region'];
          }
          return o;
        });
      checkEu(app, podLabels(production), podLabels(eu), ingress);
      assert.deepEqual(differences(podLabels(production), podLabels(us), 'us', 'us'), {});
    });
  }

  it('deploy scripts, CD and Argo CD: a target, a matrix entry and an Application per cluster', () => {
    for (const tool of ['kustomize', 'helm', 'manifests'] as const) {
      const model = withDelivery({ deployTool: tool, gitops: 'argocd', repoUrl: 'https://github.com/acme/shop.git' });
      const out = [...kubernetesFiles(model), ...chartFiles(model), ...cdFiles(model)];
      const text = (path: string) => out.find((f) => f.path === path)!.content;
      const deploy = text('deploy/scripts/deploy.sh');
      assert.match(deploy, /^ {2}production-eu\)$/m, `${tool}: deploy.sh production-eu`);
      assert.match(deploy, /production\) die 'production runs in several clusters/, `${tool}: deploy.sh production says which`);
      const cd = parse(text('.github/workflows/cd.yml'));
      assert.deepEqual(cd.jobs.production.strategy.matrix.cluster, ['production-eu', 'production-us']);
      assert.equal(cd.jobs.production.strategy['max-parallel'], 1);
      assert.equal(cd.jobs.production.environment.name, '${{ matrix.cluster }}');
      assert.match(text('ci/deploy.sh'), /^ {2}production-eu\) namespace=shop overlay=production-eu /m);
      const apps = out.filter((f) => f.path.startsWith('deploy/argocd/')).map((f) => f.path);
      assert.deepEqual(apps, ['deploy/argocd/production-eu.yaml', 'deploy/argocd/production-us.yaml', 'deploy/argocd/staging.yaml']);
      const eu = parse(text('deploy/argocd/production-eu.yaml'));
      assert.deepEqual(validateManifests([eu]), []);
      assert.deepEqual(eu.spec.destination, { name: 'eu', namespace: 'shop' });
      if (tool === 'helm') assert.deepEqual(eu.spec.source.helm.valueFiles, ['values-production.yaml', 'values-production-eu.yaml']);
      else assert.equal(eu.spec.source.path, tool === 'kustomize' ? 'deploy/kubernetes/overlays/production-eu' : 'deploy/kubernetes/production-eu');
      assert.ok(out.some((f) => f.path.startsWith(`${eu.spec.source.path}/`)), 'the source path is generated');
    }
  });

  it('the model refuses what cannot work, naming the field', () => {
    const problems = (m: StackModel) => checkModel(m, '/nonexistent').filter((p) => p.startsWith('clusters')).join('\n');
    assert.match(problems({ ...BASE, clusters: { EU: {} } }), /clusters\.EU: "EU" is not a cluster name/);
    assert.match(problems({ ...BASE, clusters: { eu: { zone: 'a' } as never } }), /clusters\.eu\.zone: is not a cluster field/);
    assert.match(problems({ ...BASE, clusters: { eu: { storageClass: 'Fast SSD' } } }), /clusters\.eu\.storageClass/);
    assert.match(problems({ ...BASE, clusters: { eu: { region: 'eu west' } } }), /clusters\.eu\.region: "eu west" is not a region/);
    assert.match(problems({ ...BASE, delivery: { blueGreen: true } }), /clusters: are set with delivery\.blueGreen/);
    assert.equal(problems(BASE), '');
  });
});
