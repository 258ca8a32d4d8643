/**
 * Stateful services per environment (backing.<name>.staging|production): in the cluster
 * (StatefulSet + headless Service), or outside it as an ExternalName Service (a DNS name)
 * or a selector-less ClusterIP Service with an explicit EndpointSlice (an IP address).
 * For every deployment tool and environment, rendered by the real tools:
 *   - the strict schemas (EndpointSlice included) and the rules (a selector-less Service
 *     needs an EndpointSlice naming it, with its port names and an address);
 *   - semantic: every host the code uses for a backing service (the values of its env,
 *     URLs parsed) is the name of a Service of the right kind, and no StatefulSet runs for
 *     a service placed outside;
 *   - the clients' egress to an IP placement is that address alone;
 *   - the defaults: staging in the cluster, production's databases outside by name.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartFiles } from '../../generators/helm/files.js';
import { files as kubernetesFiles } from '../../generators/kubernetes/files.js';
import { ENVIRONMENTS } from '../../generators/kubernetes/plan.js';
import { checkModel } from '../../lib/model/validate.js';
import type { BackingModel, StackModel } from '../../lib/model/types.js';
import { helmAvailable, helmLint, renderChart } from '../../lib/validate/helm.js';
import { checkRules, validateManifests, type K8sObject } from '../../lib/validate/k8s.js';
import { SHOP } from '../helpers/k8s-models.js';
import { SAMPLE_MODELS } from '../helpers/models.js';
import { itKubectl, kustomize, ruleOptions, writeFiles } from './kustomize.js';
import { parseDocs } from '../../generators/kubernetes/manifests.js';

let scratch = '';
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'containerize-placement-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

const withBacking = (m: StackModel, over: Record<string, Partial<BackingModel>>): StackModel => ({
  ...m,
  backing: Object.fromEntries(Object.entries(m.backing).map(([n, b]) => [n, { ...b, ...over[n] }])),
});

/** Variants of the shop (redis and a postgres named db), each a placement per environment. */
const VARIANTS: Record<string, { model: StackModel; expect: Record<(typeof ENVIRONMENTS)[number], Record<string, string>> }> = {
  defaults: {
    model: SHOP,
    expect: { staging: { db: 'cluster', redis: 'cluster' }, production: { db: 'external-name:db.shop.example.com', redis: 'cluster' } },
  },
  'db by IP in production, redis by name in staging': {
    model: withBacking(SHOP, { db: { production: 'external-ip', externalIp: '10.20.30.40' }, redis: { staging: 'external-name', externalHost: 'cache.internal.example.com' } }),
    expect: { staging: { db: 'cluster', redis: 'external-name:cache.internal.example.com' }, production: { db: 'external-ip:10.20.30.40', redis: 'cluster' } },
  },
  'both by IP everywhere (IPv6 for redis)': {
    model: withBacking(SHOP, {
      db: { staging: 'external-ip', production: 'external-ip', externalIp: '192.0.2.7' },
      redis: { staging: 'external-ip', production: 'external-ip', externalIp: '2001:db8::6379' },
    }),
    expect: { staging: { db: 'external-ip:192.0.2.7', redis: 'external-ip:2001:db8::6379' }, production: { db: 'external-ip:192.0.2.7', redis: 'external-ip:2001:db8::6379' } },
  },
  'the example, redis by IP in production': {
    model: withBacking(SAMPLE_MODELS.taskboard!, { redis: { production: 'external-ip', externalIp: '10.0.0.9' } }),
    expect: { staging: { redis: 'cluster' }, production: { redis: 'external-ip:10.0.0.9' } },
  },
};

/** The hosts the code reaches: every env value of the app's containers (literal or from a ConfigMap), URLs parsed. */
function hostsUsed(docs: K8sObject[], backing: string[]): Set<string> {
  const values: string[] = [];
  for (const d of docs as any[]) {
    if (d.kind === 'ConfigMap') values.push(...Object.values((d.data ?? {}) as Record<string, string>));
    if (d.kind === 'Deployment') for (const c of d.spec.template.spec.containers) for (const e of c.env ?? []) if (typeof e.value === 'string') values.push(e.value);
  }
  const hosts = new Set<string>();
  for (const v of values) {
    if (backing.includes(v)) hosts.add(v);
    const url = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(v) ? new URL(v.replace(/\$\([A-Z0-9_]+\)/g, 'x')) : null;
    if (url && url.hostname) hosts.add(url.hostname);
    else if (/^[a-z0-9-]+:\d+$/.test(v)) hosts.add(v.split(':')[0]!);
  }
  return hosts;
}

function checkPlacements(model: StackModel, docs: K8sObject[], expected: Record<string, string>): void {
  assert.deepEqual(validateManifests(docs), []);
  assert.deepEqual(checkRules(docs, ruleOptions(model)), []);
  const backing = Object.keys(model.backing);
  const used = hostsUsed(docs, backing);
  for (const [name, want] of Object.entries(expected)) {
    assert.ok(used.has(name), `the code reaches ${name} by that name (${[...used].join(', ')})`);
    const svc = docs.find((d) => d.kind === 'Service' && d.metadata?.name === name) as any;
    assert.ok(svc, `a Service named ${name}, the host the code uses`);
    const sts = docs.some((d) => d.kind === 'StatefulSet' && d.metadata?.labels?.['app.kubernetes.io/component'] === name);
    const [placement, address] = [want.split(':')[0]!, want.slice(want.indexOf(':') + 1)];
    if (placement === 'cluster') {
      assert.equal(svc.spec.clusterIP, 'None');
      assert.ok(svc.spec.selector && sts, `${name} runs in the cluster`);
      continue;
    }
    assert.ok(!sts, `no StatefulSet for ${name}, placed outside`);
    const port = svc.spec.ports[0].port;
    const peers = docs
      .filter((d) => d.kind === 'NetworkPolicy')
      .flatMap((p: any) => (p.spec.egress ?? []).filter((r: any) => (r.ports ?? []).some((x: any) => x.port === port)).flatMap((r: any) => r.to ?? []));
    if (placement === 'external-name') {
      assert.equal(svc.spec.type, 'ExternalName');
      assert.equal(svc.spec.externalName, address);
      assert.ok(!docs.some((d) => d.kind === 'EndpointSlice' && d.metadata?.labels?.['kubernetes.io/service-name'] === name));
    } else {
      assert.equal(svc.spec.type, 'ClusterIP');
      assert.equal(svc.spec.selector, undefined, 'no selector: the EndpointSlice gives the address');
      assert.equal(svc.spec.clusterIP, undefined);
      const slices = docs.filter((d) => d.kind === 'EndpointSlice' && d.metadata?.labels?.['kubernetes.io/service-name'] === name) as any[];
      assert.equal(slices.length, 1);
      assert.deepEqual(slices[0].endpoints, [{ addresses: [address] }]);
      assert.equal(slices[0].addressType, address.includes(':') ? 'IPv6' : 'IPv4');
      assert.deepEqual(slices[0].ports.map((p: any) => [p.name, p.port]), svc.spec.ports.map((p: any) => [p.name, p.port]));
      assert.notEqual(slices[0].metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io', 'not the controller\'s: it would take it over');
      const cidr = `${address}/${address.includes(':') ? 128 : 32}`;
      assert.ok(peers.length && peers.every((p: any) => p.ipBlock?.cidr === cidr), `the clients may reach ${cidr} alone: ${JSON.stringify(peers)}`);
    }
  }
}

describe('stateful services per environment: in the cluster, or outside by name or by IP', () => {
  for (const [key, { model, expect }] of Object.entries(VARIANTS)) {
    for (const env of ENVIRONMENTS) {
      itKubectl(`${key}, ${env}: kustomize (kubectl kustomize overlays/${env})`, () => {
        const dir = join(scratch, `k-${key.replace(/\W+/g, '-')}-${env}`);
        writeFiles(dir, kubernetesFiles(model));
        checkPlacements(model, kustomize(join(dir, 'deploy/kubernetes/overlays', env)), expect[env]);
      });
      it(`${key}, ${env}: plain manifests`, () => {
        const m = { ...model, delivery: { deployTool: 'manifests' as const } };
        const docs = kubernetesFiles(m)
          .filter((f) => f.path.startsWith(`deploy/kubernetes/${env}/`))
          .flatMap((f) => parseDocs(f.content)) as K8sObject[];
        checkPlacements(model, docs, expect[env]);
      });
      (helmAvailable() ? it : it.skip)(`${key}, ${env}: helm lint --strict and helm template -f values-${env}.yaml`, () => {
        const dir = join(scratch, `h-${key.replace(/\W+/g, '-')}-${env}`);
        writeFiles(dir, chartFiles(model));
        const chart = join(dir, 'deploy/helm', model.name);
        const lint = helmLint(chart, { valuesFiles: [`values-${env}.yaml`] });
        assert.ok(lint.ok, lint.stdout + lint.stderr);
        checkPlacements(model, renderChart(chart, { valuesFiles: [`values-${env}.yaml`], skipTests: true }) as K8sObject[], expect[env]);
      });
    }
  }

  it('the model refuses an unknown placement, a bad address, and an IP placement without an address', () => {
    const problems = (over: Partial<BackingModel>) => checkModel(withBacking(SHOP, { db: over }), '/nonexistent').filter((p) => p.startsWith('backing.db')).join('\n');
    assert.match(problems({ production: 'outside' as never }), /backing\.db\.production: "outside" is not one of them; expected one of cluster, external-name, external-ip/);
    assert.match(problems({ production: 'external-ip' }), /backing\.db\.externalIp: is missing, but production places it outside the cluster by IP address/);
    assert.match(problems({ externalIp: '10.0.0.300' }), /backing\.db\.externalIp: "10\.0\.0\.300" is not an IP address/);
    assert.match(problems({ externalHost: 'Not A Host' }), /backing\.db\.externalHost: "Not A Host" is not a DNS name/);
    assert.equal(problems({ staging: 'external-ip', externalIp: '2001:db8::1' }), '');
  });

  it('only the environments that place a service by IP get its external-ip component', () => {
    const paths = kubernetesFiles(VARIANTS['db by IP in production, redis by name in staging']!.model).map((f) => f.path);
    assert.ok(paths.includes('deploy/kubernetes/components/external-ip-db/endpointslice.yaml'));
    assert.ok(!paths.some((p) => p.includes('external-ip-redis')));
    assert.ok(!kubernetesFiles(SHOP).some((f) => f.path.includes('/external-ip-')), 'none by default');
  });
});
