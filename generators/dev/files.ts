/**
 * The files the dev stage owns, as a pure function of the stack model:
 *
 *   compose.override.yaml                  the dev layer, loaded automatically by `docker compose`
 *   .devcontainer/devcontainer.json        the same stack in VS Code or Codespaces
 *   .devcontainer/compose.devcontainer.yaml  mounts the whole repository into the edited service
 *   Makefile                               up, down, logs, ps, build, test, seed, reset, secrets, env
 *
 * The dev layer is compose.override.yaml (not a profile): `docker compose up` and
 * podman-compose both load it next to compose.yaml, so the everyday command is the
 * plain one, and `docker compose -f compose.yaml ...` (`make ... PROD=1`) runs the
 * production images alone. Why, and how to use it: docs/dev-loop.md.
 *
 * CONTRACT WITH THE DOCKERFILE STAGE (generated `<service.path>/Dockerfile`):
 *
 * - A stage named `dev`: toolchain and every dependency (dev ones included)
 *   installed, WORKDIR /app, USER 10001 (a named user, e.g. `app`, with a
 *   writable HOME such as /home/app: VS Code's server and the language caches go
 *   there), and a CMD that runs the service with hot reload, reading the source
 *   that this layer bind-mounts over /app. The LAST stage is the production image.
 * - The service listens on $PORT (set by Compose to the model's port) on 0.0.0.0.
 * - The bind mount hides whatever the image has under /app. Dependency folders
 *   that must live there are protected by anonymous volumes (they keep the
 *   image's content): /app/node_modules (node), /app/vendor (composer),
 *   /app/target (maven, cargo), /app/build and /app/.gradle (gradle), /app/bin
 *   and /app/obj (dotnet); so is the build output a Node dev command writes there
 *   (tsc's outDir, .next...: the language pack's devVolumes, read by both stages, since the
 *   host's folder is not writable by 10001 on Linux). Create each one in the dev stage, owned by 10001 (an
 *   anonymous volume copies the ownership it finds; a missing folder would come
 *   up root-owned and unwritable). Everything else belongs outside /app: every
 *   Python virtualenv (pip, uv, poetry...) in /opt/venv on PATH, gems in
 *   /usr/local/bundle, Go modules in /go/pkg/mod, Maven/Gradle caches in HOME.
 * - Never write build output to /app (the host's files may not be writable by
 *   10001) nor to /tmp (a noexec tmpfs in compose.yaml): use HOME.
 * - Hot reload per language, as the dev CMD:
 *     node    node --watch --inspect=0.0.0.0:9229 <entry> (Node >= 18.11), or
 *             nodemon/tsx watch with --inspect=0.0.0.0:9229, or the framework's
 *             dev server (next dev, vite --host 0.0.0.0 --port $PORT). This layer
 *             publishes 9229 on 127.0.0.1 (a distinct host port per service).
 *     python  flask run --debug --host 0.0.0.0 --port $PORT; uvicorn --reload;
 *             manage.py runserver 0.0.0.0:$PORT; gunicorn --reload; otherwise
 *             watchfiles (pip) re-running the start command.
 *     go      a rebuild watcher (air, or watchexec -r 'go run <entry>') building into HOME.
 *     rust    cargo watch -x run (cargo-watch installed in the dev stage), CARGO_TARGET_DIR=/app/target.
 *     java    spring-boot devtools (mvn spring-boot:run / gradle bootRun -t).
 *     ruby    rails server -b 0.0.0.0 -p $PORT (reloads code in development).
 *     php     the built-in server or apache: PHP reads the source on every request.
 *     dotnet  dotnet watch run --urls http://0.0.0.0:$PORT (DOTNET_USE_POLLING_FILE_WATCHER is set here).
 *     static  nginx serving the mounted files (or outputDir below them): edits show on reload.
 * - Debuggers other than Node's are not wired (debugpy, delve): docs/dev-loop.md
 *   explains how to add one.
 *
 * A service with its own Dockerfile (model field `dockerfile`) may have no `dev`
 * stage: the dev layer leaves it as compose.yaml builds it (production image, no
 * mount) and says so in a comment.
 */
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CATALOG } from '../../lib/catalog/index.js';
import { isWorkspaceMember, pathInContext } from '../../lib/model/derive.js';
import type { StackModel } from '../../lib/model/types.js';
import { NO_TESTS } from '../../lib/render/devloop.js';
import { packOf } from '../../lib/languages/index.js';
import { renderFile, tidy } from '../../lib/render/ejs.js';
import type { OutputFile, StageCheck } from '../../lib/render/types.js';
import { layoutOf, placed, type Layout } from '../../lib/render/layout.js';
import { checkComposeReferences, mergeCompose } from '../../lib/validate/compose.js';
import { files as composeFiles } from '../compose/files.js';
import { comment, makeRecipe, shq } from '../../lib/render/escape.js';
import { modelPlainNames, modelSecretNames, planStack, type AppPlan, type EnvLine, type StackPlan } from '../../lib/render/compose-plan.js';
import { yamlScalar as scalar } from '../../lib/render/ejs.js';
import { memoByModel } from '../../lib/render/memo.js';

const TEMPLATES = join(dirname(fileURLToPath(import.meta.url)), 'templates');


export interface DevService {
  app: AppPlan;
  /** True when the Dockerfile stage generates the Dockerfile (so a `dev` stage exists). */
  dev: boolean;
  /** Bind mount source, relative to the repository root (./web, or . for the root). */
  source: string;
  /** Where the source is mounted: /app, or /app/<member> for a Node workspace member. */
  target: string;
  /** Anonymous volumes protecting in-image dependency folders. */
  protect: string[];
  environment: EnvLine[];
  /** Debugger ports, host → container, on 127.0.0.1. */
  debugPorts: { host: number; container: number }[];
  /** Shell command (for `sh -c` or exec) running the service's tests in its dev container, or null. */
  test: string | null;
}

export interface DevPlan {
  stack: StackPlan;
  services: DevService[];
  /** The service VS Code opens. */
  devcontainerService: string;
  /** The service whose dev container runs the seed hook, or null when no service has a dev stage. */
  seedService: string | null;
  extensions: string[];
}

/**
 * Anonymous volumes protecting what the dev stage keeps under /app (dependencies, build
 * output): the language pack's folders, the ones the Dockerfile's dev stage creates for the
 * dev user. Sorted, but a workspace member's in the Dockerfile's order.
 */
function protectedDirs(app: AppPlan): string[] {
  const dirs = packOf(app.svc).devVolumes(app.svc);
  return isWorkspaceMember(app.svc) ? dirs : [...new Set(dirs)].sort();
}

function devEnvironment(app: AppPlan): EnvLine[] {
  const env = packOf(app.svc).devEnv(app.svc);
  return Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name]! }));
}

export { NO_TESTS };

export function planDev(model: StackModel): DevPlan {
  const stack = planStack(model);
  const used = new Set(stack.apps.flatMap((a) => (a.svc.public && a.svc.port !== null ? [a.svc.port] : [])));
  // Each debugger gets the next free host port from its own (Node's inspector: 9229, 9230...).
  const next = new Map<number, number>();
  const services: DevService[] = stack.apps.map((app) => {
    const dev = app.svc.dockerfile === null;
    const debugPorts: DevService['debugPorts'] = [];
    const debugPort = packOf(app.svc).debugPort;
    // A process of another service's image runs its own command, not the dev stage's (no debugger).
    if (dev && debugPort !== null && !app.imageFrom) {
      let host = next.get(debugPort) ?? debugPort;
      while (used.has(host)) host++;
      used.add(host);
      next.set(debugPort, host);
      debugPorts.push({ host, container: debugPort });
    }
    return {
      app,
      dev,
      source: app.svc.path === '.' ? '.' : `./${app.svc.path}`,
      target: dev && isWorkspaceMember(app.svc) ? `/app/${pathInContext(app.svc)}` : '/app',
      protect: dev ? protectedDirs(app) : [],
      environment: dev ? devEnvironment(app) : [],
      debugPorts,
      // The tests of an image run once, in its owner's container.
      test: dev && !app.imageFrom ? packOf(app.svc).testCommand(app.svc) : null,
    };
  });
  // VS Code and the seed script open a service's own container, not another process of its image.
  const withDev = services.filter((s) => s.dev && !s.app.imageFrom);
  const pick = (list: DevService[]) => list[0]?.app.name;
  // VS Code opens the first public service with a dev stage, else the first public one, else the first with a dev stage.
  const devcontainerService =
    pick(withDev.filter((s) => s.app.svc.public)) ?? pick(services.filter((s) => s.app.svc.public)) ?? pick(withDev) ?? services[0]!.app.name;
  const seedService =
    pick(withDev.filter((s) => s.app.svc.dependsOn.some((d) => d in model.backing && CATALOG[model.backing[d]!.kind].seeded))) ?? pick(withDev) ?? null;
  const extensions = [
    ...new Set(['ms-azuretools.vscode-docker', ...stack.apps.flatMap((a) => packOf(a.svc).editorExtensions)]),
  ].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  return { stack, services, devcontainerService, seedService, extensions };
}

/** devcontainer.json, as an object (rendered with JSON.stringify: deterministic key order). */
function devcontainer(plan: DevPlan, layout: Layout): Record<string, unknown> {
  const main = plan.services.find((s) => s.app.name === plan.devcontainerService)!;
  const forwardPorts = plan.services
    .filter((s) => s.app.svc.public && s.app.svc.port !== null)
    .map((s) => (s === main ? s.app.svc.port! : `${s.app.name}:${s.app.svc.port}`));
  return {
    name: plan.stack.name,
    // Relative to devcontainer.json's folder.
    dockerComposeFile: [...[layout.compose, layout.override].map((f) => posix.relative(layout.devcontainer, f)), 'compose.devcontainer.yaml'],
    service: main.app.name,
    workspaceFolder: '/workspace',
    initializeCommand: 'sh secrets/create.sh',
    overrideCommand: false,
    shutdownAction: 'stopCompose',
    forwardPorts,
    customizations: { vscode: { extensions: plan.extensions } },
  };
}

const render = (template: string, data: Record<string, unknown>): string => tidy(renderFile(join(TEMPLATES, template), { scalar, comment, ...data }));

/** A shell command line inside a Makefile recipe: make's `$` doubled, one line. */
const recipe = makeRecipe;
/** A command for `compose run <service> ...`: plain words as they are, anything else through sh -c. */
const runArgs = (cmd: string): string => (/^[A-Za-z0-9 ./_-]+$/.test(cmd) ? cmd : `sh -c ${shq(cmd)}`);

/** The Makefile's per-service test targets and its seed target. */
function makeTargets(plan: DevPlan) {
  const tests = plan.services.filter((s) => !s.app.imageFrom).map((s) => {
    const target = `test-${s.app.name}`;
    const lang = s.app.svc.language;
    if (s.test)
      return {
        target,
        about: `Run ${s.app.name}'s tests (${lang}) in its dev container, if it has some`,
        recipe: `@svc=${s.app.name}; tests() { $(DEV) run --rm -T ${s.app.name} ${recipe(runArgs(s.test))}; }; $(RUN_TESTS)`,
      };
    const why = s.dev ? `no test command is known for ${lang}` : `it is built from its own Dockerfile (no dev stage)`;
    return {
      target,
      about: `${s.app.name}: skipped, ${why}`,
      recipe: recipe(`@echo ${shq(`${s.app.name}: skipped (${why}; run its tests your way)`)}; echo ${shq(`${s.app.name} skipped`)}`) + ' >> "$(TEST_RESULTS)"',
    };
  });
  const owner = plan.services.find((s) => s.app.name === plan.seedService);
  const seed = owner
    ? (() => {
        const script = owner.app.svc.path === '.' ? 'scripts/seed' : `${owner.app.svc.path}/scripts/seed`;
        const cmd = `if [ -x scripts/seed ]; then exec scripts/seed; else echo "No ${script} (an executable file): nothing to seed. Write one (npm run seed, manage.py loaddata, rails db:seed...) and make seed runs it here, with the connection variables of the app"; fi`;
        return { about: `Run ${script}, if you wrote one, in ${owner.app.name}'s container`, recipe: `$(DC) run --rm -T ${owner.app.name} ${recipe(`sh -c ${shq(cmd)}`)}` };
      })()
    : { about: 'No service has a dev stage to run a seed script in', recipe: recipe(`@echo ${shq('No service has a dev stage to run a seed script in: every service is built from its own Dockerfile')}`) };
  return { tests, seed };
}

/** Every service of compose.yaml (apps and backing services), sorted. */
const composeServices = (plan: DevPlan): string[] => [...plan.stack.apps.map((a) => a.name), ...plan.stack.backing.map((b) => b.name)].sort();

/** Every file this stage owns, rendered from the model (memoized: see lib/render/memo.ts). */
export const files = memoByModel(function files(model: StackModel): OutputFile[] {
  const plan = planDev(model);
  const layout = layoutOf(model);
  // How a recipe calls make again on our targets: the Makefile make reads by itself, or ours by name.
  const self = layout.makefile === 'Makefile' ? '' : ` -f ${layout.makefile}`;
  const out: OutputFile[] = [
    { path: layout.override, content: render('compose.override.yaml.ejs', { plan, layout }) },
    { path: `${layout.devcontainer}/devcontainer.json`, content: `${JSON.stringify(devcontainer(plan, layout), null, 2)}\n` },
    { path: `${layout.devcontainer}/compose.devcontainer.yaml`, content: render('compose.devcontainer.yaml.ejs', { plan, layout }) },
    { path: layout.makefile, content: render('Makefile.ejs', { plan, layout, self, services: composeServices(plan), releases: plan.stack.apps.filter((a) => a.release).map((a) => a.name), noTests: NO_TESTS, ...makeTargets(plan) }) },
  ].map((f) => placed(layout, f));
  if (layout.makeInclude)
    out.push({ path: layout.makeInclude, content: `include ${layout.makefile}\n`, block: true });
  return out;
});

/**
 * The run loop's check of the dev layer: merged over the compose.yaml it extends (the compose
 * stage's render of the same model, memoized), every name it uses resolves.
 */
export const check: StageCheck = (model, out) => {
  const layout = layoutOf(model);
  const base = composeFiles(model);
  const doc = (files: OutputFile[], path: string) => parse(files.find((f) => f.path === path)!.content);
  const merged = mergeCompose(doc(base, layout.compose), doc(out, layout.override), doc(out, `${layout.devcontainer}/compose.devcontainer.yaml`));
  return checkComposeReferences(merged, { files: [...base, ...out].filter((f) => !f.block), secretNames: modelSecretNames(model), plainNames: modelPlainNames(model), label: 'compose.yaml + dev layer' });
};
