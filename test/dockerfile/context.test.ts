/**
 * What a real builder would send: the generated ignore files applied with
 * @balena/dockerignore (Docker's own rules) to fixture trees that hold everything
 * a containerized repository has next to its sources: secret files, .env files,
 * the Helm chart and kustomize tree, Compose files, the Makefile, the stack model,
 * the devcontainer and git's own data. None of it may reach an image; .env.example,
 * the sources and every file the Dockerfile copies by name must.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { files } from '../../generators/dockerfile/files.js';
import { buildContext } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import { sentContext } from '../helpers/build-context.js';
import { MATRIX, service, stack } from '../helpers/dockerfile-models.js';
import { writeTree } from '../helpers/tree.js';

/** What the stages of a containerized repository leave in a folder, none of it for an image. */
const PRIVATE = [
  'secrets/postgres-password',
  'secrets/README.md',
  'secrets/create.sh',
  '.env',
  '.env.local',
  '.env.production',
  'deploy/helm/shop/Chart.yaml',
  'deploy/helm/shop/values.yaml',
  'deploy/helm/shop/templates/deployment.yaml',
  'deploy/kubernetes/base/kustomization.yaml',
  'deploy/kubernetes/overlays/production/kustomization.yaml',
  'deploy/scripts/deploy.sh',
  'compose.yaml',
  'compose.override.yaml',
  'docker-compose.yml',
  'docker-compose.prod.yml',
  'Makefile',
  '.yo-rc.json',
  '.devcontainer/devcontainer.json',
  '.devcontainer/compose.devcontainer.yaml',
  '.git/config',
  '.git/HEAD',
];
/** Kept: documentation of the variables, no values. */
const SHARED = ['.env.example'];

const under = (dir: string, paths: string[]) => paths.map((p) => (dir === '.' ? p : posix.join(dir, p)));
const tree = (paths: string[], extra: Record<string, string> = {}) => ({ ...Object.fromEntries(paths.map((p) => [p, `${p}\n`])), ...extra });

interface Case {
  title: string;
  model: StackModel;
  service: string;
  /** The fixture repository (the generated Dockerfile and ignore file are added to it). */
  tree: Record<string, string>;
  /** Paths (from the repository root) that must not be sent. */
  private: string[];
  /** Paths that must be sent. */
  sent: string[];
}

const nodeRoot = service({ path: '.', language: 'node', languageVersion: '22', packageManager: 'npm', lockfile: 'package-lock.json', port: 3000, start: ['node', 'server.js'], entry: 'server.js' });
const pythonApi = service({ path: 'api', language: 'python', languageVersion: '3.12', packageManager: 'pip', lockfile: 'requirements.txt', port: 8000, start: ['python', 'app.py'], entry: 'app.py' });
const member = service({ path: 'apps/api', language: 'node', languageVersion: '22', packageManager: 'npm', lockfile: '../../package-lock.json', port: 3000, start: ['node', 'server.js'], entry: 'server.js' });
const site = service({ path: 'site', language: 'static', languageVersion: '1.27', framework: 'nginx', entry: 'deploy/nginx.conf', outputDir: 'public', port: 8080 });

const CASES: Case[] = [
  {
    title: 'a root service: the context is the whole repository',
    model: stack({ app: nodeRoot }),
    service: 'app',
    tree: tree([...PRIVATE, ...SHARED, 'package.json', 'package-lock.json', 'server.js', 'src/routes.js', 'src/secrets/vault.js', 'src/deploy.js']),
    private: PRIVATE,
    sent: [...SHARED, 'package.json', 'package-lock.json', 'server.js', 'src/routes.js', 'src/secrets/vault.js', 'src/deploy.js'],
  },
  {
    title: 'a sub-folder service: the context is its folder (which may hold the same files)',
    model: stack({ api: pythonApi }),
    service: 'api',
    tree: tree([...PRIVATE, ...SHARED, ...under('api', [...PRIVATE, ...SHARED, 'requirements.txt', 'app.py', 'pkg/__init__.py'])]),
    private: [...PRIVATE, ...under('api', PRIVATE)],
    sent: under('api', [...SHARED, 'requirements.txt', 'app.py', 'pkg/__init__.py']),
  },
  {
    title: 'a workspace member: the context is the workspace root',
    model: stack({ api: member }),
    service: 'api',
    tree: tree([
      ...PRIVATE,
      ...SHARED,
      ...under('apps/api', ['.env', '.env.local', '.env.example']),
      'package.json',
      'package-lock.json',
      'apps/api/package.json',
      'apps/api/server.js',
      'packages/shared/package.json',
      'packages/shared/index.js',
    ]),
    private: [...PRIVATE, 'apps/api/.env', 'apps/api/.env.local'],
    sent: [...SHARED, 'apps/api/.env.example', 'package.json', 'package-lock.json', 'apps/api/package.json', 'apps/api/server.js', 'packages/shared/package.json', 'packages/shared/index.js'],
  },
  {
    title: 'a static site whose nginx config lives in its own deploy/ folder: that one file is still sent',
    model: stack({ site }),
    service: 'site',
    tree: tree(under('site', [...PRIVATE, 'public/index.html']), { 'site/deploy/nginx.conf': 'server { listen 8080; }\n' }),
    private: under('site', PRIVATE),
    sent: ['site/deploy/nginx.conf', 'site/public/index.html'],
  },
];

/** The sources the Dockerfile names in COPY (without --from) and bind mounts, relative to its context. */
function namedSources(dockerfile: string): string[] {
  const text = dockerfile.replace(/\\\n/g, ' ');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const copy = /^COPY\s+(.*)$/.exec(line);
    if (copy && !/--from=/.test(copy[1]!)) {
      const words = copy[1]!.split(/\s+/).filter((w) => w && !w.startsWith('--'));
      out.push(...words.slice(0, -1));
    }
    for (const m of line.matchAll(/--mount=type=bind,source=([^,\s]+)/g)) out.push(m[1]!);
  }
  // `name[x]` is our "copy it if it exists" idiom: the file it names is `namex`. A folder ends with '/'.
  return out.filter((s) => s !== '.' && s !== './').map((s) => s.replace(/\[(.)\]/g, '$1'));
}

describe('build context: what a builder sends (Docker ignore rules, @balena/dockerignore)', () => {
  for (const c of CASES) {
    describe(c.title, () => {
      let root: string;
      let sent: ReturnType<typeof sentContext>;
      let dockerfile: string;
      before(() => {
        root = mkdtempSync(join(tmpdir(), 'context-'));
        const out = files(c.model);
        writeTree(root, { ...c.tree, ...Object.fromEntries(out.map((f) => [f.path, f.content])) });
        dockerfile = out.find((f) => f.path === buildContext(c.model.services[c.service]!).dockerfile)!.content;
        sent = sentContext(root, c.model.services[c.service]!);
      });
      after(() => rmSync(root, { recursive: true, force: true }));

      it('reads a generated ignore file', () => {
        assert.ok(sent.ignoreFile, 'an ignore file is found');
      });

      it('sends no secret, env file, deployment manifest, Compose file, Makefile, model, devcontainer or git data', () => {
        const leaked = c.private.filter((p) => sent.files.includes(p));
        assert.deepEqual(leaked, [], `in the ${sent.context} context: ${leaked.join(', ')}`);
      });

      it('sends .env.example and the sources', () => {
        const missing = c.sent.filter((p) => !sent.files.includes(p));
        assert.deepEqual(missing, [], `missing from the ${sent.context} context: ${missing.join(', ')}`);
      });

      it('sends every file the Dockerfile copies by name', () => {
        for (const src of namedSources(dockerfile).map((x) => x.replace(/\/$/, ''))) {
          const rel = sent.context === '.' ? src : posix.join(sent.context, src);
          if (!existsSync(join(root, rel))) continue; // an optional manifest this tree does not have
          if (statSync(join(root, rel)).isDirectory()) assert.ok(sent.files.some((f) => f.startsWith(`${rel}/`)), `${rel}/ is sent`);
          else assert.ok(sent.files.includes(rel), `${rel} is sent`);
        }
      });
    });
  }
});

describe('build context: every Dockerfile of the matrix gets the files it copies by name', () => {
  for (const c of MATRIX) {
    it(c.id, () => {
      const model = stack({ [c.id]: c.svc });
      const out = files(model);
      const { context, dockerfile } = buildContext(c.svc);
      const text = out.find((f) => f.path === dockerfile)!.content;
      const named = namedSources(text).map((src) => (context === '.' ? src : `${context}/${src}`));
      const root = mkdtempSync(join(tmpdir(), 'context-'));
      try {
        // Each named source as a file (a folder, named with a final '/', gets one file inside), with the private files.
        writeTree(root, { ...tree(named.map((p) => (p.endsWith('/') ? `${p}x` : p))), ...tree(under(context, PRIVATE)) });
        writeTree(root, Object.fromEntries(out.map((f) => [f.path, f.content])));
        const sent = sentContext(root, c.svc);
        for (const p of named) assert.ok(sent.files.some((f) => f === p || (p.endsWith('/') && f.startsWith(p))), `${p} is sent`);
        assert.deepEqual(under(context, PRIVATE).filter((p) => sent.files.includes(p)), []);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }
});
