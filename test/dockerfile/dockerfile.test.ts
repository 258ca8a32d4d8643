/**
 * The dockerfile stage over a matrix of services covering every language and
 * package manager it supports: each generated Dockerfile passes dockerfile-utils
 * and our rules (lib/validate/dockerfile.ts), and carries the structure the
 * other stages rely on. Plus .dockerignore contents, the existing-Dockerfile
 * rule, determinism, and a golden tree for the taskboard example.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectStack, toModel } from '../../lib/detect/index.js';
import { files, renderDockerfile, renderDockerignore } from '../../generators/dockerfile/files.js';
import { isNodeStatic } from '../../lib/languages/node/dev.js';
import { pythonBuild } from '../../lib/languages/python/dockerfile.js';
import { CONTAINER_UID, isWorkspaceMember } from '../../lib/model/derive.js';
import { imagePin } from '../../lib/catalog/images.js';
import { checkOutput } from '../../lib/validate/outputs.js';
import { lintDockerfile } from '../../lib/validate/dockerfile.js';
import { goldenTree } from '../helpers/golden.js';
import { MATRIX, service, stack, taskboardModel } from '../helpers/dockerfile-models.js';
import { REPO_ROOT, writeTree } from '../helpers/tree.js';

/** Instruction lines of a stage (continuations joined), by stage name. */
function stages(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  const joined = text.replace(/\\\n/g, ' ').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  for (const line of joined) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
    if (from) out.set(from[1]!, (current = [line]));
    else current?.push(line);
  }
  return out;
}

describe('dockerfile stage', () => {
  describe('matrix: every language and package manager', () => {
    for (const c of MATRIX) {
      describe(c.id, () => {
        const model = stack({ [c.id]: c.svc });
        const text = renderDockerfile(model, c.id);
        const st = stages(text);
        const runtime = st.get('runtime') ?? [];

        it('passes dockerfile-utils and our rules', () => {
          assert.deepEqual(lintDockerfile(text, { port: c.svc.port, dependencies: c.install !== null }), []);
        });

        it('declares the detected version as an overridable ARG and pins every base image', () => {
          const version = c.svc.language === 'static' ? c.svc.languageVersion : c.svc.languageVersion;
          assert.match(text, new RegExp(`^ARG \\w+_VERSION=${version.replace(/\./g, '\\.')}$`, 'm'));
          assert.doesNotMatch(text, /:latest\b/);
          for (const m of text.matchAll(/^FROM (\S+)/gm)) assert.ok(/[:@]/.test(m[1]!) || st.has(m[1]!) || m[1] === '${RUNTIME_IMAGE}', `FROM ${m[1]}`);
        });

        it('has a dev stage and ends with the runtime stage, both as the container user', () => {
          assert.ok(st.has('dev'), 'dev stage');
          assert.equal([...st.keys()].pop(), 'runtime');
          assert.ok(st.get('dev')!.includes(`USER ${CONTAINER_UID}:${CONTAINER_UID}`));
          assert.equal(runtime.filter((l) => l.startsWith('USER ')).pop(), `USER ${CONTAINER_UID}:${CONTAINER_UID}`);
        });

        it('starts the model command in exec form', () => {
          const cmd = runtime.filter((l) => l.startsWith('CMD ')).pop()!;
          const words = JSON.parse(cmd.slice(4)) as string[];
          if (c.svc.language === 'static' || (c.svc.language === 'node' && isNodeStatic(c.svc))) assert.deepEqual(words, ['nginx', '-g', 'daemon off;']);
          // A workspace member finds hoisted binaries on PATH (/app/node_modules/.bin and its own).
          else if (c.svc.start.length && isWorkspaceMember(c.svc)) assert.deepEqual(words, [c.svc.start[0]!.replace(/^node_modules\/\.bin\//, ''), ...c.svc.start.slice(1)]);
          else if (c.svc.start.length) assert.deepEqual(words, c.svc.start);
        });

        it('exposes the port and checks health where the model has them', () => {
          assert.equal(runtime.some((l) => l.startsWith('EXPOSE ')), c.svc.port !== null);
          const health = runtime.find((l) => l.startsWith('HEALTHCHECK '));
          if (c.svc.healthPath && c.svc.port !== null) {
            assert.ok(health, 'HEALTHCHECK');
            assert.ok(health.includes(c.svc.healthPath) && health.includes(String(c.svc.port)), health);
          } else assert.equal(health, undefined);
        });

        if (c.install) {
          it('installs dependencies from the manifests, with a cache mount, before copying the source', () => {
            const lines = text.replace(/\\\n/g, ' ').split('\n');
            const install = lines.findIndex((l) => l.startsWith('RUN ') && c.install!.test(l));
            assert.ok(install >= 0, `an install matching ${c.install}`);
            assert.match(lines[install]!, /--mount=type=cache,target=/);
            if (isWorkspaceMember(c.svc)) {
              // The install's stage starts from the manifests stage, which keeps only the manifests.
              const from = lines.slice(0, install).reverse().find((l) => l.startsWith('FROM '))!;
              assert.match(from, /^FROM base AS (deps|prod-deps)$/);
              assert.equal(lines[lines.indexOf(from) + 1], 'COPY --from=manifests /app ./');
              assert.match(text, /FROM base AS manifests\nCOPY \. \.\nRUN find \. -type d -name node_modules -prune -exec rm -rf \{\} \+/);
              return;
            }
            const manifests = lines.slice(0, install).filter((l) => /^COPY (?!--from)/.test(l));
            assert.ok(manifests.length > 0 && manifests.every((l) => !/^COPY \. /.test(l)), 'only manifests before the install');
            if (c.svc.lockfile && !c.svc.lockfile.startsWith('..') && c.svc.packageManager !== 'pip')
              assert.ok(manifests.some((l) => l.includes(c.svc.lockfile!)), `the lockfile ${c.svc.lockfile} is copied before the install`);
          });
        }

        it('has no secret-looking ARG or ENV and no latest tag', () => {
          for (const l of text.split('\n').filter((x) => /^(ARG|ENV) /.test(x))) assert.doesNotMatch(l, /PASSWORD|SECRET|TOKEN/i, l);
        });

        it('renders the same bytes twice', () => {
          assert.equal(renderDockerfile(model, c.id), text);
          assert.equal(renderDockerignore(model, c.id), renderDockerignore(model, c.id));
        });
      });
    }
  });

  describe('language specifics', () => {
    const render = (id: string) => {
      const c = MATRIX.find((x) => x.id === id)!;
      return renderDockerfile(stack({ [id]: c.svc }), id);
    };

    it('node: npm ci with dev dependencies for the build, --omit=dev for the runtime, tini as PID 1', () => {
      const t = render('node-pnpm-typescript');
      assert.match(t, /pnpm install --frozen-lockfile\n/);
      assert.match(t, /pnpm install --frozen-lockfile --prod/);
      assert.match(t, /RUN corepack enable/);
      const n = render('node-npm-express');
      assert.match(n, /npm ci --no-audit --no-fund/);
      assert.match(n, /npm ci --omit=dev/);
      assert.match(n, /ENTRYPOINT \["tini", "--"\]/);
      assert.match(n, /CMD \["node", "--watch", "--inspect=0.0.0.0:9229", "server.js"\]/, "dev: node --watch");
    });

    it('node: a lockfile outside the build context is not copied, and says so', () => {
      const t = render('node-pnpm-workspace-member');
      assert.doesNotMatch(t, /pnpm-lock\.yaml \.\//);
      assert.match(t, /outside this build context/);
      assert.doesNotMatch(t, /--frozen-lockfile/);
    });

    it('node static builds (vite, cra) are built in node and served by unprivileged nginx', () => {
      for (const id of ['node-npm-vite-static', 'node-yarn-cra-static']) {
        const t = render(id);
        const out = MATRIX.find((x) => x.id === id)!.svc.outputDir;
        assert.match(t, new RegExp(`FROM ${imagePin('nginx').repository}:\\$\\{NGINX_VERSION\\}-bookworm AS runtime`));
        assert.match(t, new RegExp(`COPY --from=build /app/${out}/ /usr/share/nginx/html/`));
        assert.match(t, /try_files \$uri \$uri\/ \/index\.html/);
      }
    });

    it('python: a virtualenv built from the manifests, copied into the runtime; unbuffered, no bytecode writes', () => {
      const t = render('python-pip-flask-gunicorn');
      assert.match(t, /RUN python -m venv --without-pip \/opt\/venv/);
      assert.match(t, /pip --python \/opt\/venv\/bin\/python install -r requirements\.txt/);
      assert.match(t, /COPY --from=builder \/opt\/venv \/opt\/venv/);
      assert.match(t, /PYTHONUNBUFFERED=1/);
      assert.match(t, /PYTHONDONTWRITEBYTECODE=1/);
      assert.match(t, /CMD \["gunicorn", "--reload", "--bind"/, 'dev: gunicorn --reload');
      assert.match(render('python-poetry-fastapi-uvicorn'), /"--reload"\]/);
      assert.match(render('python-uv-fastapi'), /COPY --from=uv \/uv \/uvx \/usr\/local\/bin\//);
      assert.match(render('python-pipenv-django'), /pipenv requirements > \/tmp\/requirements\.txt/);
      assert.doesNotMatch(render('python-pipenv-django').split('AS dev')[1]!.split('AS runtime')[0]!, /--noreload/);
      assert.match(render('python-pip-requirements-dir'), /COPY requirements\/ \.\/requirements\/\n/, 'the folder keeps its name: -r includes resolve');
      assert.match(render('python-pip-pyproject'), /import tomli as tomllib/, 'python < 3.11 reads pyproject.toml with tomli');
    });

    it('python: a project without a build runs from /app, not installed (no build stage)', () => {
      for (const id of ['python-pip-flask-gunicorn', 'python-uv-fastapi', 'python-poetry-fastapi-uvicorn', 'python-pip-pyproject']) {
        const st = stages(render(id));
        assert.ok(!st.has('build'), id);
        assert.deepEqual(st.get('runtime')!.filter((l) => l.startsWith('COPY ')), ['COPY --from=builder /opt/venv /opt/venv', 'COPY . .'], id);
        assert.ok(!st.get('dev')!.some((l) => l.startsWith('COPY ')), `${id}: the dev stage has no source (it is bind-mounted)`);
      }
    });

    describe('python: an installable project (model build) is installed into /opt/venv after the source', () => {
      const cases: [id: string, depInstall: RegExp, build: string, dev: string][] = [
        ['python-uv-src-layout', /uv sync --frozen --no-dev --no-install-project$/, 'uv sync --frozen --no-dev --no-editable', 'uv sync --frozen'],
        [
          'python-poetry-scripts',
          /poetry install --only main --no-root --no-interaction --no-ansi$/,
          '/opt/poetry/bin/poetry install --only-root --no-interaction --no-ansi',
          '/opt/poetry/bin/poetry install --only-root --no-interaction --no-ansi',
        ],
        [
          'python-pip-pyproject-console-script',
          /pip --python \/opt\/venv\/bin\/python install -r \/tmp\/requirements\.txt$/,
          'pip --python /opt/venv/bin/python install --no-deps .',
          'pip --python /opt/venv/bin/python install --no-deps -e .',
        ],
      ];
      for (const [id, depInstall, build, dev] of cases) {
        it(id, () => {
          const st = stages(render(id));
          const runCmd = (l: string) => l.replace(/^RUN (--mount=\S+\s+)*/, '');
          // builder: the dependencies from the manifests only, never the source.
          const builder = st.get('builder')!;
          assert.ok(builder.some((l) => l.startsWith('RUN ') && depInstall.test(runCmd(l))), `builder installs the dependencies: ${builder.join('\n')}`);
          assert.ok(!builder.some((l) => /^COPY \. /.test(l)), 'no source in the builder: a source change reuses the dependency layer');
          // build: FROM builder, the source, then the project install (with the cache mount).
          const b = st.get('build')!;
          assert.match(b[0]!, /^FROM builder AS build$/);
          assert.deepEqual(b.slice(1).map((l) => (l.startsWith('RUN ') ? runCmd(l) : l)), ['COPY . .', build]);
          assert.match(b[2]!, /--mount=type=cache,target=/);
          // dev: the same install, editable, after the source (the bind mount replaces it at run time).
          const d = st.get('dev')!;
          const at = d.indexOf('COPY . .');
          assert.ok(at > 0, 'dev copies the source for the editable install');
          assert.equal(runCmd(d[at + 1]!), dev);
          // runtime: the virtualenv and /app of the build stage.
          assert.deepEqual(st.get('runtime')!.filter((l) => l.startsWith('COPY ')), ['COPY --from=build /opt/venv /opt/venv', 'COPY --from=build /app ./']);
        });
      }

      it('a build that is no project install runs in the build stage only (not in dev), the command as written', () => {
        const c = MATRIX.find((x) => x.id === 'python-pip-requirements-dir')!;
        const svc = { ...c.svc, build: 'python manage.py collectstatic --noinput' };
        const t = renderDockerfile(stack({ web: svc }), 'web');
        const st = stages(t);
        assert.deepEqual(st.get('build')!.slice(1).map((l) => l.replace(/^RUN (--mount=\S+\s+)*/, '')), ['COPY . .', 'python manage.py collectstatic --noinput']);
        assert.ok(!st.get('dev')!.some((l) => l.startsWith('COPY ')));
        assert.deepEqual(lintDockerfile(t, { port: svc.port, dependencies: true }), []);
        assert.deepEqual(pythonBuild(svc), { run: 'python manage.py collectstatic --noinput', dev: null });
      });

      it('pip is the image pip aimed at the virtualenv; poetry only maps to /opt/poetry for a poetry service', () => {
        const py = (packageManager: string, build: string) => pythonBuild(service({ language: 'python', languageVersion: '3.12', packageManager, build }));
        assert.deepEqual(py('pipenv', 'pip install --no-deps .'), {
          run: 'pip --python /opt/venv/bin/python install --no-deps .',
          dev: 'pip --python /opt/venv/bin/python install --no-deps -e .',
        });
        assert.deepEqual(py('pip', 'python -m pip install .'), { run: 'pip --python /opt/venv/bin/python install .', dev: 'pip --python /opt/venv/bin/python install -e .' });
        assert.deepEqual(py('poetry', 'poetry install --only-root -n'), { run: '/opt/poetry/bin/poetry install --only-root -n', dev: '/opt/poetry/bin/poetry install --only-root -n' });
        assert.equal(pythonBuild(service({ language: 'python', languageVersion: '3.12', packageManager: 'pip', build: null })), null);
      });
    });

    it('go: a static stripped binary on scratch, with certificates, time zones and passwd, overridable', () => {
      const t = render('go-gin-cmd-layout');
      assert.match(t, /ENV CGO_ENABLED=0/);
      assert.match(t, /go build -trimpath -ldflags="-s -w" -o \/out\/api \.\/cmd\/api/);
      assert.match(t, /--mount=type=cache,target=\/go\/pkg\/mod/);
      assert.match(t, /--mount=type=cache,target=\/root\/.cache\/go-build/);
      assert.match(t, /^ARG RUNTIME_IMAGE=scratch$/m);
      assert.match(t, /^FROM \$\{RUNTIME_IMAGE\} AS runtime$/m);
      const runtime = t.slice(t.indexOf(' AS runtime'));
      assert.match(runtime, /^COPY --from=build \/etc\/ssl\/certs\/ca-certificates\.crt /m);
      assert.match(runtime, /^COPY --from=build \/usr\/share\/zoneinfo \/usr\/share\/zoneinfo$/m);
      assert.match(runtime, /^COPY --from=build \/out\/etc\/passwd \/out\/etc\/group \/etc\/$/m);
      assert.match(t, /echo 'app:x:10001:10001:app:\/home\/app:\/sbin\/nologin' > \/out\/etc\/passwd/);
      assert.match(runtime, /^USER 10001:10001$/m);
      assert.doesNotMatch(runtime, /^RUN /m, 'scratch has no shell to RUN anything');
      assert.match(t, /COPY go\.mod go\.sum \.\//);
      assert.match(t, /CMD \["\.\/api"\]/);
      // No health path: no probe is built and the image has no HEALTHCHECK (nothing could run one).
      assert.doesNotMatch(t, /healthcheck|HEALTHCHECK/);
    });

    it('go on scratch: the HEALTHCHECK runs a static probe built in the build stage (no shell needed)', () => {
      const t = render('go-stdlib-http');
      assert.match(t, /^ARG RUNTIME_IMAGE=scratch$/m);
      assert.match(t, /> \/tmp\/probe\/main\.go/);
      assert.match(t, /go build -trimpath -ldflags="-s -w" -o \/out\/healthcheck \/tmp\/probe\/main\.go/);
      assert.match(t, /^COPY --from=build \/out\/healthcheck \/usr\/local\/bin\/healthcheck$/m);
      assert.match(t, /^  CMD \["\/usr\/local\/bin\/healthcheck", "8080", "\/healthz"\]$/m);
    });

    it('go with cgo: CGO_ENABLED=1 and the slim Debian runtime with the bash health check', () => {
      const t = render('go-cgo-sqlite');
      assert.match(t, /ENV CGO_ENABLED=1/);
      assert.match(t, /^ARG RUNTIME_IMAGE=debian:bookworm-slim$/m);
      assert.match(t, /^  CMD \["bash", "-c", /m);
      assert.doesNotMatch(t, /scratch|\/tmp\/probe|zoneinfo/);
    });

    it('java: Maven or Gradle build, Spring Boot unpacked in layers on a JRE', () => {
      const t = render('java-maven-spring-boot');
      assert.match(t, /FROM maven:3\.9-eclipse-temurin-\$\{JAVA_VERSION\} AS build/);
      assert.match(t, /FROM eclipse-temurin:\$\{JAVA_VERSION\}-jre AS runtime/);
      assert.match(t, /extract --layers/);
      assert.equal((t.match(/COPY --from=build \/out\/layers\//g) ?? []).length, 4);
      const g = render('java-gradle-spring-boot');
      assert.match(g, /FROM gradle:8\.10-jdk\$\{JAVA_VERSION\} AS build/);
      assert.match(g, /COPY gradl\[e\] \.\/gradle\//);
      assert.match(render('java-maven-wrapper-quarkus'), /MAVEN_CONFIG=""/);
      assert.match(render('java-gradle-plain'), /COPY --from=build \/out\/app\.jar \.\/app\.jar/);
    });

    describe('java: the jar is found by what the build wrote, not by the version in pom.xml or build.gradle', () => {
      const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'languages');
      /** Detect a copy of a fixture after `edit`, render its Dockerfile. */
      const detectAndRender = (fixture: string, file: string, edit: (text: string) => string) => {
        const tmp = mkdtempSync(join(tmpdir(), 'java-jar-'));
        const dir = join(tmp, fixture); // the same folder name each time: it names the stack
        try {
          cpSync(join(FIXTURES, fixture), dir, { recursive: true });
          writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
          const model = toModel(detectStack(dir));
          const [name] = Object.keys(model.services);
          return { model, name: name!, text: renderDockerfile(model, name!) };
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      };

      for (const [fixture, file, from, to] of [
        ['java-spring-maven', 'pom.xml', '<version>0.0.1-SNAPSHOT</version>', '<version>0.2.0</version>'],
        ['java-gradle-kotlin', 'build.gradle.kts', 'version = "0.0.1-SNAPSHOT"', 'version = "0.2.0"'],
      ] as const) {
        it(`${fixture}: a version bump in ${file} changes no byte of the Dockerfile, which names no version`, () => {
          const before = detectAndRender(fixture, file, (t) => t);
          const after = detectAndRender(fixture, file, (t) => {
            assert.ok(t.includes(from), `${file} has ${from}`);
            return t.replace(from, to);
          });
          // The model stored in .yo-rc.json may be older than the build file: render the old one.
          assert.doesNotMatch(before.text, /0\.0\.1-SNAPSHOT/);
          assert.equal(after.text, before.text);
          assert.deepEqual(lintDockerfile(before.text, { port: before.model.services[before.name]!.port, dependencies: true }), []);
        });
      }

      it('a model whose entry names a version renders the same Dockerfile for the next version', () => {
        const c = MATRIX.find((x) => x.id === 'java-maven-spring-boot')!;
        const at = (entry: string) => renderDockerfile(stack({ orders: { ...c.svc, entry } }), 'orders');
        assert.doesNotMatch(at('target/orders-1.0.0.jar'), /1\.0\.0/);
        assert.equal(at('target/orders-1.0.0.jar'), at('target/orders-1.1.0.jar'));
      });

      /** The build stage's last RUN, after the build tool: run it in a folder where a build left `jars`. */
      const pick = (id: string, jars: string[]) => {
        const c = MATRIX.find((x) => x.id === id)!;
        const text = renderDockerfile(stack({ s: c.svc }), 's');
        const run = stages(text).get('build')!.filter((l) => l.startsWith('RUN ')).pop()!;
        // Drop the mounts and the build command itself (the first `&&` term); keep the rest as the shell runs it.
        const script = run.replace(/^RUN (--mount=\S+\s+)*/, '').split(' && ').slice(1).join(' && ').replace(/\/out\b/g, '"$OUT"').replace(/java -Djarmode=tools -jar app\.jar extract [^|]*\|\| /, '');
        const dir = mkdtempSync(join(tmpdir(), 'java-pick-'));
        try {
          for (const j of jars) writeTree(dir, { [j]: j });
          const r = spawnSync('sh', ['-c', script], { cwd: dir, env: { ...process.env, OUT: join(dir, 'out') }, encoding: 'utf8' });
          const out = join(dir, 'out', 'app.jar');
          return { status: r.status, stderr: r.stderr, jar: existsSync(out) ? readFileSync(out, 'utf8') : null };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      };

      it('copies the one runnable jar to app.jar, skipping plain, original, sources, javadoc and test jars', () => {
        assert.equal(
          pick('java-maven-spring-boot', ['target/orders-1.3.0.jar', 'target/orders-1.3.0.jar.original', 'target/orders-1.3.0-sources.jar', 'target/orders-1.3.0-javadoc.jar', 'target/orders-1.3.0-tests.jar', 'target/classes/x.jar']).jar,
          'target/orders-1.3.0.jar',
        );
        assert.equal(pick('java-gradle-spring-boot', ['build/libs/inventory-2.0.0.jar', 'build/libs/inventory-2.0.0-plain.jar']).jar, 'build/libs/inventory-2.0.0.jar');
        assert.equal(pick('java-maven-wrapper-quarkus', ['target/shop-1.0.jar', 'target/shop-1.0-runner.jar']).jar, 'target/shop-1.0-runner.jar');
        assert.equal(pick('java-gradle-plain', ['build/libs/tool-3.jar', 'build/libs/original-tool-3.jar']).jar, 'build/libs/tool-3.jar');
      });

      it('fails the build, saying why, when it finds no runnable jar or several', () => {
        const none = pick('java-maven-spring-boot', ['target/orders-1.3.0-plain.jar']);
        assert.notEqual(none.status, 0);
        assert.match(none.stderr, /one runnable jar/);
        const two = pick('java-gradle-plain', ['build/libs/a-1.jar', 'build/libs/b-1.jar']);
        assert.notEqual(two.status, 0);
        assert.match(two.stderr, /a-1\.jar.*b-1\.jar|b-1\.jar.*a-1\.jar/);
      });
    });

    it('ruby, php, dotnet, rust: their toolchains and runtimes', () => {
      assert.match(render('ruby-rails-puma'), /bundle config set frozen true/);
      assert.match(render('ruby-rails-puma'), /PIDFILE=\/tmp\/server\.pid/);
      const php = render('php-laravel-apache');
      assert.match(php, /Listen 8080/);
      assert.match(php, /s#\/var\/www\/html#\/app\/public#g/);
      assert.match(php, /APACHE_RUN_DIR=\/tmp\/apache2/);
      const dn = render('dotnet-aspnetcore');
      assert.match(dn, /FROM mcr\.microsoft\.com\/dotnet\/aspnet:\$\{DOTNET_VERSION\}-bookworm-slim AS runtime/);
      assert.match(dn, /ASPNETCORE_HTTP_PORTS=8080/);
      assert.match(render('dotnet-worker'), /dotnet\/runtime:\$\{DOTNET_VERSION\}-bookworm-slim AS runtime/);
      const rs = render('rust-axum');
      assert.match(rs, /cargo fetch --locked/);
      assert.match(rs, /--mount=type=cache,target=\/app\/target/);
      assert.match(rs, /cp target\/release\/server \/out\/server/);
      assert.match(render('rust-worker-multi-bin'), /cargo build --locked --bin worker/, 'dev: debug build of the one binary');
    });

    it('static: the site config is installed from a bind mount, the site is copied root-owned', () => {
      const t = render('static-nginx-config');
      assert.match(t, /--mount=type=bind,source=nginx\.conf,target=\/tmp\/site\.conf/);
      assert.match(t, /EXPOSE 8081/);
      const p = render('static-nginx-proxy');
      assert.doesNotMatch(p, /\/usr\/share\/nginx\/html\/$/m);
      assert.match(render('static-site'), /COPY public\/ \/usr\/share\/nginx\/html\//);
    });
  });

  describe('.dockerignore', () => {
    const ignore = (svc: Parameters<typeof service>[0]) => renderDockerignore(stack({ s: service(svc) }), 's').split('\n');

    it('keeps VCS data, env files, credentials and container files out of every context', () => {
      for (const c of MATRIX) {
        const lines = renderDockerignore(stack({ [c.id]: c.svc }), c.id).split('\n');
        for (const l of ['.git', '**/.env', '**/.env.*', '!**/.env.example', '**/*.pem', '**/.npmrc', 'Dockerfile', '.dockerignore'])
          // A workspace member's context is the workspace root: its patterns match at any depth.
          assert.ok(lines.includes(l) || (isWorkspaceMember(c.svc) && lines.includes(`**/${l}`)), `${c.id}: ${l}`);
        assert.ok(checkOutput({ path: 'x/.dockerignore', content: lines.join('\n') }).length === 0);
      }
    });

    it('keeps the Makefile out, unless the build runs make', () => {
      assert.ok(ignore({ language: 'go', languageVersion: '1.23', start: ['./api'], build: 'go build -o /out/api .' }).includes('Makefile'));
      assert.ok(!ignore({ language: 'go', languageVersion: '1.23', start: ['./api'], build: 'make build && cp bin/api /out/api' }).includes('Makefile'));
    });

    it('keeps local dependencies and build output out, per language', () => {
      assert.ok(ignore({ language: 'node', languageVersion: '22', build: 'npm run build', start: ['node', 'dist/main.js'] }).includes('dist'));
      assert.ok(ignore({ language: 'node', languageVersion: '22', start: ['node', 'dist/main.js'] }).includes('**/node_modules'));
      assert.ok(!ignore({ language: 'node', languageVersion: '22', start: ['node', 'dist/main.js'] }).includes('dist'), 'no build: dist is source');
      assert.ok(ignore({ language: 'python', languageVersion: '3.12' }).includes('.venv'));
      assert.ok(ignore({ language: 'python', languageVersion: '3.12' }).includes('**/__pycache__'));
      assert.ok(ignore({ language: 'go', languageVersion: '1.23', start: ['./api'], build: 'go build -o /out/api .' }).includes('api'));
      assert.ok(ignore({ language: 'java', languageVersion: '21' }).includes('target'));
      assert.ok(ignore({ language: 'ruby', languageVersion: '3.3' }).includes('vendor/bundle'));
      assert.ok(ignore({ language: 'php', languageVersion: '8.3' }).includes('vendor'));
      assert.ok(ignore({ language: 'dotnet', languageVersion: '8.0' }).includes('obj'));
      assert.ok(ignore({ language: 'rust', languageVersion: '1.83' }).includes('target'));
    });
  });

  describe('files()', () => {
    it('writes <service>/Dockerfile and <service>/.dockerignore for every service, sorted', () => {
      const out = files(taskboardModel());
      assert.deepEqual(
        out.map((f) => f.path),
        ['api/Dockerfile', 'api/.dockerignore', 'stats/Dockerfile', 'stats/.dockerignore', 'web/Dockerfile', 'web/.dockerignore', 'worker/Dockerfile', 'worker/.dockerignore'],
      );
      for (const f of out) assert.deepEqual(checkOutput(f), []);
    });

    it('keeps a Dockerfile the user already has: nothing is rendered for that service', () => {
      const model = taskboardModel();
      model.services.web!.dockerfile = 'web/Dockerfile';
      const paths = files(model).map((f) => f.path);
      assert.ok(!paths.some((p) => p.startsWith('web/')), paths.join(', '));
      assert.ok(paths.includes('api/Dockerfile'));
    });

    it('writes at the repository root for a service at "."', () => {
      const model = stack({ app: service({ path: '.', language: 'node', languageVersion: '22', packageManager: 'npm', start: ['node', 'index.js'] }) });
      assert.deepEqual(files(model).map((f) => f.path), ['Dockerfile', '.dockerignore']);
    });

    it('follows the model: a version or port change shows in the Dockerfile', () => {
      const model = taskboardModel();
      model.services.web!.languageVersion = '20';
      model.services.web!.port = 4000;
      const t = renderDockerfile(model, 'web');
      assert.match(t, /^ARG NODE_VERSION=20$/m);
      assert.match(t, /EXPOSE 4000/);
      assert.match(t, /PORT=4000/);
      assert.deepEqual(lintDockerfile(t, { port: 4000, dependencies: true }), []);
    });
  });

  describe('golden: examples/taskboard', () => {
    const GOLDEN = join(REPO_ROOT, 'test', 'golden', 'dockerfile-taskboard');
    const out = files(taskboardModel());
    goldenTree('dockerfile-taskboard', Object.fromEntries(out.map((f) => [f.path, f.content])));

    it('every golden Dockerfile passes the linter', () => {
      const model = taskboardModel();
      for (const [name, svc] of Object.entries(model.services)) {
        assert.deepEqual(lintDockerfile(readFileSync(join(GOLDEN, svc.path, 'Dockerfile'), 'utf8'), { port: svc.port, dependencies: true }), [], name);
      }
    });
  });
});

describe('a framework\'s build environment comes from the Node pack\'s table, not the template', () => {
  for (const id of ['node-npm-next', 'node-yarn-workspace-next', 'node-npm-express'])
    it(`${id}: the build stage sets NEXT_TELEMETRY_DISABLED only for Next.js`, () => {
      const c = MATRIX.find((x) => x.id === id);
      assert.ok(c, `${id} is in the matrix`);
      const text = renderDockerfile(stack({ [c.id]: c.svc }), c.id);
      const build = stages(text).get('build') ?? [];
      assert.equal(build.includes('ENV NEXT_TELEMETRY_DISABLED=1'), c.svc.framework === 'next', build.join('\n'));
    });
});
