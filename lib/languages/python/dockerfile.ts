/** Python's Dockerfile recipe: the data ./Dockerfile.ejs lays out (a virtualenv in /opt/venv, pip, uv, poetry or pipenv). */
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceModel, StackModel } from '../../model/types.js';
import { cache, common, envBlock, fixedImage, labels, lockInContext, runBlock, shellQuote, tail, versioned, versionParts, type HealthKind } from '../../render/dockerfile-kit.js';
import { watchLoop } from '../../render/devloop.js';
import type { DockerfileRecipe } from '../types.js';
import { pythonPackageManager } from './detect.js';

/** The image's health check runs with python's urllib. */
export const pythonHealth = (): HealthKind => 'python';

/**
 * Versions of build tools that have no official image to pin in
 * templates/images.Dockerfile. They are emitted as ARG defaults (overridable)
 * and pinned to a major series, so a build never silently picks up a new major.
 */
export const TOOL_SERIES = {
  /** `pip install "poetry==2.*"` */
  poetry: '2',
  /** `pip install "pipenv==2024.*"` */
  pipenv: '2024',
} as const;

/**
 * pip of the image installing into /opt/venv (pip >= 22.3): the virtualenv is made
 * without its own pip, which the runtime image does not need (about 15 MB).
 */
const VENV_PIP = 'pip --python /opt/venv/bin/python';
/** poetry, in a virtualenv of its own (it installs into the active one, /opt/venv). */
const POETRY = '/opt/poetry/bin/poetry';

interface PyPm {
  /** Files copied before the dependency install (into WORKDIR, or to `copyTo`). */
  manifests: string[];
  /** Destination of the manifest COPY: './', or the folder of a requirements file in one. */
  copyTo?: string;
  /** Tool setup RUN (poetry, pipenv) or null. */
  tool: string | null;
  toolArg: string | null;
  /** Dependency install into /opt/venv (production). */
  install: string[];
  /** Extra install for the dev stage (dev dependencies), or null. */
  devInstall: string[] | null;
  mounts: string[];
  uv: boolean;
  env: [string, string][];
  /** `python -m venv` options: poetry installs with the virtualenv's own pip. */
  venvArgs: string;
}

function pythonPm(svc: ServiceModel): PyPm {
  const lock = lockInContext(svc);
  const pipCache = cache('/root/.cache/pip');
  switch (pythonPackageManager(svc)) {
    case 'poetry': {
      const poetry = POETRY;
      return {
        manifests: ['pyproject.toml', ...(lock ? [lock] : [])],
        toolArg: `POETRY_VERSION=${TOOL_SERIES.poetry}`,
        tool: runBlock([pipCache], ['python -m venv /opt/poetry', '/opt/poetry/bin/pip install "poetry==${POETRY_VERSION}.*"']),
        install: [`${poetry} install --only main --no-root --no-interaction --no-ansi`],
        devInstall: [`${poetry} install --no-root --no-interaction --no-ansi`],
        mounts: [cache('/root/.cache/pypoetry'), pipCache],
        uv: false,
        env: [],
        venvArgs: '',
      };
    }
    case 'uv':
      return {
        manifests: ['pyproject.toml', ...(lock ? [lock] : [])],
        tool: null,
        toolArg: null,
        install: [`uv sync${lock ? ' --frozen' : ''} --no-dev --no-install-project`],
        devInstall: [`uv sync${lock ? ' --frozen' : ''} --no-install-project`],
        mounts: [cache('/root/.cache/uv')],
        uv: true,
        venvArgs: ' --without-pip',
        env: [
          ['UV_PROJECT_ENVIRONMENT', '/opt/venv'],
          ['UV_COMPILE_BYTECODE', '1'],
          ['UV_LINK_MODE', 'copy'],
          ['UV_PYTHON_DOWNLOADS', 'never'],
        ],
      };
    case 'pipenv': {
      const pipenv = '/opt/pipenv/bin/pipenv';
      const req = (dev: boolean) => `${pipenv} requirements${dev ? ' --dev' : ''} > /tmp/requirements.txt`;
      return {
        manifests: ['Pipfile', ...(lock ? [lock] : [])],
        toolArg: `PIPENV_VERSION=${TOOL_SERIES.pipenv}`,
        tool: runBlock([pipCache], ['python -m venv /opt/pipenv', '/opt/pipenv/bin/pip install "pipenv==${PIPENV_VERSION}.*"']),
        install: [req(false), `${VENV_PIP} install -r /tmp/requirements.txt`],
        devInstall: [req(true), `${VENV_PIP} install -r /tmp/requirements.txt`],
        mounts: [pipCache],
        uv: false,
        env: [],
        venvArgs: ' --without-pip',
      };
    }
    case 'pip': {
      if (lock) {
        // A requirements file may include others (-r base.txt): copy its folder when it has one.
        const dir = posix.dirname(lock);
        return {
          manifests: dir === '.' ? [lock] : [`${dir}/`],
          copyTo: dir === '.' ? './' : `./${dir}/`,
          tool: null,
          toolArg: null,
          install: [`${VENV_PIP} install -r ${lock}`],
          devInstall: null,
          mounts: [pipCache],
          uv: false,
          env: [],
          venvArgs: ' --without-pip',
        };
      }
      // A bare pyproject.toml: install its [project] dependencies (the project itself runs from /app).
      const tomllib = versionParts(svc.languageVersion)[1]! >= 11 || versionParts(svc.languageVersion)[0]! > 3;
      const read = `import tomllib; print("\\n".join(tomllib.load(open("pyproject.toml", "rb")).get("project", {}).get("dependencies", [])))`;
      return {
        manifests: ['pyproject.toml'],
        tool: null,
        toolArg: null,
        install: [
          ...(tomllib ? [] : ['pip install tomli']),
          `python -c ${shellQuote(tomllib ? read : read.replace('import tomllib;', 'import tomli as tomllib;'))} > /tmp/requirements.txt`,
          `${VENV_PIP} install -r /tmp/requirements.txt`,
        ],
        devInstall: null,
        mounts: [pipCache],
        uv: false,
        env: [],
        venvArgs: ' --without-pip',
      };
    }
    default:
      return { manifests: [], tool: null, toolArg: null, install: [], devInstall: null, mounts: [], uv: false, env: [], venvArgs: ' --without-pip' };
  }
}

/**
 * The model's `build` of a Python service, as the Dockerfile runs it in the `build` stage
 * (after `COPY . .`, the dependencies already in /opt/venv): `pip` is the image's pip
 * aimed at the virtualenv, `poetry` the one in /opt/poetry. The Python detector sets
 * `build` to the install of the project itself (`pip install --no-deps .`,
 * `uv sync --frozen --no-dev --no-editable`, `poetry install --only-root`) for a project
 * that runs only once installed (src/ layout, console scripts). `dev` is the same install
 * in editable mode for the dev stage, where the bind-mounted /app is what must run; null
 * for a build that is no project install (the dev stage does not run it).
 */
export function pythonBuild(svc: ServiceModel): { run: string; dev: string | null } | null {
  if (!svc.build) return null;
  const cmd = svc.build.trim();
  const pip = /^(?:python3? -m )?pip /;
  const poetry = pythonPackageManager(svc) === 'poetry' && /^poetry /.test(cmd);
  const inImage = (c: string): string => {
    if (pip.test(c)) return c.replace(pip, `${VENV_PIP} `);
    if (poetry) return c.replace(/^poetry /, `${POETRY} `) + (/--no-interaction| -n\b/.test(c) ? '' : ' --no-interaction --no-ansi');
    return c;
  };
  let dev: string | null = null;
  if (/^(?:python3? -m )?pip install /.test(cmd) && / \.$/.test(cmd) && !/ (?:-e|--editable)\b/.test(cmd)) dev = cmd.replace(/ \.$/, ' -e .');
  else if (/^uv sync\b/.test(cmd)) dev = cmd.replace(/ --no-dev\b| --no-editable\b/g, '');
  else if (poetry && /^poetry install\b/.test(cmd)) dev = cmd;
  return { run: inImage(cmd), dev: dev === null ? null : inImage(dev) };
}

/** The dev CMD of a Python service: the server's own reloader when it has one, else the polling loop. */
function pythonDevCommand(svc: ServiceModel): string[] {
  const s = svc.start;
  const head = s[0];
  if (head === 'gunicorn') return ['gunicorn', '--reload', ...s.slice(1)];
  if (head === 'uvicorn' || head === 'hypercorn') return [...s, '--reload'];
  if (head === 'flask') return ['flask', '--debug', ...s.slice(1)];
  if (head === 'python' && s[1] === 'manage.py' && s[2] === 'runserver') return s.filter((w) => w !== '--noreload');
  return watchLoop(null, s, ['*.py']);
}

function pythonContext(model: StackModel, name: string) {
  const svc = model.services[name]!;
  const base = versioned('python', 'PYTHON_VERSION', svc.languageVersion);
  const pm = pythonPm(svc);
  const c = common(model, name, `Python ${svc.languageVersion}${svc.framework ? ` (${svc.framework})` : ''}, ${svc.packageManager ?? 'standard library only'}`);
  const runtimeEnv: [string, string][] = [
    ['VIRTUAL_ENV', '/opt/venv'],
    ['PATH', '/opt/venv/bin:$PATH'],
  ];
  if (svc.port !== null) runtimeEnv.push(['PORT', String(svc.port)]);
  return {
    ...c,
    base,
    pm,
    project: pythonBuild(svc),
    uvImage: pm.uv ? fixedImage('uv') : null,
    venvEnv: envBlock([['VIRTUAL_ENV', '/opt/venv'], ['PATH', '/opt/venv/bin:$PATH'], ...pm.env]),
    runtimeEnv: envBlock(runtimeEnv),
    labels: labels(model, name, svc, base.resolved),
    devTail: tail(svc, { dev: true, cmd: pythonDevCommand(svc), entrypoint: ['tini', '--'] }),
    runtimeTail: tail(svc, { cmd: svc.start, entrypoint: ['tini', '--'], health: pythonHealth() }),
  };
}

export const pythonDockerfile = (model: StackModel, name: string): DockerfileRecipe => ({
  template: join(dirname(fileURLToPath(import.meta.url)), 'Dockerfile.ejs'),
  context: pythonContext(model, name),
});
