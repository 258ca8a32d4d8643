/**
 * Compose, kustomize and Helm agree on every backing kind: for a model where one app uses
 * one backing service of that kind through a connection variable, the three renderings
 * (compose.yaml + secrets/create.sh, `kubectl kustomize base`, `helm template`) give the
 * backing service the same port, the same server environment (user, database, settings),
 * the same auth (a password or none), the same health command, the same data folder and
 * the same arguments, and give the app the same connection value. Each output writes the
 * password its own way (a Compose secret file, a Kubernetes Secret); the comparison puts
 * one placeholder in its place. Read from the rendered files, not from the plans.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { files as composeFiles } from '../../generators/compose/files.js';
import { chartFiles as helmFiles } from '../../generators/helm/files.js';
import { files as kubernetesFiles } from '../../generators/kubernetes/files.js';
import { BACKING_KINDS, type BackingKind, type StackModel } from '../../lib/model/types.js';
import { helmAvailable, renderChart } from '../../lib/validate/helm.js';
import type { K8sObject } from '../../lib/validate/k8s.js';
import { plain, service, stack } from '../helpers/models.js';
import { kubectlAvailable, kustomize, writeFiles } from '../kubernetes/kustomize.js';

/** The variable each kind's client reads in the test model. */
const CLIENT_VAR: Record<BackingKind, string> = {
  redis: 'REDIS_URL',
  postgres: 'DATABASE_URL',
  mysql: 'DATABASE_URL',
  mariadb: 'DATABASE_URL',
  mongodb: 'MONGODB_URI',
  rabbitmq: 'AMQP_URL',
  kafka: 'KAFKA_BROKERS',
  memcached: 'MEMCACHED_SERVERS',
  elasticsearch: 'ELASTICSEARCH_URL',
  nats: 'NATS_URL',
};
const VERSION: Partial<Record<BackingKind, string>> = { kafka: '3.7.0', elasticsearch: '8.15.0', mysql: '8.0', memcached: '1.6' };

function modelFor(kind: BackingKind): StackModel {
  return stack('shop', { app: service({ path: 'app', language: 'node', port: 3000, env: { [CLIENT_VAR[kind]]: plain(null) }, dependsOn: ['store'] }) }, { store: { kind, version: VERSION[kind] ?? '7' } });
}

interface Facts {
  port: number;
  env: Record<string, string>;
  auth: boolean;
  health: string | null;
  dataDir: string | null;
  args: string[];
  /** The app's connection value, password as PW. */
  connection: string;
}

const PW = '<PW>';

/** compose.yaml and secrets/create.sh → facts. */
function composeFacts(model: StackModel, kind: BackingKind): Facts {
  const out = Object.fromEntries(composeFiles(model).map((f) => [f.path, f.content]));
  const doc = parse(out['compose.yaml']!) as any;
  const b = doc.services.store;
  const env: Record<string, string> = { ...(b.environment ?? {}) };
  const passwordFile = Object.keys(env).find((k) => k.endsWith('_PASSWORD_FILE'));
  if (passwordFile) delete env[passwordFile];
  const unescape = (s: string) => s.replace(/\$\$/g, '$');
  // The password as each Compose piece reads it: the mounted secret file.
  const pw = (s: string) => s.split('$(cat /run/secrets/store-password)').join(PW);
  let args: string[] = (b.command ?? []).map(String);
  if (b.entrypoint) {
    // The wrapper: `export VAR="$(cat secret)"; exec <entrypoint> <args...>`; its args are what Kubernetes passes.
    const script = unescape(b.entrypoint[2]);
    const exec = /; exec (.*)$/.exec(script)![1]!;
    const words = [...exec.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2]!).map((w) => w.replace(/^\$([A-Z_]+)$/, '$($1)'));
    // After the image's entrypoint: the args, or just the image's own CMD (one word), which Kubernetes leaves alone.
    args = words.length > 2 ? words.slice(1) : [];
  }
  const secretLine = (out['secrets/create.sh'] ?? '').split('\n').find((l) => l.includes(`'${CLIENT_VAR[kind]}=`) || l.includes(`"${CLIENT_VAR[kind]}=`));
  const app = doc.services.app;
  let connection: string;
  if (secretLine) {
    connection = secretLine
      .replace(/^\s*printf '%s\\n' /, '')
      .replace(/"\$\(cat store-password\)"/g, PW)
      .replace(/'/g, '')
      .replace(`${CLIENT_VAR[kind]}=`, '');
  } else connection = unescape(String(app.environment[CLIENT_VAR[kind]]));
  return {
    port: Number(b.expose[0]),
    env,
    auth: Boolean(b.secrets?.length),
    health: b.healthcheck ? pw(unescape(b.healthcheck.test[1])) : null,
    dataDir: b.volumes ? String(b.volumes[0]).split(':')[1]! : null,
    args,
    connection,
  };
}

/** A rendered StatefulSet and the app's Deployment → facts (kustomize and Helm alike). */
function kubeFacts(docs: K8sObject[], kind: BackingKind, passwordVar: string | null): Facts {
  const sts = docs.find((d) => d.kind === 'StatefulSet') as any;
  const c = sts.spec.template.spec.containers[0];
  const env: Record<string, string> = {};
  let auth = false;
  for (const e of c.env ?? []) {
    if (e.valueFrom?.secretKeyRef) auth = true;
    else env[e.name] = String(e.value);
  }
  const ready = c.readinessProbe.exec?.command?.[2] ?? null;
  const mount = c.volumeMounts.find((m: any) => m.name === 'data');
  const hasPvc = (sts.spec.volumeClaimTemplates ?? []).length > 0;
  const app = (docs.find((d) => d.kind === 'Deployment') as any).spec.template.spec.containers[0];
  const cm = docs.find((d) => d.kind === 'ConfigMap' && (d.metadata?.labels as any)?.['app.kubernetes.io/component'] === 'app') as any;
  const own = (app.env ?? []).find((e: any) => e.name === CLIENT_VAR[kind]);
  const connection = own ? String(own.value ?? PW).replace(/\$\(CONTAINERIZE_STORE_PASSWORD\)/g, PW) : String(cm.data[CLIENT_VAR[kind]]);
  return {
    port: c.ports[0].containerPort,
    env,
    auth,
    health: ready === null ? null : passwordVar ? ready.split(`$${passwordVar}`).join(PW) : ready,
    dataDir: hasPvc ? mount.mountPath : null,
    args: (c.args ?? []).map(String),
    connection,
  };
}

describe('Compose, kustomize and Helm agree on every backing kind', function () {
  let scratch = '';
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'catalog-agreement-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  for (const kind of BACKING_KINDS) {
    const run = kubectlAvailable() && helmAvailable() ? it : it.skip;
    run(`${kind}: port, server env (user, database), auth, health command, data folder, args and the app's connection value`, () => {
      const model = modelFor(kind);
      const root = join(scratch, kind);
      writeFiles(root, [...kubernetesFiles(model), ...helmFiles(model)]);
      const passwordVar = Object.keys((parse(helmFiles(model).find((f) => f.path.endsWith('/values.yaml'))!.content) as any).backing.store.auth.secretEnv ?? {})[0] ?? null;
      const compose = composeFacts(model, kind);
      const kust = kubeFacts(kustomize(join(root, 'deploy', 'kubernetes', 'base')), kind, passwordVar);
      const helm = kubeFacts(renderChart(join(root, 'deploy', 'helm', 'shop'), { set: ['tests.enabled=false'] }) as K8sObject[], kind, passwordVar);
      assert.deepEqual(kust, helm, 'kustomize and Helm');
      assert.deepEqual(compose, kust, 'Compose and Kubernetes');
      // The app's connection value names the backing service's host and port.
      assert.match(compose.connection, new RegExp(`store:${compose.port}`));
    });
  }
});
