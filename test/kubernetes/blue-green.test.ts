/**
 * Production as two stacks side by side (delivery.blueGreen): blue and green are the
 * production overlay in the namespaces <app>-blue and <app>-green, behind a public entry in
 * <app> (the Ingress, and per public service an ExternalName Service pointing at the active
 * stack) that deploy/scripts/switch.sh moves, with a rollback.
 *   - kubectl kustomize of each stack and of the front passes the strict schemas and rules;
 *   - the blue and green renders differ only by namespace;
 *   - NetworkPolicies keep the stacks apart: no peer reaches another namespace but cluster
 *     DNS and the ingress controller;
 *   - switch.sh, against a kubectl stub that keeps the front Services' state: which stack the
 *     public Services point at before and after a switch, after a rollback, and that a stack
 *     whose rollout is not ready takes no traffic.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { files as kubernetesFiles } from '../../generators/kubernetes/files.js';
import { checkModel } from '../../lib/model/validate.js';
import type { StackModel } from '../../lib/model/types.js';
import { checkRules, validateManifests, type K8sObject } from '../../lib/validate/k8s.js';
import { K8S_MODELS } from '../helpers/k8s-models.js';
import { SAMPLE_MODELS } from '../helpers/models.js';
import { itKubectl, kubectlPath, kustomize, ruleOptions, writeFiles } from './kustomize.js';

const SHELLCHECK = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' }).status === 0;
const blueGreen = (m: StackModel): StackModel => ({ ...m, delivery: { ...m.delivery, blueGreen: true } });
const MODELS: Record<string, StackModel> = { shop: K8S_MODELS.shop!, polyglot: K8S_MODELS.polyglot!, 'the example': SAMPLE_MODELS.taskboard! };

let scratch = '';
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'containerize-bluegreen-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The same objects with the namespace taken out. */
const withoutNamespace = (docs: K8sObject[]) =>
  JSON.stringify(
    docs.map((d) => {
      const o = structuredClone(d);
      delete o.metadata!.namespace;
      return o;
    }),
  );

describe('blue/green: two production stacks side by side', () => {
  for (const [key, base] of Object.entries(MODELS)) {
    const model = blueGreen(base);
    itKubectl(`${key}: blue and green differ only by namespace; strict schemas and rules; policies keep them apart; the front routes to the active stack`, () => {
      const dir = join(scratch, key.replace(/\W+/g, '-'));
      writeFiles(dir, kubernetesFiles(model));
      const blue = kustomize(join(dir, 'deploy/kubernetes/blue-green/blue'));
      const green = kustomize(join(dir, 'deploy/kubernetes/blue-green/green'));
      const front = kustomize(join(dir, 'deploy/kubernetes/blue-green/front'));
      assert.ok(blue.every((d) => d.metadata?.namespace === `${model.name}-blue`));
      assert.ok(green.every((d) => d.metadata?.namespace === `${model.name}-green`));
      assert.equal(withoutNamespace(blue), withoutNamespace(green), 'only the namespace differs');
      assert.ok(!JSON.stringify(blue).includes('green') && !JSON.stringify(green).includes('blue'), 'no other trace of the color');
      // The same objects as production, less its Ingress (the front has it).
      const production = kustomize(join(dir, 'deploy/kubernetes/overlays/production'));
      assert.equal(withoutNamespace(blue), withoutNamespace(production.filter((d) => d.kind !== 'Ingress')));
      for (const docs of [blue, green, front]) assert.deepEqual(validateManifests(docs), []);
      assert.deepEqual(checkRules(blue, ruleOptions(model)), []);

      // Apart: a peer is a pod of the same namespace (podSelector alone), cluster DNS, the ingress controller, or an address outside.
      const allowedNamespaces = new Set(['kube-system', 'ingress-nginx']);
      for (const p of blue.filter((d) => d.kind === 'NetworkPolicy') as any[])
        for (const rule of [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])])
          for (const peer of [...(rule.from ?? []), ...(rule.to ?? [])]) {
            if (peer.ipBlock) continue;
            if (!peer.namespaceSelector) continue;
            const ns = peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'];
            assert.ok(allowedNamespaces.has(ns), `${p.metadata.name}: a peer in namespace ${JSON.stringify(peer.namespaceSelector)}`);
          }

      // The front: the Ingress, and an ExternalName Service per public service, pointing at blue.
      const ingress = front.find((d) => d.kind === 'Ingress') as any;
      const backends = ingress.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service));
      const publicServices = Object.entries(model.services).filter(([, s]) => s.public && s.port !== null).map(([n]) => n).sort();
      assert.deepEqual(backends.map((b: any) => b.name).sort(), publicServices);
      for (const b of backends) {
        const svc = front.find((d) => d.kind === 'Service' && d.metadata?.name === b.name) as any;
        assert.equal(svc.spec.type, 'ExternalName');
        assert.equal(svc.spec.externalName, `${b.name}.${model.name}-blue.svc.cluster.local`);
        assert.ok(svc.spec.ports.some((p: any) => p.port === b.port.number), 'the Ingress port is the Service port');
        const inStack = blue.find((d) => d.kind === 'Service' && d.metadata?.name === b.name) as any;
        assert.ok(inStack.spec.ports.some((p: any) => p.port === b.port.number), `${b.name} answers on that port in each stack`);
      }
    });
  }

  it('the model refuses blue/green without kustomize or without a public service', () => {
    assert.match(checkModel({ ...blueGreen(K8S_MODELS.shop!), delivery: { blueGreen: true, deployTool: 'helm' } }, '/nonexistent').join('\n'), /delivery\.blueGreen: is true with delivery\.deployTool "helm", but blue\/green is generated for kustomize only/);
    assert.match(checkModel(blueGreen(K8S_MODELS.cron!), '/nonexistent').join('\n'), /delivery\.blueGreen: is true, but no service is public/);
    assert.ok(!kubernetesFiles(K8S_MODELS.shop!).some((f) => f.path.includes('blue-green') || f.path.endsWith('switch.sh')), 'nothing without the option');
  });
});

/**
 * A kubectl that keeps the front Services and the namespaces in a JSON state file, as a
 * cluster would, and logs every call: enough for switch.sh and deploy.sh.
 */
function stubKubectl(dir: string): string {
  const path = join(dir, 'kubectl');
  writeFileSync(
    path,
    `#!/usr/bin/env node
const fs = require('node:fs');
const file = process.env.STUB_STATE;
const state = JSON.parse(fs.readFileSync(file, 'utf8'));
let args = process.argv.slice(2);
fs.appendFileSync(process.env.STUB_LOG, 'kubectl ' + args.join(' ') + '\\n');
let ns = 'default';
const i = args.indexOf('--namespace');
if (i >= 0) { ns = args[i + 1]; args = args.slice(0, i).concat(args.slice(i + 2)); }
const [verb, what, name] = args;
const svc = () => (state.services[ns] || {})[name];
if (verb === 'get' && what === 'namespace') process.exit(state.namespaces.includes(name) ? 0 : 1);
if (verb === 'get' && what === 'service') {
  const s = svc();
  if (!s) { console.error('Error from server (NotFound): services "' + name + '" not found'); process.exit(1); }
  const path = args[args.indexOf('-o') + 1];
  if (path === 'jsonpath={.spec.externalName}') process.stdout.write(s.spec.externalName);
  else { const key = /^jsonpath=\\{\\.metadata\\.annotations\\.(.+)\\}$/.exec(path)[1].replace(/\\\\\\./g, '.'); process.stdout.write((s.metadata.annotations || {})[key] || ''); }
  process.exit(0);
}
if (verb === 'rollout') process.exit(state.notReady.includes(ns) ? 1 : 0);
if (verb === 'patch' && what === 'service') {
  const s = svc();
  const p = JSON.parse(args[args.indexOf('-p') + 1]);
  s.metadata.annotations = { ...(s.metadata.annotations || {}), ...p.metadata.annotations };
  s.spec = { ...s.spec, ...p.spec };
  fs.writeFileSync(file, JSON.stringify(state));
  process.exit(0);
}
if (verb === 'config') { console.log('stub-context'); process.exit(0); }
process.exit(0);
`,
  );
  chmodSync(path, 0o755);
  return path;
}

describe('switch.sh: which stack the public Services point at, before and after', () => {
  const model = blueGreen(K8S_MODELS.shop!);
  const app = model.name;
  let root = '';
  let kubectl = '';
  const state = () => join(root, 'state.json');
  const log = () => join(root, 'calls.log');
  before(() => {
    root = join(scratch, 'switch');
    writeFiles(root, kubernetesFiles(model));
    kubectl = stubKubectl(root);
  });
  beforeEach(() => {
    // The front as applied by switch.sh --init: web (the public service) pointing at blue.
    writeFileSync(
      state(),
      JSON.stringify({
        namespaces: [app, `${app}-blue`, `${app}-green`],
        notReady: [],
        services: { [app]: { web: { metadata: {}, spec: { type: 'ExternalName', externalName: `web.${app}-blue.svc.cluster.local` } } } },
      }),
    );
    writeFileSync(log(), '');
  });
  const run = (script: string, ...args: string[]) =>
    spawnSync('bash', [join(root, 'deploy/scripts', script), ...args], { encoding: 'utf8', env: { ...process.env, KUBECTL: kubectl, STUB_STATE: state(), STUB_LOG: log() } });
  const pointsAt = () => JSON.parse(readFileSync(state(), 'utf8')).services[app].web.spec.externalName as string;

  it('--status, a switch to green, --status, a rollback to blue', () => {
    let r = run('switch.sh', '--status');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'web -> blue\n');
    r = run('switch.sh', 'green');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(pointsAt(), `web.${app}-green.svc.cluster.local`);
    assert.match(r.stderr, /public traffic of shop: blue now; switching to green/);
    const calls = readFileSync(log(), 'utf8');
    for (const w of ['deployment/shop-api', 'deployment/shop-web', 'deployment/shop-worker'])
      assert.ok(calls.includes(`kubectl --namespace ${app}-green rollout status ${w}`), `waits for ${w} in green first`);
    assert.ok(calls.indexOf('rollout status') < calls.indexOf('patch service'), 'ready before it takes traffic');
    assert.equal(run('switch.sh', '--status').stdout, 'web -> green\n');
    r = run('switch.sh', '--rollback');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(pointsAt(), `web.${app}-blue.svc.cluster.local`);
    assert.equal(run('switch.sh', '--status').stdout, 'web -> blue\n');
  });

  it('a stack that is not ready takes no traffic; a dry run changes nothing; a rollback needs a switch first', () => {
    const s = JSON.parse(readFileSync(state(), 'utf8'));
    s.notReady = [`${app}-green`];
    writeFileSync(state(), JSON.stringify(s));
    let r = run('switch.sh', 'green');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is not ready in shop-green: traffic stays on blue/);
    assert.equal(pointsAt(), `web.${app}-blue.svc.cluster.local`);
    s.notReady = [];
    writeFileSync(state(), JSON.stringify(s));
    r = run('switch.sh', 'green', '--dry-run');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^\+ \S+ --namespace shop patch service web --type merge -p /m);
    assert.equal(pointsAt(), `web.${app}-blue.svc.cluster.local`);
    r = run('switch.sh', '--rollback');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no switch to roll back/);
    r = run('switch.sh', 'purple');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown argument purple/);
  });

  it('deploy.sh deploys a stack by color (production itself is refused), into its namespace', () => {
    const refused = run('deploy.sh', 'production');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /production is two stacks, blue and green/);
    const dry = spawnSync('bash', [join(root, 'deploy/scripts/deploy.sh'), 'green', '--dry-run', '--tag', '2.0.0'], { encoding: 'utf8', env: { ...process.env, KUBECTL: kubectlPath() } });
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /namespace: shop-green/);
    assert.doesNotMatch(dry.stdout, /namespace: shop-blue|kind: Ingress/);
    assert.match(dry.stdout, /image: ghcr\.io\/acme\/shop-web:2\.0\.0/);
  });

  (SHELLCHECK ? it : it.skip)('switch.sh passes shellcheck', () => {
    const r = spawnSync('shellcheck', ['--shell=bash', '--severity=style', join(root, 'deploy/scripts/switch.sh'), join(root, 'deploy/scripts/deploy.sh'), join(root, 'deploy/scripts/undeploy.sh')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
