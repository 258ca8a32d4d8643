/**
 * Property: a hostile string in any field of the model is either refused by the model
 * validator with a message naming the field, or rendered inert: every validator passes,
 * nothing of it became syntax in any output (no injected Dockerfile instruction, YAML key,
 * dotenv line, ignore rule, Makefile target or unquoted shell command), and an env value
 * arrives in the container as given (Compose, kustomize and Helm read back the same text).
 *
 * Every field times every string of a curated list aimed at each output syntax
 * (test/helpers/arbitraries.ts HOSTILE), then random strings of every Unicode plane and
 * control character from fast-check (fixed seed), in random fields. Accepted cases go through
 * the in-process validators; those whose Kubernetes outputs change (env values, the only field
 * that accepts most of them) also through helm and kubectl, batched.
 */
import { PACK_RULES } from '../../lib/languages/index.js';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { checkModel, seg } from '../../lib/model/validate.js';
import type { StackModel } from '../../lib/model/types.js';
import type { OutputFile } from '../../lib/render/types.js';
import { helmAvailable } from '../../lib/validate/helm.js';
import { kubectlAvailable } from '../kubernetes/kustomize.js';
import { HOSTILE } from '../helpers/arbitraries.js';
import { service, stack } from '../helpers/models.js';
import { cheapChecks, costlyChecks, renderAll, scratch, workflowChecks, writeFiles, type Case } from './harness.js';

const SEED = 20261211;

/** The base: a Node web app, a Python API with a build, a Go worker, a static site, Postgres and Redis. */
function base(): StackModel {
  return stack('shop', {
    web: service({ path: 'web', language: 'node', packageManager: 'npm', lockfile: 'package-lock.json', port: 3000, start: ['node', 'dist/server.js'], build: 'npm run build', healthPath: '/healthz', public: true, entry: 'dist/server.js', dependsOn: ['api', 'cache'], env: { GREETING: { value: 'hello', secret: false }, API_URL: { value: 'http://api:8000', secret: false } } }),
    api: service({ path: 'services/api', language: 'python', framework: 'flask', packageManager: 'pip', lockfile: 'requirements.txt', port: 8000, start: ['gunicorn', '--bind', '0.0.0.0:8000', 'app:app'], build: 'pip install --no-deps .', healthPath: '/health', entry: 'app:app', dependsOn: ['db'], env: { DATABASE_URL: { value: null, secret: false } } }),
    worker: service({ path: 'worker', language: 'go', packageManager: 'go', lockfile: 'go.sum', start: ['./worker'], build: 'go build -o /out/worker ./cmd/worker', entry: './cmd/worker', dependsOn: ['cache', 'web'] }),
    site: service({ path: 'site', language: 'static', languageVersion: '1.27', port: 8080, start: [], outputDir: 'public', healthPath: '/' }),
  }, { db: { kind: 'postgres', version: '16' }, cache: { kind: 'redis', version: '7' } });
}

type Field = { field: string; set: (m: StackModel, v: string) => void };
const svc = (m: StackModel, n: string) => m.services[n] as unknown as Record<string, unknown>;
const renameKey = <T>(o: Record<string, T>, from: string, to: string) => {
  const v = o[from]!;
  delete o[from];
  o[to] = v;
};

/** Every field of the model a user can set, and how to put a string into it. */
const FIELDS: Field[] = [
  { field: 'name', set: (m, v) => (m.name = v) },
  { field: 'registry', set: (m, v) => (m.registry = v) },
  { field: 'services.<name>', set: (m, v) => renameKey(m.services, 'site', v) },
  { field: 'backing.<name>', set: (m, v) => renameKey(m.backing, 'cache', v) },
  ...['path', 'languageVersion', 'framework', 'packageManager', 'lockfile', 'build', 'healthPath', 'entry', 'outputDir', 'dockerfile', 'metricsPath'].flatMap((f): Field[] => [
    { field: `services.web.${f}`, set: (m, v) => (svc(m, 'web')[f] = v) },
  ]),
  { field: 'services.worker.build', set: (m, v) => (m.services.worker!.build = v) },
  { field: 'services.worker.entry', set: (m, v) => (m.services.worker!.entry = v) },
  { field: 'services.api.lockfile', set: (m, v) => (m.services.api!.lockfile = v) },
  { field: 'services.site.outputDir', set: (m, v) => (m.services.site!.outputDir = v) },
  { field: 'services.worker.start', set: (m, v) => (m.services.worker!.start = [v]) },
  { field: 'services.web.start', set: (m, v) => (m.services.web!.start = ['node', v]) },
  { field: 'services.web.dependsOn', set: (m, v) => (m.services.web!.dependsOn = [v]) },
  { field: 'services.web.env', set: (m, v) => (m.services.web!.env[v] = { value: 'x', secret: false }) },
  { field: 'services.web.env.GREETING.value', set: (m, v) => (m.services.web!.env.GREETING!.value = v) },
  { field: 'services.api.env.DATABASE_URL.value', set: (m, v) => (m.services.api!.env.DATABASE_URL!.value = v) },
  { field: 'backing.db.version', set: (m, v) => (m.backing.db!.version = v) },
  { field: 'backing.db.kind', set: (m, v) => ((m.backing.db as { kind: string }).kind = v) },
  ...['domain', 'gateway', 'clusterIssuer', 'rootService', 'ingress'].map((f): Field => ({ field: `delivery.${f}`, set: (m, v) => ((m.delivery ??= {}) as Record<string, unknown>)[f] = v })),
];

/** The field a problem must name: the field itself, or the map holding a hostile key. */
const named = (field: string, v: string) =>
  field === 'services.<name>' ? [`services${seg(v)}`] : field === 'backing.<name>' ? [`backing${seg(v)}`] : field === 'services.web.env' ? [`services.web.env${seg(v)}`, 'services.web.env'] : [field];

/** Text outside single quotes of a POSIX shell script (where a command would run). */
function unquotedShell(script: string): string {
  let out = '';
  let q: "'" | '"' | null = null;
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (q === "'") {
      if (c === "'") q = null;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === "'" && q === null) q = "'";
    else if (c === '"') q = q === '"' ? null : '"';
    else out += c;
  }
  return out;
}

/** Keys of every mapping in a parsed YAML or JSON value. */
function keys(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) keys(x, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(k), keys(x, out);
  return out;
}

/** Traces a hostile string would leave if it had become syntax anywhere. */
export function injections(files: OutputFile[], baseUsers: Map<string, number>): string[] {
  const out: string[] = [];
  for (const f of files) {
    const at = (m: string) => out.push(`${f.path}: ${m}`);
    if (/(^|\/)Dockerfile$/.test(f.path)) {
      const instrs = DockerfileParser.parse(f.content).getInstructions();
      for (const i of instrs) {
        const args = (i.getArgumentsContent() ?? '').trim();
        if (i.getKeyword() === 'USER' && args === '0:0') at('an injected USER 0:0');
        if (/^echo pwned/.test(args) || /^injected/i.test(i.getKeyword())) at(`an injected instruction ${i.getKeyword()} ${args}`);
      }
      const users = instrs.filter((i) => i.getKeyword() === 'USER').length;
      if (baseUsers.has(f.path) && users !== baseUsers.get(f.path)) at(`${users} USER instructions, ${baseUsers.get(f.path)} without the hostile value`);
    } else if (/\.ya?ml$/.test(f.path) && !/\/helm\/[^/]+\/templates\//.test(f.path)) {
      for (const doc of parseAllDocuments(f.content)) if (keys(doc.toJS()).some((k) => /^injected/i.test(k))) at('an injected YAML key');
    } else if (f.path.endsWith('.json')) {
      if (keys(JSON.parse(f.content)).some((k) => /^injected/i.test(k))) at('an injected JSON key');
    } else if (f.path === '.env.example' || f.path.endsWith('.env')) {
      for (const line of f.content.split('\n')) if (line && !line.startsWith('#') && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(line)) at(`a line that is no NAME=value: ${JSON.stringify(line)}`);
      if (/^INJECTED=/m.test(f.content)) at('an injected dotenv line');
    } else if (/(^|\/)(\.dockerignore|Dockerfile\.dockerignore)$/.test(f.path)) {
      if (/^!?injected$/m.test(f.content)) at('an injected ignore rule');
    } else if (f.path === 'Makefile') {
      if (/^injected:/m.test(f.content) || /^\techo pwned/m.test(f.content)) at('an injected Makefile target');
    } else if (f.path.endsWith('.sh')) {
      if (/pwned|INJECTED/.test(unquotedShell(f.content))) at('hostile text outside single quotes');
    }
  }
  return out;
}

/** What Compose's interpolation makes of a value: $$ → $, ${X:-d} → d. */
const composeValue = (v: string) => v.replace(/\$\$|\$\{[A-Za-z_][A-Za-z0-9_]*:-([^}]*)\}/g, (m, d) => (m === '$$' ? '$' : d));

/** An env value arrives as given, in Compose, in the kustomize ConfigMap and in Helm's values. */
function envRoundTrip(model: StackModel, files: OutputFile[], service: string, name: string, value: string): string[] {
  const out: string[] = [];
  const compose = parse(files.find((f) => f.path === 'compose.yaml')!.content);
  const got = compose.services[service].environment?.[name];
  if (got === undefined || composeValue(String(got)) !== value) out.push(`compose.yaml ${service}.${name} is ${JSON.stringify(got)}, not ${JSON.stringify(value)}`);
  const values = parse(files.find((f) => f.path === `deploy/helm/${model.name}/values.yaml`)!.content);
  if (values.services[service].env[name] !== value) out.push(`values.yaml ${service}.${name} is ${JSON.stringify(values.services[service].env[name])}`);
  const envFile = files.find((f) => f.path === `deploy/kubernetes/base/env/${service}.env`)!.content;
  const kustomization = parse(files.find((f) => f.path === 'deploy/kubernetes/base/kustomization.yaml')!.content);
  const literal = (kustomization.configMapGenerator ?? []).flatMap((g: any) => g.literals ?? []).find((l: string) => l.startsWith(`${name}=`));
  const line = envFile.split('\n').find((l) => l.startsWith(`${name}=`));
  const k8s = literal !== undefined ? literal.slice(name.length + 1) : line?.slice(name.length + 1);
  if (k8s !== value) out.push(`kustomize ${service}.${name} is ${JSON.stringify(k8s)}`);
  return out;
}

describe('property: a hostile string in any field is refused or inert', function () {
  this.timeout(300_000);
  let work = '';
  before(() => {
    work = scratch('containerize-hostile-');
    for (const d of ['web', 'services/api', 'worker', 'site']) mkdirSync(join(work, 'repo', d), { recursive: true });
  });
  after(() => rmSync(work, { recursive: true, force: true }));
  const root = () => join(work, 'repo');
  /** USER instructions per Dockerfile of the base model: a hostile value must not add one. */
  const baseUsers = new Map(
    renderAll(base())
      .files.filter((x) => /(^|\/)Dockerfile$/.test(x.path))
      .map((x) => [x.path, DockerfileParser.parse(x.content).getInstructions().filter((i) => i.getKeyword() === 'USER').length]),
  );

  /** Refused (naming the field), or rendered: then its problems and its injection traces. */
  function attempt(f: Field, v: string, label: string): { refused: boolean; problems: string[]; model: StackModel; files: OutputFile[] } {
    const m = base();
    f.set(m, v);
    const refused = checkModel(m, root(), PACK_RULES);
    if (refused.length) {
      const fields = named(f.field, v);
      const mine = refused.filter((p) => fields.some((x) => p.startsWith(`${x}:`) || p.startsWith(`${x}.`)));
      const problems = mine.length ? [] : [`${label}: refused without naming ${fields.join(' or ')}: ${refused.join(' | ').slice(0, 300)}`];
      // A person can act on it: one line, the value shown escaped, what is expected, an example.
      for (const p of mine) if (p.includes('\n') || !/expected/.test(p) || !/e\.g\./.test(p)) problems.push(`${label}: not actionable: ${JSON.stringify(p).slice(0, 300)}`);
      return { refused: true, problems, model: m, files: [] };
    }
    const { files, problems } = renderAll(m);
    const dir = join(work, 'out', label.replace(/[^a-z0-9]+/gi, '-').slice(0, 60) + Math.random().toString(36).slice(2, 6));
    writeFiles(dir, files);
    const all = [...problems, ...cheapChecks(m, files, dir), ...injections(files, baseUsers)];
    if (f.field === 'services.web.env.GREETING.value' && !problems.length) all.push(...envRoundTrip(m, files, 'web', 'GREETING', v));
    return { refused: false, problems: all.map((p) => `${label}: ${p}`), model: m, files };
  }

  it(`every field x every curated hostile string (${FIELDS.length} x ${HOSTILE.length}): refused naming the field, or inert`, async function () {
    const failures: string[] = [];
    const accepted: Case[] = [];
    let refused = 0;
    const rendered: Case[] = [];
    for (const f of FIELDS)
      for (const [i, v] of HOSTILE.entries()) {
        const r = attempt(f, v, `${f.field} = HOSTILE[${i}] ${JSON.stringify(v).slice(0, 40)}`);
        failures.push(...r.problems);
        if (r.refused) refused++;
        else rendered.push({ id: `${f.field}#${i}`, model: r.model, root: '', refused: [], files: r.files, problems: [] });
        if (r.refused) continue;
        else if (f.field.includes('.env.') && !r.problems.length) accepted.push({ id: `${f.field}#${i}`, model: r.model, root: '', refused: [], files: r.files, problems: [] });
      }
    // Every accepted value's workflows through actionlint (identical workflows are linted once).
    await workflowChecks(rendered);
    for (const c of rendered) failures.push(...c.problems.map((p) => `${c.id}: ${p}`));
    // A sample of the accepted env values through helm and kubectl too (batched; env values are the
    // only field most hostile strings may go in, and the in-process checks above see every one).
    const t0 = Date.now();
    if (helmAvailable() && kubectlAvailable()) {
      const batch = accepted.filter((_, i) => i % 6 === 0).map((c, i) => ({ ...c, model: { ...c.model, name: `h${i}` } }));
      for (const c of batch) {
        const r = renderAll(c.model);
        c.files = r.files;
        c.root = join(work, 'costly', c.model.name);
        writeFiles(c.root, r.files);
      }
      costlyChecks(batch, join(work, 'costly'), () => ['overlays/production']);
      for (const c of batch) failures.push(...c.problems.map((p) => `${c.id}: ${p}`));
    }
    if (process.env.FUZZ_VERBOSE) console.log(`${refused} refused, ${accepted.length} env values accepted, costly ${Date.now() - t0} ms`);
    assert.deepEqual(failures, [], `${failures.length} failures (${refused} refused):\n${failures.slice(0, 40).join('\n')}`);
    assert.ok(refused > FIELDS.length * HOSTILE.length * 0.6, `most hostile strings are refused (${refused})`);
  });

  it('random strings (every Unicode plane, control characters) in random fields: refused naming the field, or inert', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: fc.constantFrom('\n', '\r', '\t', '\u0000', '\u0085', '\u2028', '$', '{', '}', "'", '"', '`', '\\', ':', '#', '-', '!', '*', ' ', 'U', 'x', '/', '.', '%', '(', ')'), maxLength: 30 })), (f, v) => {
        const r = attempt(f, v, `${f.field} = ${JSON.stringify(v)}`);
        if (r.problems.length) throw new Error(r.problems.join('\n'));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
