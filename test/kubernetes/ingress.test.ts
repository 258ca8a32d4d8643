/**
 * Ingress options (delivery.ingress, routing, rootService, domain, sticky, tls, clusterIssuer,
 * gateway), for kustomize, the plain manifests and the Helm chart:
 *   - every rendering passes the strict schemas (Ingress, Traefik's IngressRoute and
 *     Middleware, the Gateway API's HTTPRoute and ReferenceGrant, cert-manager's Certificate)
 *     and the rules (every route's backend is a Service with that port, pods restricted);
 *   - the chart, kustomize and the plain manifests render the same routing objects per environment;
 *   - a request is routed where the model says: each controller's routing is simulated from
 *     the rendered objects (host, longest path prefix, the prefix rewrite or strip), so
 *     `/<service>/health` reaches that service as `/health` and the root service gets the rest;
 *   - stickiness is set the chosen controller's way, and only when asked;
 *   - TLS: the Secret, cert-manager's annotation or Certificate, the Gateway's ReferenceGrant;
 *   - the NetworkPolicies let exactly the chosen controller reach the public services.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartFiles } from '../../generators/helm/files.js';
import { files as kubernetesFiles } from '../../generators/kubernetes/files.js';
import { checkModel } from '../../lib/model/validate.js';
import type { DeliveryModel, StackModel } from '../../lib/model/types.js';
import { helmAvailable, helmLint, parseManifests, renderChart } from '../../lib/validate/helm.js';
import { checkRules, validateManifests, type K8sObject } from '../../lib/validate/k8s.js';
import { K8S_MODELS } from '../helpers/k8s-models.js';
import { SAMPLE_MODELS } from '../helpers/models.js';
import { itKubectl, kustomize, ruleOptions, writeFiles } from './kustomize.js';

/** Two public services and a worker: web at `/` with routing paths, api under /api. */
const TWO_PUBLIC: StackModel = { ...K8S_MODELS.shop!, services: { ...K8S_MODELS.shop!.services, api: { ...K8S_MODELS.shop!.services.api!, public: true } } };
const MODELS: Record<string, StackModel> = { shop: TWO_PUBLIC, 'the example': SAMPLE_MODELS.taskboard!, polyglot: K8S_MODELS.polyglot! };

const OPTIONS: DeliveryModel[] = [];
for (const ingress of ['nginx', 'traefik', 'gateway-api'] as const)
  OPTIONS.push(
    { ingress },
    { ingress, routing: 'paths', sticky: true, tls: 'cert-manager', clusterIssuer: 'letsencrypt-prod', domain: 'shop.acme.dev' },
    { ingress, routing: 'paths', tls: 'none', gateway: 'infra/public' },
  );

const ROUTING_KINDS = ['Ingress', 'IngressRoute', 'Middleware', 'HTTPRoute', 'ReferenceGrant', 'Certificate'];

let scratch = '';
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'containerize-ingress-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

const publicPorts = (m: StackModel) =>
  Object.entries(m.services)
    .filter(([, s]) => s.public && s.port !== null)
    .map(([n, s]) => [n, s.port!] as const)
    .sort();

// ---- a small router per controller, reading the rendered objects --------------------------

interface Hit {
  service: string;
  port: number;
  /** The path the service receives. */
  path: string;
}

function routeNginx(docs: K8sObject[], host: string, path: string): Hit | null {
  let best: { len: number; hit: Hit } | null = null;
  for (const ing of docs.filter((d) => d.kind === 'Ingress') as any[]) {
    const a = ing.metadata.annotations ?? {};
    for (const rule of ing.spec.rules ?? []) {
      if (rule.host !== host) continue;
      for (const p of rule.http.paths) {
        let hit: Hit | null = null;
        let len = 0;
        if (a['nginx.ingress.kubernetes.io/use-regex'] === 'true') {
          const m = new RegExp(`^${p.path}`).exec(path);
          if (m) {
            len = p.path.length;
            const target: string = a['nginx.ingress.kubernetes.io/rewrite-target'] ?? path;
            hit = { service: p.backend.service.name, port: p.backend.service.port.number, path: target.replace(/\$(\d)/g, (_: string, i: string) => m[Number(i)] ?? '') };
          }
        } else if (p.pathType === 'Prefix' && (p.path === '/' || path === p.path || path.startsWith(`${p.path}/`))) {
          len = p.path.length;
          hit = { service: p.backend.service.name, port: p.backend.service.port.number, path };
        }
        if (hit && (!best || len > best.len)) best = { len, hit };
      }
    }
  }
  return best?.hit ?? null;
}

function routeTraefik(docs: K8sObject[], host: string, path: string): Hit | null {
  let best: { len: number; hit: Hit } | null = null;
  for (const r of docs.filter((d) => d.kind === 'IngressRoute') as any[])
    for (const route of r.spec.routes) {
      const h = /Host\(`([^`]+)`\)/.exec(route.match)?.[1];
      const prefix = /PathPrefix\(`([^`]+)`\)/.exec(route.match)?.[1];
      if (h !== host || (prefix && !(path === prefix || path.startsWith(`${prefix}/`)))) continue;
      let forwarded = path;
      for (const m of route.middlewares ?? []) {
        const mw = docs.find((d) => d.kind === 'Middleware' && d.metadata?.name === m.name) as any;
        for (const p of mw.spec.stripPrefix.prefixes) if (forwarded.startsWith(p)) forwarded = forwarded.slice(p.length) || '/';
      }
      // Traefik's default priority: the longer rule wins.
      const len = route.match.length;
      if (!best || len > best.len) best = { len, hit: { service: route.services[0].name, port: route.services[0].port, path: forwarded } };
    }
  return best?.hit ?? null;
}

function routeGateway(docs: K8sObject[], host: string, path: string): Hit | null {
  let best: { len: number; hit: Hit } | null = null;
  for (const r of docs.filter((d) => d.kind === 'HTTPRoute') as any[]) {
    if (!r.spec.hostnames.includes(host)) continue;
    for (const rule of r.spec.rules)
      for (const m of rule.matches) {
        const v: string = m.path.value;
        if (!(v === '/' || path === v || path.startsWith(`${v}/`))) continue;
        const rewrite = (rule.filters ?? []).find((f: any) => f.type === 'URLRewrite')?.urlRewrite.path;
        const forwarded = rewrite?.type === 'ReplacePrefixMatch' ? `${rewrite.replacePrefixMatch.replace(/\/$/, '')}${path.slice(v.length)}` || '/' : path;
        if (!best || v.length > best.len) best = { len: v.length, hit: { service: rule.backendRefs[0].name, port: rule.backendRefs[0].port, path: forwarded.startsWith('/') ? forwarded : `/${forwarded}` } };
      }
  }
  return best?.hit ?? null;
}

const ROUTERS = { nginx: routeNginx, traefik: routeTraefik, 'gateway-api': routeGateway };

/** The routing objects, comparable: name, annotations and spec. */
const routingView = (docs: K8sObject[]) =>
  docs
    .filter((d) => ROUTING_KINDS.includes(d.kind!))
    .map((d) => ({ kind: d.kind, name: d.metadata?.name, annotations: d.metadata?.annotations ?? {}, spec: d.spec }))
    .sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));

/** Who outside the namespace may reach a service's pods, per the NetworkPolicies selecting them: `namespace pods`. */
function admitted(docs: K8sObject[], service: string): string[] {
  const out: string[] = [];
  for (const p of docs.filter((d) => d.kind === 'NetworkPolicy') as any[]) {
    const sel = p.spec.podSelector;
    const component = sel.matchLabels?.['app.kubernetes.io/component'];
    const inList = (sel.matchExpressions ?? []).some((e: any) => e.key === 'app.kubernetes.io/component' && e.operator === 'In' && e.values.includes(service));
    if (component !== service && !inList) continue;
    for (const rule of p.spec.ingress ?? [])
      for (const f of rule.from ?? [])
        if (f.namespaceSelector) out.push(`${f.namespaceSelector.matchLabels['kubernetes.io/metadata.name']} ${JSON.stringify(f.podSelector?.matchLabels ?? {})}`);
  }
  return [...new Set(out)].sort();
}

describe('ingress options: nginx, Traefik and the Gateway API, hosts or paths, stickiness, TLS', () => {
  for (const [key, base] of Object.entries(MODELS))
    for (const opts of OPTIONS) {
      const model: StackModel = { ...base, delivery: { ...base.delivery, ...opts } };
      const title = `${key}, ${JSON.stringify(opts)}`;
      itKubectl(`${title}: strict schemas and rules, the chart agrees, requests land where the model says`, () => {
        assert.deepEqual(checkModel(model, '/nonexistent').filter((p) => p.startsWith('delivery')), []);
        const dir = join(scratch, `${key}-${OPTIONS.indexOf(opts)}`.replace(/\W+/g, '-'));
        writeFiles(dir, [...kubernetesFiles(model), ...chartFiles(model)]);
        const chart = join(dir, 'deploy/helm', model.name);
        if (helmAvailable()) {
          for (const env of ['staging', 'production']) {
            const lint = helmLint(chart, { valuesFiles: [`values-${env}.yaml`] });
            assert.ok(lint.ok, `helm lint --strict -f values-${env}.yaml:\n${lint.stdout}${lint.stderr}`);
          }
        }
        const open = publicPorts(model);
        const d = { routing: 'hosts', sticky: false, tls: 'secret', domain: `${model.name}.example.com`, gateway: 'gateway-system/gateway', ...opts };
        for (const env of ['staging', 'production'] as const) {
          const docs = kustomize(join(dir, 'deploy/kubernetes/overlays', env));
          assert.deepEqual(validateManifests(docs), [], `${env}: strict schemas`);
          assert.deepEqual(checkRules(docs, ruleOptions(model)), [], `${env}: rules`);

          // The chart renders the same routing objects.
          if (helmAvailable()) {
            const rendered = renderChart(chart, { release: model.name, valuesFiles: [`values-${env}.yaml`], skipTests: true }) as K8sObject[];
            assert.deepEqual(validateManifests(rendered), [], `${env}: the chart's strict schemas`);
            assert.deepEqual(checkRules(rendered, ruleOptions(model)), [], `${env}: the chart's rules`);
            assert.deepEqual(routingView(rendered), routingView(docs), `${env}: the chart's routing objects`);
            for (const [s] of open) assert.deepEqual(admitted(rendered, s), admitted(docs, s), `${env}: the chart lets the same controller in`);
          }

          // The plain manifests (--deploy-tool manifests) hold the same routing objects.
          const plain = kubernetesFiles({ ...model, delivery: { ...model.delivery, deployTool: 'manifests' } }).find((f) => f.path === `deploy/kubernetes/${env}/ingress.yaml`)!;
          assert.deepEqual(routingView(parseManifests(plain.content) as K8sObject[]), routingView(docs), `${env}: the plain manifests' routing objects`);

          // Requests land where the model says.
          const route = ROUTERS[opts.ingress!];
          const domain = env === 'staging' ? `staging.${d.domain}` : d.domain;
          const root = open.length === 1 ? open[0]![0] : open.some(([n]) => n === 'web') ? 'web' : null;
          for (const [s, port] of open) {
            if (d.routing === 'hosts') {
              assert.deepEqual(route(docs, `${s}.${domain}`, '/health'), { service: s, port, path: '/health' }, `${env}: ${s}.${domain}/health`);
            } else if (s === root) {
              assert.deepEqual(route(docs, domain, '/health'), { service: s, port, path: '/health' }, `${env}: ${domain}/health`);
            } else {
              assert.deepEqual(route(docs, domain, `/${s}/health`), { service: s, port, path: '/health' }, `${env}: ${domain}/${s}/health, the prefix stripped`);
              assert.deepEqual(route(docs, domain, `/${s}`), { service: s, port, path: '/' }, `${env}: ${domain}/${s}`);
            }
          }
          if (d.routing === 'paths' && root) assert.equal(route(docs, domain, '/apiary')?.service, root, `${env}: /apiary is not /api`);
          assert.equal(route(docs, `elsewhere.${domain}`, '/'), null, `${env}: an unknown host reaches nothing`);

          // Stickiness, the controller's way, only when asked.
          const text = JSON.stringify(routingView(docs));
          const cookie = `${model.name}-affinity`;
          if (opts.ingress === 'nginx')
            for (const ing of docs.filter((x) => x.kind === 'Ingress'))
              assert.equal(ing.metadata?.annotations?.['nginx.ingress.kubernetes.io/affinity'], d.sticky ? 'cookie' : undefined, `${env}: ${ing.metadata?.name} affinity`);
          if (opts.ingress === 'traefik')
            for (const r of (docs.find((x) => x.kind === 'IngressRoute') as any).spec.routes) assert.equal(r.services[0].sticky?.cookie.name, d.sticky ? cookie : undefined);
          if (opts.ingress === 'gateway-api')
            for (const r of docs.filter((x) => x.kind === 'HTTPRoute') as any[]) for (const rule of r.spec.rules) assert.equal(rule.sessionPersistence?.sessionName, d.sticky ? cookie : undefined);
          assert.equal(text.includes(cookie), d.sticky, `${env}: the cookie appears only when sticky`);

          // TLS in production only, the controller's way.
          const tls = env === 'production' && d.tls !== 'none';
          const certs = docs.filter((x) => x.kind === 'Certificate') as any[];
          const issuerAnnotation = docs.filter((x) => x.kind === 'Ingress').map((x) => x.metadata?.annotations?.['cert-manager.io/cluster-issuer']).filter(Boolean);
          if (opts.ingress === 'nginx') {
            assert.deepEqual(certs, []);
            assert.deepEqual(issuerAnnotation, tls && d.tls === 'cert-manager' ? ['letsencrypt-prod'] : []);
            for (const ing of docs.filter((x) => x.kind === 'Ingress') as any[]) assert.equal(!!ing.spec.tls, tls);
          } else {
            assert.equal(certs.length, tls && d.tls === 'cert-manager' ? 1 : 0, `${env}: a Certificate with cert-manager`);
            for (const c of certs) assert.equal(c.spec.issuerRef.name, 'letsencrypt-prod');
          }
          if (opts.ingress === 'traefik') {
            const r = docs.find((x) => x.kind === 'IngressRoute') as any;
            assert.deepEqual(r.spec.entryPoints, [tls ? 'websecure' : 'web']);
            assert.equal(r.spec.tls?.secretName, tls ? `${model.name}-tls` : undefined);
          }
          if (opts.ingress === 'gateway-api') {
            const grants = docs.filter((x) => x.kind === 'ReferenceGrant') as any[];
            assert.equal(grants.length, tls ? 1 : 0);
            for (const g of grants) assert.deepEqual(g.spec.to, [{ group: '', kind: 'Secret', name: `${model.name}-tls` }]);
            for (const r of docs.filter((x) => x.kind === 'HTTPRoute') as any[]) assert.deepEqual(r.spec.parentRefs[0], { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: d.gateway.split('/')[0], name: d.gateway.split('/')[1] });
          }

          // Exactly the chosen controller may reach the public services.
          const expected = {
            nginx: 'ingress-nginx {"app.kubernetes.io/name":"ingress-nginx"}',
            traefik: 'traefik {"app.kubernetes.io/name":"traefik"}',
            'gateway-api': `${d.gateway.split('/')[0]} {}`,
          }[opts.ingress!];
          for (const [s] of open) assert.deepEqual(admitted(docs, s), [expected], `${env}: who reaches ${s}`);
        }
      });
    }
});

describe('ingress options: the model refuses what cannot work', () => {
  const m = TWO_PUBLIC;
  const problems = (delivery: Record<string, unknown>) =>
    checkModel({ ...m, delivery: delivery as DeliveryModel }, '/nonexistent')
      .filter((p) => p.startsWith('delivery'))
      .join('\n');
  it('an unknown controller, routing or TLS mode', () => {
    assert.match(problems({ ingress: 'haproxy' }), /delivery\.ingress.*"haproxy" is not one of them; expected one of nginx, traefik, gateway-api/);
    assert.match(problems({ routing: 'subdomains' }), /delivery\.routing.*expected one of hosts, paths/);
    assert.match(problems({ tls: 'acme' }), /delivery\.tls.*expected one of secret, cert-manager, none/);
  });
  it('a root service that is not public, a bad domain, a Gateway without its namespace', () => {
    assert.match(problems({ rootService: 'worker' }), /delivery\.rootService.*"worker" is not a public service with a port; expected one of web, api/);
    assert.match(problems({ domain: 'Shop.Example' }), /delivery\.domain.*is not a DNS name/);
    assert.match(problems({ gateway: 'public' }), /delivery\.gateway.*is not <namespace>\/<name>/);
    assert.match(problems({ sticky: 'yes' }), /delivery\.sticky/);
  });
  it('the defaults need no field: nginx, a host per public service, no stickiness, a TLS Secret you create', () => {
    assert.equal(problems({}), '');
  });
});
