import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kinds, toDnsLabel } from '../../lib/model/kinds.js';
import { canonical, checkSetTargets, mergeLayers, portFromText, readAnswersFile, setsToLayer, splitCommand } from '../../lib/model/merge.js';
import { UsageError } from '../../lib/model/usage.js';
import { ConfigError, migrate } from '../../lib/model/migrate.js';
import { checkModel } from '../../lib/model/validate.js';
import { followOwners } from '../../lib/model/processes.js';
import { leaveOutIncomplete } from '../../lib/generator/base.js';
import { buildQuestions, applyAnswers } from '../../lib/model/questions.js';
import { SCHEMA_VERSION, type StackModel } from '../../lib/model/types.js';
import { service } from '../helpers/models.js';

const svc = (over: Record<string, unknown> = {}) =>
  service({
    path: 'web',
    language: 'node',
    framework: 'express',
    packageManager: 'npm',
    lockfile: 'package-lock.json',
    port: 3000,
    start: ['node', 'server.js'],
    healthPath: '/healthz',
    public: true,
    entry: 'server.js',
    ...over,
  });

function repoWith(...dirs: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'model-'));
  for (const d of dirs) mkdirSync(join(root, d), { recursive: true });
  return root;
}

const model = (over: Partial<StackModel> = {}): StackModel =>
  ({ schemaVersion: SCHEMA_VERSION, name: 'shop', registry: 'ghcr.io/acme', services: { web: svc() }, backing: {}, ...over }) as StackModel;

describe('value kinds', () => {
  it('accepts and rejects DNS-1123 labels', () => {
    assert.equal(kinds.dnsLabel('web-2'), null);
    for (const bad of ['Web', 'web_2', '-web', 'web-', '2fa', '', 'a'.repeat(64)]) assert.ok(kinds.dnsLabel(bad), bad);
  });
  it('accepts ports 1-65535 only', () => {
    assert.equal(kinds.port(1), null);
    assert.equal(kinds.port(65535), null);
    for (const bad of [0, 65536, 80.5, '80', null]) assert.ok(kinds.port(bad), String(bad));
    assert.equal(kinds.optionalPort(null), null);
  });
  it('accepts registry prefixes and rejects references with tags or upper case', () => {
    for (const ok of ['ghcr.io/acme', 'localhost/shop', 'registry.example.com:5000/team/sub', 'docker.io/user']) assert.equal(kinds.imagePrefix(ok), null, ok);
    for (const bad of ['GHCR.io/acme', 'ghcr.io/acme:tag', 'ghcr.io/acme/', 'https://ghcr.io/acme']) assert.ok(kinds.imagePrefix(bad), bad);
  });
  it('keeps paths inside the repository', () => {
    assert.equal(kinds.relPath('services/web'), null);
    for (const bad of ['/abs', '../up', 'a/../../b', 'a\\b', '']) assert.ok(kinds.relPath(bad), bad);
  });
  it('turns any name into a DNS label', () => {
    assert.equal(toDnsLabel('@acme/Web_UI'), 'web-ui');
    assert.equal(toDnsLabel('___'), 'app');
    assert.equal(toDnsLabel('2fa-service', 'svc'), 'svc-2fa-service');
  });
});

describe('merging answers', () => {
  it('merges deeply, replaces arrays, and removes a service set to null', () => {
    const merged = mergeLayers(
      { services: { web: { port: 3000, start: ['a'] }, old: { port: 1 } } },
      { services: { web: { start: ['b', 'c'] }, old: null } },
    );
    assert.deepEqual(merged, { services: { web: { port: 3000, start: ['b', 'c'] } } });
  });
  it('parses --set paths and coerces values by field', () => {
    assert.deepEqual(
      setsToLayer(['web.port=8080', 'web.public=false', 'web.start=node "my server.js"', 'worker.port=null', 'backing.redis.version=7', 'registry=ghcr.io/x', 'web.dependsOn=api,redis']),
      {
        services: { web: { port: 8080, public: false, start: ['node', 'my server.js'], dependsOn: ['api', 'redis'] }, worker: { port: null } },
        backing: { redis: { version: '7' } },
        registry: 'ghcr.io/x',
      },
    );
    assert.throws(() => setsToLayer(['web.port']), /must look like <path>=<value>/);
  });
  it('reaches env entries and the repository\'s own files, and rejects a path that is no field, naming the nearest', () => {
    assert.deepEqual(setsToLayer(['web.env.LOG_LEVEL.value=debug', 'existing.makefile.link=true', 'existing.compose=null']), {
      services: { web: { env: { LOG_LEVEL: { value: 'debug' } } } },
      existing: { makefile: { link: true }, compose: null },
    });
    const rejects: [string, RegExp][] = [
      ['web.prot=3000', /"prot" is not a service field; did you mean "port"\?/],
      ['services.web.pubic=true', /"pubic" is not a service field; did you mean "public"\?/],
      ['backing.redis.versoin=7', /"versoin" is not a field of a backing service; did you mean "version"\?/],
      ['existing.makefil.link=true', /"makefil" is not a kind of existing file; did you mean "makefile"\?/],
      ['web.env.X.val=1', /"val" is not a field of an environment variable; did you mean "value"\?/],
      ['web.port.x=1', /web\.port is a single value/],
      ['name.x=y', /name is a single value/],
      ['schemaVersion=3', /schemaVersion is written by the generator/],
    ];
    for (const [raw, message] of rejects) assert.throws(() => setsToLayer([raw]), (e: Error) => e instanceof UsageError && message.test(e.message), raw);
  });
  it('rejects a --set on a service or backing service the model does not have, unless the flags create it', () => {
    const model = { services: { web: {}, api: {} }, backing: { redis: {} } };
    assert.throws(() => checkSetTargets(setsToLayer(['wbe.port=1']), model, ['wbe.port=1']), /--set wbe\.port=1: there is no service "wbe"; did you mean "web"\?/);
    assert.throws(() => checkSetTargets(setsToLayer(['backing.reds.version=7']), model), /no backing service "reds"; did you mean "redis"\?/);
    checkSetTargets(setsToLayer(['admin.path=admin', 'admin.port=1', 'backing.db.kind=postgres', 'web.port=2']), model);
  });
  it('splits commands honouring quotes', () => {
    assert.deepEqual(splitCommand(`gunicorn -b '0.0.0.0:8000' "app:create_app()"`), ['gunicorn', '-b', '0.0.0.0:8000', 'app:create_app()']);
    // Quotes join the text around them, as in a shell; a backslash outside quotes escapes.
    assert.deepEqual(splitCommand(`node --title="my app" a\\ b 'x'"y"`), ['node', '--title=my app', 'a b', 'xy']);
  });
  it('reads a port flag as a number, null for none, else the text (the validator names it)', () => {
    assert.deepEqual(['8080', 'none', 'null', '', 'abc', '80.5'].map(portFromText), [8080, null, null, null, 'abc', '80.5']);
  });
  it('reads answers files, including a whole .yo-rc.json, and reports bad ones clearly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'answers-'));
    writeFileSync(join(dir, 'a.yaml'), 'services:\n  web:\n    start: node server.js\n');
    assert.deepEqual(readAnswersFile(join(dir, 'a.yaml')), { services: { web: { start: ['node', 'server.js'] } } });
    writeFileSync(join(dir, 'rc.json'), JSON.stringify({ 'generator-containerize': { name: 'x' } }));
    assert.deepEqual(readAnswersFile(join(dir, 'rc.json')), { name: 'x' });
    writeFileSync(join(dir, 'bad.yaml'), 'services: [\n');
    assert.throws(() => readAnswersFile(join(dir, 'bad.yaml')), /not valid YAML or JSON/);
    writeFileSync(join(dir, 'list.yaml'), '- a\n');
    assert.throws(() => readAnswersFile(join(dir, 'list.yaml')), /must hold a mapping/);
  });
  it('gives the stored model a stable key order', () => {
    const m = model({ services: { web: svc(), api: svc({ path: 'api', public: false }) }, backing: { redis: { kind: 'redis', version: '7' } } });
    const shuffled = JSON.parse(JSON.stringify(m));
    shuffled.services = { web: Object.fromEntries(Object.entries(shuffled.services.web).reverse()), api: shuffled.services.api };
    assert.equal(JSON.stringify(canonical(shuffled)), JSON.stringify(canonical(m)));
    assert.deepEqual(Object.keys(canonical(m).services), ['api', 'web']);
  });
});

describe('migration', () => {
  it('upgrades an unversioned config to the current version', () => {
    assert.equal(migrate({ name: 'x', services: {} }).schemaVersion, SCHEMA_VERSION);
    assert.equal(migrate({ schemaVersion: 1, name: 'x', services: {} }).schemaVersion, SCHEMA_VERSION, 'a version-1 model (no existing files) is read as is');
  });
  it('refuses newer, non-numeric and non-object configs', () => {
    assert.throws(() => migrate({ schemaVersion: SCHEMA_VERSION + 1 }), ConfigError);
    assert.throws(() => migrate({ schemaVersion: 'one' }), /not a whole number/);
    assert.throws(() => migrate([]), /must be an object/);
    assert.throws(() => migrate({ services: [] }), /"services" must be an object keyed by name/);
  });
});

describe('whole-model validation', () => {
  it('accepts a valid model', () => {
    assert.deepEqual(checkModel(model(), repoWith('web')), []);
  });
  it('checks the repository\'s own files: known kinds, relative paths, links only where a block can go', () => {
    const existing = { makefile: { path: 'Makefile', link: true }, compose: { path: '/abs/compose.yml', link: true }, nginx: { path: 'x' } };
    assert.deepEqual(checkModel(model({ existing } as never), repoWith('web')), [
      `existing.compose.path: "/abs/compose.yml" is an absolute path; expected a relative path inside the repository, of letters, digits, '.', '_', '-', '@' and '+' ('.' for the root), e.g. services/api`,
      'existing.compose.link: is true, but only makefile and envExample can be linked; expected false, e.g. --set existing.compose.link=false',
      'existing.nginx: is not a kind of existing file; expected one of compose, makefile, envExample, devcontainer, e.g. existing.makefile',
    ]);
  });
  it('reports every problem at once, naming each field', () => {
    const problems = checkModel(
      model({
        name: 'Shop',
        services: {
          web: svc({ port: 70000, start: [], dependsOn: ['nope', 'web'], env: { API_TOKEN: { value: 'x', secret: true } } }),
          api: svc({ path: 'missing', public: true, port: null }),
        },
      }),
      repoWith('web'),
    );
    const expect = [
      /^name: "Shop" is not a DNS-1123 label/,
      /^services\.web\.port: 70000 is not a port/,
      /^services\.web\.start: is unknown/,
      /^services\.web\.dependsOn: names "nope"/,
      /^services\.web\.dependsOn: names the service itself/,
      /^services\.web\.env\.API_TOKEN: is a secret and must not have a value/,
      /^services\.api\.path: "missing" does not exist/,
      /^services\.api\.public: is true but the service has no port/,
    ];
    for (const re of expect) assert.ok(problems.some((p) => re.test(p)), `${re} in\n${problems.join('\n')}`);
  });
  it('reports a start command that listens on another port than the model says', () => {
    const problems = checkModel(model({ services: { web: svc({ start: ['gunicorn', '--bind', '0.0.0.0:8000', 'app:app'], port: 9000 }) } }), repoWith('web'));
    assert.ok(problems.some((p) => /services\.web\.start: listens on port 8000 but the service's port is 9000/.test(p)), problems.join('\n'));
  });
  it('reports clashing public ports and duplicate paths', () => {
    const problems = checkModel(model({ services: { web: svc(), ui: svc() } }), repoWith('web'));
    assert.ok(problems.some((p) => /3000 clashes with public service "ui"|3000 clashes with public service "web"/.test(p)));
    assert.ok(problems.some((p) => /is also the path of/.test(p)));
  });
  it('requires at least one service and known backing kinds', () => {
    const problems = checkModel(model({ services: {}, backing: { cache: { kind: 'couchdb' as never, version: '3' } } }), repoWith());
    assert.ok(problems.some((p) => /there is no service/.test(p)));
    assert.ok(problems.some((p) => /backing\.cache\.kind: "couchdb" is not one of/.test(p)));
  });
});

describe('questions', () => {
  const merged = { name: 'shop', registry: 'ghcr.io/acme', services: { web: svc(), worker: svc({ path: 'worker', port: null, public: false, start: [] }) } };
  it('asks what is neither answered nor detected with evidence', () => {
    const evidence = { web: { port: 'web/server.js:9' }, worker: { port: 'default' } };
    const names = buildQuestions({ merged, answered: {}, evidence, askAnswered: false }).map((q) => q.name);
    assert.deepEqual(names, ['name', 'registry', 'public', 'worker/start', 'worker/port']);
  });
  it('asks nothing when everything is answered, everything with --ask-answered', () => {
    const answered = { name: 'shop', registry: 'r/x', services: { web: { public: true, port: 3000, start: ['x'] }, worker: { public: false, port: null, start: ['y'] } } };
    const withStarts = { ...merged, services: { web: svc(), worker: svc({ path: 'worker', port: null, public: false, start: ['y'] }) } };
    assert.deepEqual(buildQuestions({ merged: withStarts, answered, askAnswered: false }), []);
    // name, registry, public; the ten delivery choices (asked only with --ask-answered); four per service.
    const all = buildQuestions({ merged: withStarts, answered, askAnswered: true });
    assert.equal(all.length, 3 + 10 + 2 * 4);
    assert.match(String(all.find((q) => q.name === 'delivery/ingress')!.validate!('haproxy')), /nginx, traefik, gateway-api/);
    assert.match(String(all.find((q) => q.name === 'delivery/domain')!.validate!('Not A Domain')), /is not a DNS name/);
    assert.equal(all.find((q) => q.name === 'delivery/domain')!.validate!(''), true);
    const tool = all.find((q) => q.name === 'delivery/deployTool')!;
    assert.equal(tool.default, 'kustomize');
    assert.equal(tool.validate!('manifests'), true);
    assert.match(String(tool.validate!('argo')), /kustomize, helm, manifests/);
    assert.match(String(all.find((q) => q.name === 'delivery/gitops')!.validate!('flux')), /none, argocd, argocd-applicationset/);
  });
  it('asks where each backing service runs per environment with --ask-answered, and turns the answers into the backing layer', () => {
    const withBacking = { ...merged, backing: { db: { kind: 'postgres', version: '16' } } };
    const qs = buildQuestions({ merged: withBacking, answered: {}, askAnswered: true }).filter((q) => q.name.startsWith('backing/'));
    assert.deepEqual(qs.map((q) => q.name), ['backing/db/staging', 'backing/db/production']);
    assert.equal(qs[1]!.validate!('external-ip'), true);
    assert.match(String(qs[1]!.validate!('outside')), /cluster, external-name, external-ip/);
    assert.deepEqual(applyAnswers({ 'backing/db/staging': '', 'backing/db/production': 'external-ip' }, withBacking).backing, { db: { production: 'external-ip' } });
  });
  it('turns delivery answers into the delivery layer (an empty registry kind keeps the derived default)', () => {
    assert.deepEqual(applyAnswers({ 'delivery/registryKind': '', 'delivery/deployTool': 'helm', 'delivery/previews': true }, merged), {
      services: {},
      delivery: { deployTool: 'helm', previews: true },
    });
  });
  it('turns answers into a model layer', () => {
    assert.deepEqual(applyAnswers({ name: ' shop ', public: [], 'worker/port': '', 'worker/start': 'go run .', 'web/healthPath': '' }, merged), {
      name: 'shop',
      services: { web: { public: false, healthPath: null }, worker: { port: null, start: ['go', 'run', '.'] } },
    });
  });
});

describe('several processes of one folder (imageFrom, release)', () => {
  const root = repoWith('web');
  const worker = (over: Record<string, unknown> = {}) => ({ ...svc(), port: null, healthPath: null, public: false, start: ['node', 'worker.js'], imageFrom: 'web', ...over });

  it('a process shares its owner\'s folder, and a release command runs once without a port', () => {
    const m = model({ services: { web: svc(), worker: worker(), migrate: worker({ start: ['node', 'migrate.js'], release: true }) } as never });
    assert.deepEqual(checkModel(m, root), []);
  });

  it('two services of one folder without imageFrom are refused, naming the fix', () => {
    const problems = checkModel(model({ services: { web: svc(), worker: { ...worker(), imageFrom: undefined } } as never }), root);
    assert.ok(problems.some((p) => /services\.worker\.path: "web" is also the path of "web".*worker\.imageFrom=web/.test(p)), problems.join('\n'));
  });

  it('imageFrom must name another service that owns its image; a release needs imageFrom and no port', () => {
    const problems = checkModel(
      model({
        services: {
          web: svc(),
          a: worker({ imageFrom: 'nope' }),
          b: worker({ imageFrom: 'b' }),
          c: worker({ imageFrom: 'a' }),
          d: { ...svc(), path: 'web', public: false, port: null, healthPath: null, release: true },
          e: worker({ release: true, port: 4000 }),
        } as never,
      }),
      root,
    );
    for (const re of [/services\.a\.imageFrom: "nope" is not a service; expected/, /services\.b\.imageFrom: names the service itself/, /services\.c\.imageFrom: "a" runs the image of "nope" itself/, /services\.d\.release: a release command with no imageFrom/, /services\.e\.port: 4000 on a release command/])
      assert.ok(problems.some((p) => re.test(p)), `${re}\n${problems.join('\n')}`);
  });

  it('image fields that differ from the owner\'s are reported; followOwners copies them, so --set on the owner moves its processes', () => {
    const m = model({ services: { web: svc({ languageVersion: '24' }), worker: worker({ languageVersion: '22' }) } as never });
    assert.ok(checkModel(m, root).some((p) => /services\.worker\.languageVersion: "22" differs from "web", whose image it runs; expected "24"/.test(p)));
    followOwners(m);
    assert.equal(m.services.worker!.languageVersion, '24');
    assert.deepEqual(checkModel(m, root), []);
  });

  it('release: false and imageFrom: null are the defaults and are not stored', () => {
    const m = followOwners(model({ services: { web: svc({ release: false, imageFrom: null }) } as never }));
    assert.ok(!('release' in m.services.web!) && !('imageFrom' in m.services.web!));
  });

  it('--set reaches imageFrom and release (release as a boolean)', () => {
    assert.deepEqual(setsToLayer(['worker.imageFrom=web', 'worker.release=true']), { services: { worker: { imageFrom: 'web', release: true } } });
  });

  it('a version-2 model (one service per folder) migrates to version 3 unchanged', () => {
    const m = migrate({ schemaVersion: 2, name: 'shop', registry: 'localhost', services: { web: svc() }, backing: {} });
    assert.equal(m.schemaVersion, 3);
    assert.deepEqual(m.services.web, svc());
  });

  it('a service left out for an unknown start takes its processes with it', () => {
    const m = model({ services: { web: svc({ start: [] }), worker: worker(), api: svc({ path: 'api' }) } as never });
    const out = leaveOutIncomplete(m);
    assert.deepEqual(out.map((o) => o.name).sort(), ['web', 'worker']);
    assert.deepEqual(Object.keys(m.services), ['api']);
    assert.match(out.find((o) => o.name === 'worker')!.flag, /--set web\.start=/);
  });
});

describe('a process added by flags alone', () => {
  it('--set <name>.imageFrom and .start create a worker of the owner\'s image, calling what it calls', () => {
    const root = repoWith('web');
    const base = model({ services: { web: svc({ dependsOn: ['redis'] }) }, backing: { redis: { kind: 'redis', version: '7' } } } as never);
    const sets = setsToLayer(['queue.imageFrom=web', 'queue.start=node queue.js']);
    checkSetTargets(sets, base as never);
    const merged = followOwners(migrate(mergeLayers(base as never, sets), 'test'));
    assert.deepEqual(checkModel(merged, root), []);
    assert.deepEqual(merged.services.queue, { ...svc({ dependsOn: ['redis'] }), port: null, healthPath: null, public: false, env: {}, start: ['node', 'queue.js'], imageFrom: 'web' });
  });
});
