/**
 * The Helm chart (generators/helm), proven with real tools over a matrix of
 * models (every language, a worker, every backing kind in and out of the
 * cluster, with and without ingress) and every values file:
 *   helm lint --strict, helm template, strict Kubernetes schema validation of
 *   every rendered document (unknown fields are errors), and our rules
 *   (lib/validate/k8s.ts checkRules) plus the chart's own promises below.
 * Schema and rendering tests that need no binary always run; the ones that
 * run helm are skipped, saying why, only when .tools/bin/helm is absent
 * (`bash scripts/setup/tools.sh` installs it; CI always has it).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { chartFiles as files, CHART_TEMPLATES } from '../../generators/helm/files.js';
import { chartData } from '../../generators/helm/values.js';
import { CONTAINER_UID, imageRepository } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import { helmAvailable, helmLint, helmPath, helmTemplate, parseManifests, type ValuesOptions } from '../../lib/validate/helm.js';
import { checkRules, validateManifests, type K8sObject, type RuleOptions } from '../../lib/validate/k8s.js';
import { validateOutputs } from '../../lib/validate/outputs.js';
import { K8S_MODELS, METRICS, POLYGLOT, SHOP } from '../helpers/k8s-models.js';
import { admittedFromOutside } from '../helpers/netpol.js';
import { ownImage } from '../kubernetes/kustomize.js';
import { POLYGLOT_PROBES, probesOf } from '../helpers/probes.js';
import { danglingDocReferences } from '../helpers/references.js';
import { SAMPLE_MODELS } from '../helpers/models.js';
import { envProblems } from '../helpers/wiring-checks.js';

const HELM = helmAvailable();
const SKIP_REASON = `helm binary not found at ${helmPath()}: run \`bash scripts/setup/tools.sh\` (CI installs it)`;
/** `it` for tests that run the helm binary: skipped with a clear reason when it is absent. */
function itHelm(title: string, fn: () => void): void {
  if (HELM) it(title, fn);
  else it(`${title} [skipped: ${SKIP_REASON}]`, function () {
    this.skip();
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'helm-chart-'));

/** Render the model's chart into a fresh folder; returns the chart folder. */
function writeChart(model: StackModel, tag: string): string {
  const root = join(scratch, tag);
  for (const f of files(model)) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.content);
  }
  return join(root, 'deploy', 'helm', model.name);
}

/** Rule options for a model: backing services run their images' own users; existingSecrets are user-provided. */
function ruleOptions(model: StackModel): RuleOptions {
  const data = chartData(model);
  return {
    uid: CONTAINER_UID,
    ownImage: ownImage(model),
    userSecrets: [...data.services.map((s) => s.existingSecret), ...data.backing.map((b) => b.existingSecret)].filter(Boolean),
  };
}

interface Scenario {
  title: string;
  values: ValuesOptions;
  /** Backing services expected outside the cluster (ExternalName or EndpointSlice). */
  external: string[];
  /** Backing services expected outside the cluster behind an ambassador. */
  ambassadors?: string[];
  networkPolicy: boolean;
  tests: boolean;
}

/** The scenarios a model is rendered in: each values file, then variations that matter for it. */
function scenarios(model: StackModel, data = chartData(model)): Scenario[] {
  const backing = Object.keys(model.backing).sort();
  // The model's placements per environment file: outside by name or IP, or behind an ambassador.
  const placed = (env: 'staging' | 'production') => ({
    external: data.outside[env].filter((o) => !o.ambassador).map((o) => o.b.name),
    ambassadors: data.outside[env].filter((o) => o.ambassador).map((o) => o.b.name),
  });
  const out: Scenario[] = [
    { title: 'values.yaml', values: {}, external: [], networkPolicy: true, tests: true },
    { title: 'values-staging.yaml', values: { valuesFiles: ['values-staging.yaml'] }, ...placed('staging'), networkPolicy: true, tests: true },
    { title: 'values-production.yaml', values: { valuesFiles: ['values-production.yaml'] }, ...placed('production'), networkPolicy: true, tests: true },
  ];
  if (backing.length)
    out.push({
      title: 'every backing service external',
      values: { set: backing.flatMap((b) => [`backing.${b}.mode=external`, `backing.${b}.external.host=${b}.db.example.com`]) },
      external: backing,
      networkPolicy: true,
      tests: true,
    });
  const withPort = data.services.find((s) => s.svc.port !== null);
  if (withPort) {
    const n = withPort.name;
    out.push({
      title: `${n} as a StatefulSet with a volume, autoscaling and a PodDisruptionBudget`,
      values: {
        set: [
          `services.${n}.kind=StatefulSet`,
          `services.${n}.persistence.enabled=true`,
          `services.${n}.autoscaling.enabled=true`,
          `services.${n}.podDisruptionBudget.enabled=true`,
        ],
      },
      external: [],
      networkPolicy: true,
      tests: true,
    });
  }
  if (data.publicServices.length)
    out.push({ title: 'ingress on with the default hosts', values: { set: ['ingress.enabled=true', 'ingress.className=nginx'] }, external: [], networkPolicy: true, tests: true });
  const worker = data.services.find((s) => s.svc.port === null);
  if (worker)
    out.push({
      title: `${worker.name} with an exec liveness probe`,
      values: { set: [`services.${worker.name}.probes.exec={/app/healthcheck,--quiet}`] },
      external: [],
      networkPolicy: true,
      tests: true,
    });
  if (data.services.some((s) => s.metrics)) {
    out.push({ title: 'metrics scraped by PodMonitors (Prometheus Operator)', values: { set: ['metrics.scrape=podMonitor'] }, external: [], networkPolicy: true, tests: true });
    out.push({ title: 'metrics not scraped', values: { set: ['metrics.scrape=none'] }, external: [], networkPolicy: true, tests: true });
  }
  out.push({ title: 'network policies and tests off', values: { set: ['networkPolicy.enabled=false', 'tests.enabled=false'] }, external: [], networkPolicy: false, tests: false });
  return out;
}

const RECOMMENDED_LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
  'helm.sh/chart',
];

/** The chart's own promises, beyond the generic rules. */
function chartPromises(model: StackModel, docs: K8sObject[], s: Scenario): string[] {
  const problems: string[] = [];
  const add = (m: string) => problems.push(m);
  const find = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata?.name === name);
  const release = model.name;
  for (const d of docs) {
    const id = `${d.kind}/${d.metadata?.name}`;
    if (d.kind === 'Secret') add(`${id}: the chart must never render a Secret (values hold no secret)`);
    for (const l of RECOMMENDED_LABELS) if (!d.metadata?.labels?.[l]) add(`${id}: label ${l} is missing`);
    if (d.kind === 'NetworkPolicy') {
      const spec = d.spec as { ingress?: { from?: unknown[] }[]; egress?: { to?: unknown[] }[] };
      // A rule without peers allows every source or destination: never what we mean.
      spec.ingress?.forEach((r, i) => (r.from?.length ? null : add(`${id}: ingress rule ${i} has no "from" (would allow all)`)));
      spec.egress?.forEach((r, i) => (r.to?.length ? null : add(`${id}: egress rule ${i} has no "to" (would allow all)`)));
    }
  }
  for (const [name, svc] of Object.entries(model.services)) {
    // A release command is a Job, run as a hook after install and before each upgrade.
    const kinds = svc.release ? ['Job'] : ['Deployment', 'StatefulSet'];
    const workload = docs.find((d) => kinds.includes(d.kind ?? '') && d.metadata?.name === `${release}-${name}`);
    if (!workload) add(`service ${name}: no ${kinds.join(' or ')} ${release}-${name}`);
    else {
      const c = (workload.spec as any).template.spec.containers[0];
      // imageRepository names the owner's image for a process of another service's folder.
      if (!String(c.image).startsWith(`${imageRepository(model, name)}:`)) add(`service ${name}: image ${c.image} is not ${imageRepository(model, name)}`);
      if (svc.imageFrom && !String(c.image).startsWith(`${model.registry}/${model.name}-${svc.imageFrom}:`)) add(`service ${name}: does not run ${svc.imageFrom}'s image`);
      if (JSON.stringify(c.args ?? []) !== JSON.stringify(svc.imageFrom ? svc.start : [])) add(`service ${name}: args ${JSON.stringify(c.args)}`);
      if (svc.release) {
        const hook = workload.metadata?.annotations?.['helm.sh/hook'];
        if (hook !== 'post-install,pre-upgrade') add(`service ${name}: hook ${hook}`);
        if ((workload.spec as any).template.spec.restartPolicy !== 'Never') add(`service ${name}: a Job pod must not restart in place`);
      }
      const config = (find('ConfigMap', `${release}-${name}`)?.data ?? {}) as Record<string, string>;
      for (const p of envProblems(model, name, c.env ?? [], config, (b) => `${release}-${b}`)) add(p);
      if (svc.port === null && (c.ports ?? []).some((p: { name?: string }) => p.name !== 'metrics')) add(`service ${name}: a worker declares ports (other than its metrics port)`);
    }
    const service = find('Service', name);
    if (svc.port !== null && !service) add(`service ${name}: no Service named ${name} (the hostname the code uses)`);
    if (svc.port !== null && service && (service.spec as any).ports[0].port !== svc.port) add(`Service/${name}: port is not the model's ${svc.port}`);
    if (svc.port === null && service) add(`service ${name}: a worker got a Service`);
  }
  for (const [name, b] of Object.entries(model.backing)) {
    const service = find('Service', name);
    const spec = service?.spec as { type?: string; externalName?: string; clusterIP?: string } | undefined;
    if (!service) add(`backing ${name}: no Service named ${name}`);
    else if ((s.ambassadors ?? []).includes(name)) {
      // Details in test/kubernetes/ambassador.test.ts: here, the Service selects the ambassador and nothing runs in the cluster.
      const selector = (spec as { selector?: Record<string, string> }).selector;
      if (spec?.type !== 'ClusterIP' || selector?.['app.kubernetes.io/component'] !== `${name}-ambassador`) add(`backing ${name}: expected a ClusterIP Service selecting its ambassador`);
      if (!find('Deployment', `${release}-${name}-ambassador`)) add(`backing ${name}: no ambassador Deployment`);
      if (find('StatefulSet', `${release}-${name}`)) add(`backing ${name}: behind an ambassador but a StatefulSet was rendered`);
    } else if (s.external.includes(name)) {
      if (spec?.type !== 'ExternalName' || !spec.externalName) add(`backing ${name}: expected an ExternalName Service`);
      if (find('StatefulSet', `${release}-${name}`)) add(`backing ${name}: external but a StatefulSet was rendered`);
    } else {
      if (spec?.clusterIP !== 'None') add(`backing ${name}: expected a headless Service`);
      const sts = find('StatefulSet', `${release}-${name}`);
      if (!sts) add(`backing ${name} (${b.kind}): no StatefulSet`);
    }
  }
  const policies = docs.filter((d) => d.kind === 'NetworkPolicy');
  if (s.networkPolicy && !find('NetworkPolicy', `${release}-default-deny`)) add('no default-deny NetworkPolicy');
  if (!s.networkPolicy && policies.length) add('networkPolicy.enabled=false still renders NetworkPolicies');
  const testPods = docs.filter((d) => d.kind === 'Pod' && d.metadata?.annotations?.['helm.sh/hook'] === 'test');
  const expectedTests = s.tests
    ? Object.values(model.services).filter((x) => x.port !== null).length + Object.keys(model.backing).filter((b) => !s.external.includes(b)).length
    : 0;
  if (testPods.length !== expectedTests) add(`expected ${expectedTests} helm test pods, got ${testPods.length}`);
  return problems;
}

/** Helm's value coalescing, enough for our files: maps merge, everything else replaces. */
function coalesce(base: any, over: any): any {
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof over !== 'object' || over === null || Array.isArray(over)) return over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? coalesce(base[k], v) : v;
  return out;
}

describe('helm chart', () => {
  after(() => rmSync(scratch, { recursive: true, force: true }));

  describe('rendering (no helm binary needed)', () => {
    for (const [key, model] of Object.entries(K8S_MODELS)) {
      it(`${key}: writes every chart file, deterministically, and passes the output checks`, () => {
        const a = files(model);
        assert.deepEqual(files(model), a, 'same model, same bytes');
        const paths = a.map((f) => f.path);
        const expected = [...CHART_TEMPLATES, 'values.schema.json'].map((p) => `deploy/helm/${model.name}/${p}`).sort();
        assert.deepEqual(paths, expected);
        validateOutputs(a);
      });

      it(`${key}: values.yaml and each environment file satisfy values.schema.json; values hold no secret`, () => {
        const out = Object.fromEntries(files(model).map((f) => [f.path.split('/').slice(3).join('/'), f.content]));
        const ajv = new Ajv({ allErrors: true, strict: false });
        const validate = ajv.compile<any>(JSON.parse(out['values.schema.json']!));
        const defaults = parse(out['values.yaml']!);
        assert.ok(validate(defaults), JSON.stringify(validate.errors, null, 2));
        for (const env of ['values-staging.yaml', 'values-production.yaml']) {
          const merged = coalesce(defaults, parse(out[env]!) ?? {});
          assert.ok(validate(merged), `${env}: ${JSON.stringify(validate.errors, null, 2)}`);
        }
        assert.equal(defaults.podSecurityContext.runAsUser, CONTAINER_UID);
        assert.equal(defaults.securityContext.runAsUser, CONTAINER_UID);
        for (const [name, svc] of Object.entries(model.services)) {
          assert.equal(defaults.services[name].image.repository, imageRepository(model, name));
          for (const [envName, v] of Object.entries(svc.env)) {
            if (v.secret) assert.ok(!(envName in defaults.services[name].env), `${name}.${envName} is secret but has a value in values.yaml`);
          }
        }
      });
    }

    it('no chart file points at a docs/*.md page (or any .md file) the chart does not contain', () => {
      for (const model of [...Object.values(K8S_MODELS), ...Object.values(SAMPLE_MODELS)]) assert.deepEqual(danglingDocReferences(files(model)), [], model.name);
    });

    it('the schema rejects misspelt keys and wrong types at every level the chart defines', () => {
      const out = Object.fromEntries(files(SHOP).map((f) => [f.path.split('/').slice(3).join('/'), f.content]));
      const validate = new Ajv({ allErrors: true, strict: false }).compile<any>(JSON.parse(out['values.schema.json']!));
      const defaults = parse(out['values.yaml']!);
      const bad = (over: object) => validate(coalesce(defaults, over));
      assert.equal(bad({ replica: 2 }), false);
      assert.equal(bad({ services: { web: { replicaCount: 'x' } } }), false);
      assert.equal(bad({ services: { web: { resource: {} } } }), false);
      assert.equal(bad({ services: { web: { probes: { liveness: { periodSecond: 5 } } } } }), false);
      assert.equal(bad({ services: { wbe: { replicaCount: 2 } } }), false, 'a misspelt service name lacks the required fields');
      assert.equal(bad({ backing: { db: { mode: 'managed' } } }), false);
      assert.equal(bad({ networkPolicy: { enable: false } }), false);
      assert.equal(bad({ services: { web: { replicaCount: 3 } } }), true);
    });
  });

  for (const [key, model] of Object.entries(K8S_MODELS)) {
    describe(`${key} (${Object.keys(model.services).length} services: ${[...new Set(Object.values(model.services).map((s) => s.language))].join(', ')}; backing: ${Object.values(model.backing).map((b) => b.kind).join(', ') || 'none'})`, () => {
      let chart = '';
      before(() => {
        chart = writeChart(model, key);
      });
      const opts = ruleOptions(model);

      for (const vf of ['values.yaml', 'values-staging.yaml', 'values-production.yaml'])
        itHelm(`helm lint --strict -f ${vf}`, () => {
          const r = helmLint(chart, { valuesFiles: [vf] });
          assert.ok(r.ok, `${r.command}\n${r.stdout}\n${r.stderr}`);
        });

      for (const s of scenarios(model))
        itHelm(`helm template (${s.title}): strict schemas, rules, chart promises`, () => {
          const r = helmTemplate(chart, { release: model.name, namespace: model.name, ...s.values });
          assert.ok(r.ok, `${r.command}\n${r.stderr}`);
          const docs = parseManifests(r.stdout) as K8sObject[];
          assert.ok(docs.length > 0);
          const problems = [...validateManifests(docs), ...checkRules(docs, opts), ...chartPromises(model, docs, s)];
          assert.deepEqual(problems, []);
        });
    });
  }

  describe('the shared sample models (test/helpers/models.ts), with each values file', () => {
    for (const [key, model] of Object.entries(SAMPLE_MODELS)) {
      let chart = '';
      before(() => {
        chart = writeChart(model, `sample-${key}`);
      });
      itHelm(`${key}: helm lint --strict`, () => {
        const r = helmLint(chart);
        assert.ok(r.ok, `${r.command}\n${r.stdout}\n${r.stderr}`);
      });
      for (const s of scenarios(model).slice(0, 3))
        itHelm(`${key}: helm template (${s.title}): strict schemas, rules, chart promises`, () => {
          const r = helmTemplate(chart, { release: model.name, ...s.values });
          assert.ok(r.ok, `${r.command}\n${r.stderr}`);
          const docs = parseManifests(r.stdout) as K8sObject[];
          assert.deepEqual([...validateManifests(docs), ...checkRules(docs, ruleOptions(model)), ...chartPromises(model, docs, s)], []);
        });
    }
  });

  describe('bad values fail helm before anything reaches a cluster', () => {
    let chart = '';
    before(() => {
      chart = writeChart(SHOP, 'bad-values');
    });
    const fails = (values: ValuesOptions, pattern: RegExp) => {
      const r = helmTemplate(chart, { release: 'shop', ...values });
      assert.equal(r.ok, false, `expected ${r.command} to fail`);
      assert.match(r.stderr, pattern);
    };
    const valuesFile = (name: string, text: string) => {
      writeFileSync(join(chart, '..', name), text);
      return join(chart, '..', name);
    };

    itHelm('a misspelt top-level key (replica: 2) fails through values.schema.json', () =>
      fails({ valuesFiles: [valuesFile('typo.yaml', 'replica: 2\n')] }, /replica/));
    itHelm('a wrong type (services.web.replicaCount: "x") fails', () =>
      fails({ valuesFiles: [valuesFile('type.yaml', 'services:\n  web:\n    replicaCount: "x"\n')] }, /replicaCount/));
    itHelm('a misspelt nested key (services.web.resource) fails', () => fails({ set: ['services.web.resource.limits.cpu=1'] }, /resource/));
    itHelm('a misspelt service name (services.wbe) fails', () => fails({ set: ['services.wbe.replicaCount=2'] }, /wbe/));
    itHelm('helm lint --strict fails on the misspelt key too', () => {
      const r = helmLint(chart, { set: ['replica=2'] });
      assert.equal(r.ok, false);
    });
    itHelm('an external backing service without a host fails with a clear message', () =>
      fails({ set: ['backing.db.mode=external'] }, /backing\.db\.external\.host is required/));
    itHelm('secret env without existingSecret fails with a clear message', () =>
      fails({ set: ['services.web.existingSecret='] }, /services\.web\.existingSecret is required/));
    itHelm('an ingress path to a worker fails', () =>
      fails({ set: ['ingress.enabled=true', 'ingress.hosts[0].host=x.example.com', 'ingress.hosts[0].paths[0].path=/', 'ingress.hosts[0].paths[0].pathType=Prefix', 'ingress.hosts[0].paths[0].service=worker'] }, /not an enabled service with a port/));
    itHelm('persistence on a Deployment fails', () => fails({ set: ['services.api.persistence.enabled=true'] }, /needs kind: StatefulSet/));
    itHelm('dependsOn naming an unknown component fails', () => fails({ set: ['services.web.dependsOn={api,cache}'] }, /"cache", which is neither a service nor a backing service/));
  });

  describe('services.<name>.port', () => {
    /** The env a container ends up with: envFrom ConfigMaps first, then env entries, which win. */
    const effectiveEnv = (c: any, docs: K8sObject[]): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const from of c.envFrom ?? []) {
        const cm = docs.find((d) => d.kind === 'ConfigMap' && d.metadata?.name === from.configMapRef?.name);
        Object.assign(out, (cm?.data as Record<string, string>) ?? {});
      }
      for (const e of c.env ?? []) out[e.name] = e.valueFrom ? `<${Object.keys(e.valueFrom)[0]}>` : e.value;
      return out;
    };
    /** The number a probe or targetPort refers to, resolving a port name against the container. */
    const portNumber = (c: any, port: number | string) => (typeof port === 'number' ? port : c.ports.find((p: any) => p.name === port)?.containerPort);

    itHelm('--set services.<name>.port=8081 moves the container port, the PORT env, the probes, the Service and its targetPort together', () => {
      const chart = writeChart(SHOP, 'port-override');
      // web's model env holds PORT=3000 (its ConfigMap); api's has none (its image's ENV PORT=8000).
      for (const name of ['web', 'api']) {
        const r = helmTemplate(chart, { release: 'shop', set: [`services.${name}.port=8081`] });
        assert.ok(r.ok, r.stderr);
        const docs = parseManifests(r.stdout) as K8sObject[];
        const w = docs.find((d) => d.kind === 'Deployment' && d.metadata?.name === `shop-${name}`) as any;
        const c = w.spec.template.spec.containers[0];
        assert.deepEqual(c.ports.map((p: any) => p.containerPort), [8081], `${name}: containerPort`);
        assert.equal(effectiveEnv(c, docs).PORT, '8081', `${name}: the PORT the process reads`);
        for (const kind of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          const probe = c[kind].httpGet ?? c[kind].tcpSocket;
          assert.equal(portNumber(c, probe.port), 8081, `${name}: ${kind} port`);
        }
        const svc = docs.find((d) => d.kind === 'Service' && d.metadata?.name === name) as any;
        assert.equal(svc.spec.ports[0].port, 8081, `${name}: Service port`);
        assert.equal(portNumber(c, svc.spec.ports[0].targetPort), 8081, `${name}: Service targetPort`);
        assert.deepEqual([...validateManifests(docs), ...checkRules(docs, ruleOptions(SHOP))], []);
      }
    });
  });

  describe('networkPolicy: the ingress controller that may reach public services', () => {
    const NGINX = 'ns=ingress-nginx pods=app.kubernetes.io/name=ingress-nginx port=3000';
    const TRAEFIK = 'ns=traefik pods=app.kubernetes.io/name=traefik port=3000';
    let chart = '';
    before(() => {
      chart = writeChart(SHOP, 'ingress-controller');
    });
    const admitted = (values: ValuesOptions, component = 'web') => {
      const r = helmTemplate(chart, { release: 'shop', ...values });
      assert.ok(r.ok, `${r.command}\n${r.stderr}`);
      const docs = parseManifests(r.stdout) as K8sObject[];
      assert.deepEqual([...validateManifests(docs), ...checkRules(docs, ruleOptions(SHOP))], []);
      return admittedFromOutside(docs, component);
    };

    itHelm('follows ingress.className: ingress-nginx by default and for nginx, traefik for traefik', () => {
      assert.deepEqual(admitted({}), [NGINX], 'className "" (the cluster default): ingress-nginx');
      assert.deepEqual(admitted({ set: ['ingress.className=nginx'] }), [NGINX]);
      assert.deepEqual(admitted({ valuesFiles: ['values-staging.yaml'] }), [NGINX]);
      assert.deepEqual(admitted({ set: ['ingress.className=traefik'] }), [TRAEFIK]);
      assert.deepEqual(admitted({ set: ['ingress.className=traefik'] }, 'api'), [], 'an internal service admits no controller');
    });

    itHelm('networkPolicy.ingressController.namespace and podLabels change the rule; ingressFrom replaces it', () => {
      assert.deepEqual(admitted({ set: ['ingress.className=traefik', 'networkPolicy.ingressController.namespace=kube-system'] }), [
        'ns=kube-system pods=app.kubernetes.io/name=traefik port=3000',
      ]);
      assert.deepEqual(admitted({ set: ['networkPolicy.ingressController.podLabels.app\\.kubernetes\\.io/instance=edge'] }), [
        'ns=ingress-nginx pods=app.kubernetes.io/instance=edge port=3000',
      ]);
      assert.deepEqual(admitted({ set: ['ingress.className=haproxy', 'networkPolicy.ingressController.namespace=haproxy'] }), ['ns=haproxy pods=* port=3000']);
      assert.deepEqual(admitted({ set: ['networkPolicy.ingressFrom[0].ipBlock.cidr=10.0.0.0/8'] }), ['cidr=10.0.0.0/8 port=3000']);
    });

    itHelm('an ingress class the chart does not know needs networkPolicy.ingressController.namespace', () => {
      const r = helmTemplate(chart, { release: 'shop', set: ['ingress.className=haproxy'] });
      assert.equal(r.ok, false);
      assert.match(r.stderr, /networkPolicy\.ingressController\.namespace is required for ingress\.className "haproxy"/);
    });
  });

  describe('Prometheus metrics (services.<name>.metrics, metrics.scrape)', () => {
    let chart = '';
    before(() => {
      chart = writeChart(METRICS, 'metrics');
    });
    const render = (set: string[] = []) => {
      const r = helmTemplate(chart, { release: 'obs', namespace: 'obs', set });
      assert.ok(r.ok, `${r.command}\n${r.stderr}`);
      return parseManifests(r.stdout) as K8sObject[];
    };
    const template = (docs: K8sObject[], name: string) => (docs.find((d) => d.kind === 'Deployment' && d.metadata?.name === name)!.spec as any).template;
    const prometheusPorts = (docs: K8sObject[], name: string) =>
      ((docs.find((d) => d.kind === 'NetworkPolicy' && d.metadata?.name === name)!.spec as any).ingress ?? [])
        .filter((r: any) => JSON.stringify(r.from).includes('"app.kubernetes.io/name":"prometheus"'))
        .flatMap((r: any) => r.ports.map((p: any) => p.port));

    itHelm('annotations (the default): prometheus.io/* on the pods, a metrics port of its own for the worker, Prometheus allowed to exactly the metrics ports', () => {
      const docs = render();
      assert.deepEqual(template(docs, 'obs-web').metadata.annotations['prometheus.io/path'], '/metrics');
      assert.deepEqual(template(docs, 'obs-web').metadata.annotations['prometheus.io/port'], '3000');
      assert.deepEqual(template(docs, 'obs-api').metadata.annotations['prometheus.io/path'], '/actuator/prometheus');
      assert.deepEqual(template(docs, 'obs-jobs').metadata.annotations['prometheus.io/port'], '9100');
      assert.deepEqual(template(docs, 'obs-jobs').spec.containers[0].ports, [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }]);
      assert.deepEqual([prometheusPorts(docs, 'obs-web'), prometheusPorts(docs, 'obs-api'), prometheusPorts(docs, 'obs-jobs')], [[3000], [8080], [9100]]);
      assert.equal(docs.filter((d) => d.kind === 'PodMonitor').length, 0);
    });

    itHelm('podMonitor: one PodMonitor per service with metrics, valid against the Prometheus Operator\'s schema, selecting its pods on a port they name', () => {
      const docs = render(['metrics.scrape=podMonitor', 'metrics.podMonitorLabels.release=kube-prometheus-stack']);
      const monitors = docs.filter((d) => d.kind === 'PodMonitor');
      assert.deepEqual(monitors.map((m) => [m.metadata?.name, (m.spec as any).podMetricsEndpoints[0].port, (m.spec as any).podMetricsEndpoints[0].path]), [
        ['obs-api', 'http', '/actuator/prometheus'],
        ['obs-jobs', 'metrics', '/metrics'],
        ['obs-web', 'http', '/metrics'],
      ].sort());
      assert.equal(monitors[0]!.metadata?.labels?.release, 'kube-prometheus-stack');
      assert.equal(template(docs, 'obs-web').metadata.annotations['prometheus.io/scrape'], undefined);
      assert.deepEqual([...validateManifests(docs), ...checkRules(docs, ruleOptions(METRICS))], []);
      // The strict schema sees a misspelt field of a PodMonitor.
      const bad = structuredClone(monitors[0]!) as any;
      bad.spec.podMetricsEndpoint = bad.spec.podMetricsEndpoints;
      assert.ok(validateManifests([bad]).some((p) => p.includes('podMetricsEndpoint')), validateManifests([bad]).join('\n'));
    });

    itHelm('none: no annotations, no PodMonitor, and Prometheus is not let in', () => {
      const docs = render(['metrics.scrape=none']);
      assert.equal(template(docs, 'obs-web').metadata.annotations['prometheus.io/scrape'], undefined);
      assert.deepEqual(prometheusPorts(docs, 'obs-web'), []);
      assert.equal(docs.filter((d) => d.kind === 'PodMonitor').length, 0);
    });
  });

  describe('Secrets from a secret manager (secrets.provider externalSecrets)', () => {
    let chart = '';
    before(() => {
      chart = writeChart(SHOP, 'external-secrets');
    });
    itHelm('an ExternalSecret per Secret the release reads (services and backing services), valid against the operator\'s schema; the workloads\' references resolve to them', () => {
      const r = helmTemplate(chart, { release: 'shop', namespace: 'shop', valuesFiles: ['values-production.yaml'], set: ['secrets.provider=externalSecrets', 'secrets.externalSecrets.secretStoreRef.name=vault', 'secrets.externalSecrets.remoteKeyPrefix=prod/'] });
      assert.ok(r.ok, r.stderr);
      const docs = parseManifests(r.stdout) as K8sObject[];
      const es = docs.filter((d) => d.kind === 'ExternalSecret');
      const referenced = new Set(
        docs
          .filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet')
          .flatMap((d) => [...JSON.stringify(d).matchAll(/"secretKeyRef":\{([^}]*)\}/g)].map((m) => /"name":"([^"]+)"/.exec(m[1]!)![1]!)),
      );
      assert.ok(referenced.size > 0);
      assert.deepEqual(es.map((e) => (e.spec as any).target.name).sort(), [...referenced].sort(), 'one ExternalSecret per Secret referenced');
      assert.ok(es.every((e) => (e.spec as any).dataFrom[0].extract.key === `prod/${(e.spec as any).target.name}` && (e.spec as any).secretStoreRef.name === 'vault'));
      assert.ok(!docs.some((d) => d.kind === 'Secret'), 'no Secret with a value in the chart');
      // Without userSecrets, the references resolve only because the ExternalSecrets make those Secrets.
      assert.deepEqual([...validateManifests(docs), ...checkRules(docs, { ...ruleOptions(SHOP), userSecrets: [] })], []);
    });
    itHelm('a missing store is a clear error; kubectl (the default) renders no ExternalSecret', () => {
      const r = helmTemplate(chart, { release: 'shop', set: ['secrets.provider=externalSecrets'] });
      assert.equal(r.ok, false);
      assert.match(r.stderr, /secrets\.externalSecrets\.secretStoreRef\.name is required/);
      const plain = helmTemplate(chart, { release: 'shop' });
      assert.ok(plain.ok && !plain.stdout.includes('kind: ExternalSecret'));
    });
  });

  describe('production hardening and extension points', () => {
    let chart = '';
    before(() => {
      chart = writeChart(SHOP, 'extensions');
      // A team's additions, each a valid Kubernetes object this chart does not generate.
      const restricted = { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
      const small = { requests: { cpu: '10m', memory: '16Mi', 'ephemeral-storage': '16Mi' }, limits: { cpu: '100m', memory: '64Mi', 'ephemeral-storage': '64Mi' } };
      writeFileSync(
        join(chart, 'extensions.yaml'),
        JSON.stringify({
          services: {
            web: {
              extraEnv: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              extraVolumes: [{ name: 'cache', emptyDir: { sizeLimit: '64Mi' } }],
              extraVolumeMounts: [{ name: 'cache', mountPath: '/var/cache/app' }],
              initContainers: [{ name: 'wait', image: 'busybox:1.37', command: ['true'], securityContext: restricted, resources: small }],
              sidecars: [{ name: 'proxy', image: 'busybox:1.37', command: ['sleep', 'infinity'], securityContext: restricted, resources: small }],
              // Fields of the Kubernetes API the chart does not set pass the schema: the security contexts and resources are open.
              securityContext: { procMount: 'Default' },
              resources: { limits: { 'hugepages-2Mi': '0' } },
            },
          },
        }),
      );
    });
    before(() => {
      const selector = { matchLabels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/instance': 'shop', 'app.kubernetes.io/component': 'web' } };
      writeFileSync(join(chart, 'own-spread.yaml'), JSON.stringify({ services: { web: { topologySpreadConstraints: [{ maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector }] }, api: { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector } }] } } } } }));
    });
    const render = (files: string[], set: string[] = []) => {
      const r = helmTemplate(chart, { release: 'shop', namespace: 'shop', valuesFiles: files, set });
      assert.ok(r.ok, `${r.command}\n${r.stderr}`);
      return parseManifests(r.stdout) as K8sObject[];
    };
    const pod = (docs: K8sObject[], name: string) => (docs.find((d) => d.kind === 'Deployment' && d.metadata?.name === name)!.spec as any).template.spec;

    itHelm('the extension points reach the pod as given, and the whole passes helm lint --strict, the strict schemas and the rules', () => {
      const lint = helmLint(chart, { valuesFiles: ['values-production.yaml', 'extensions.yaml'] });
      assert.ok(lint.ok, `${lint.stdout}\n${lint.stderr}`);
      const docs = render(['values-production.yaml', 'extensions.yaml']);
      assert.deepEqual([...validateManifests(docs), ...checkRules(docs, ruleOptions(SHOP))], []);
      const spec = pod(docs, 'shop-web');
      assert.deepEqual(spec.initContainers.map((c: any) => c.name), ['wait']);
      assert.deepEqual(spec.containers.map((c: any) => c.name), ['web', 'proxy']);
      assert.ok(spec.containers[0].env.some((e: any) => e.name === 'POD_NAME'), 'extraEnv');
      assert.ok(spec.containers[0].volumeMounts.some((m: any) => m.mountPath === '/var/cache/app'), 'extraVolumeMounts');
      assert.ok(spec.volumes.some((v: any) => v.name === 'cache'), 'extraVolumes');
      assert.equal(spec.containers[0].securityContext.procMount, 'Default');
    });

    itHelm('replicas above one are spread over nodes and zones by default; a service\'s own constraints or affinity win; topologySpread.enabled=false turns it off', () => {
      const docs = render(['values-production.yaml']);
      const web = pod(docs, 'shop-web');
      assert.deepEqual(web.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable]), [['kubernetes.io/hostname', 'ScheduleAnyway'], ['topology.kubernetes.io/zone', 'ScheduleAnyway']]);
      assert.deepEqual(web.topologySpreadConstraints[0].labelSelector.matchLabels['app.kubernetes.io/component'], 'web');
      assert.equal(pod(render([]), 'shop-web').topologySpreadConstraints, undefined, 'one replica: nothing to spread');
      const own = render(['values-production.yaml', 'own-spread.yaml']);
      assert.deepEqual(pod(own, 'shop-web').topologySpreadConstraints.map((c: any) => c.maxSkew), [2], 'the service\'s own constraints replace the default');
      assert.equal(pod(own, 'shop-api').topologySpreadConstraints, undefined, 'an affinity of its own: no default spread added');
      const off = render(['values-production.yaml'], ['topologySpread.enabled=false']);
      assert.equal(pod(off, 'shop-web').topologySpreadConstraints, undefined);
      assert.ok(checkRules(off, ruleOptions(SHOP)).some((p) => p.includes('runs more than one replica')), 'the rule sees the missing spread');
    });

    itHelm('every container has ephemeral-storage requests and limits, every emptyDir a sizeLimit (emptyDirSizeLimit)', () => {
      const docs = render(['values-production.yaml'], ['emptyDirSizeLimit=128Mi']);
      const specs = docs.filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet').map((d) => (d.spec as any).template.spec);
      assert.ok(specs.length > 0);
      for (const s of specs) {
        for (const c of [...(s.initContainers ?? []), ...s.containers]) assert.ok(c.resources.limits['ephemeral-storage'] && c.resources.requests['ephemeral-storage'], c.name);
        for (const v of (s.volumes ?? []).filter((v: any) => v.emptyDir)) assert.equal(v.emptyDir.sizeLimit, '128Mi', v.name);
      }
    });
  });

  describe('probes: liveness never checks what readiness checks', () => {
    let chart = '';
    before(() => {
      chart = writeChart(POLYGLOT, 'probes');
    });
    const render = (values: ValuesOptions = {}) => {
      const r = helmTemplate(chart, { release: 'polyglot', ...values });
      assert.ok(r.ok, `${r.command}\n${r.stderr}`);
      return parseManifests(r.stdout) as K8sObject[];
    };

    itHelm('readiness on the health path, liveness and startup a TCP connect; Spring Boot\'s liveness and readiness groups', () => {
      const docs = render();
      for (const [name, expected] of Object.entries(POLYGLOT_PROBES)) assert.deepEqual(probesOf(docs, `polyglot-${name}`), expected, name);
    });

    itHelm('services.<name>.livenessPath gives an HTTP liveness probe; healthPath "" makes readiness a TCP connect', () => {
      const docs = render({ set: ['services.node-svc.livenessPath=/livez', 'services.java-svc.healthPath=', 'services.java-svc.livenessPath='] });
      assert.deepEqual(probesOf(docs, 'polyglot-node-svc'), { startup: 'TCP http', liveness: 'GET /livez on http', readiness: 'GET /healthz on http' });
      assert.deepEqual(probesOf(docs, 'polyglot-java-svc'), { startup: 'TCP tcp', liveness: 'TCP tcp', readiness: 'TCP tcp' });
      assert.deepEqual([...validateManifests(docs), ...checkRules(docs, ruleOptions(POLYGLOT))], []);
    });

    itHelm('checkRules flags a chart whose liveness is its readiness probe', () => {
      const docs = render({ set: ['services.node-svc.livenessPath=/healthz'] });
      assert.deepEqual(checkRules(docs, ruleOptions(POLYGLOT)), [
        'Deployment/polyglot-node-svc: container node-svc: livenessProbe is the readinessProbe (HTTP GET /healthz on port http): liveness must not check what readiness checks (a database outage would restart every pod)',
      ]);
    });
  });

  describe('per-service overrides', () => {
    itHelm('a service securityContext is merged over the top-level one, and checkRules sees a foreign uid', () => {
      const chart = writeChart(SHOP, 'override');
      const r = helmTemplate(chart, { release: 'shop', set: ['services.api.securityContext.runAsUser=1000', 'services.api.podSecurityContext.runAsUser=1000'] });
      assert.ok(r.ok, r.stderr);
      const docs = parseManifests(r.stdout) as K8sObject[];
      const api = docs.find((d) => d.kind === 'Deployment' && d.metadata?.name === 'shop-api') as any;
      const sc = api.spec.template.spec.containers[0].securityContext;
      assert.equal(sc.runAsUser, 1000);
      assert.equal(sc.readOnlyRootFilesystem, true, 'the rest of the top-level context is kept');
      assert.deepEqual(sc.capabilities, { drop: ['ALL'] });
      assert.deepEqual(validateManifests(docs), []);
      assert.deepEqual(
        checkRules(docs, ruleOptions(SHOP)).filter((p) => p.includes('shop-api')),
        ['Deployment/shop-api: container api: runAsUser is 1000, expected 10001 (the images\' USER)'],
      );
    });
  });

  describe('a misspelt field in a template is caught after rendering', () => {
    itHelm('helm renders the typo silently; validateManifests reports it', () => {
      const chart = writeChart(SHOP, 'bad-template');
      const path = join(chart, 'templates', 'deployment.yaml');
      const text = readFileSync(path, 'utf8');
      writeFileSync(path, text.replace('  replicas: {{ $svc.replicaCount }}', '  replica: {{ $svc.replicaCount }}'));
      assert.ok(helmLint(chart).ok, 'helm lint --strict does not see it');
      const r = helmTemplate(chart, { release: 'shop' });
      assert.ok(r.ok, r.stderr);
      const problems = validateManifests(parseManifests(r.stdout));
      assert.ok(problems.includes('Deployment/shop-web: spec.replica: unknown field'), problems.join('\n'));
    });
  });
});
