/** The Python pack: pip, uv, poetry, pipenv; the server's own reloader in dev when it has one. */
import { noTests } from '../../render/devloop.js';
import { profile, small } from '../../render/profiles.js';
import type { LanguagePack } from '../types.js';
import { pythonDetector, PYTHON } from './detect.js';
import { pythonDockerfile, pythonHealth } from './dockerfile.js';

/** pytest when it is installed, else unittest; both exit 5 when they find no test (unittest since Python 3.12). */
const PYTEST_OR_UNITTEST = `if python -c "import pytest" 2>/dev/null; then python -m pytest; else python -m unittest discover; fi; s=$?; if [ "$s" = 5 ]; then ${noTests('none found')}; exit 0; fi; exit "$s"`;

export const pythonPack: LanguagePack = {
  language: 'python',
  frameworks: PYTHON.frameworks,
  packageManagers: PYTHON.packageManagers,
  detector: pythonDetector,
  dockerfile: pythonDockerfile,
  health: pythonHealth,
  dependencyInstall: /pip (--python \S+ )?install|poetry install|uv sync/,
  slowStart: false,
  // Every package manager's dependencies are in the dev stage's /opt/venv, on PATH: nothing under /app.
  devVolumes: () => [],
  devEnv: () => ({ PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' }),
  debugPort: null,
  editorExtensions: ['ms-python.python', 'ms-python.debugpy'],
  testCommand: () => PYTEST_OR_UNITTEST,
  ignore: () => [
    '# Python: the virtualenv is built in the image',
    '**/__pycache__',
    '**/*.py[cod]',
    '.venv',
    'venv',
    '.tox',
    '.nox',
    '.pytest_cache',
    '.mypy_cache',
    '.ruff_cache',
    '.hypothesis',
    '*.egg-info',
    '.eggs',
    'htmlcov',
  ],
  // The images set PYTHONDONTWRITEBYTECODE=1: no __pycache__ writes; gunicorn's heartbeat files go to /tmp.
  runtime: () => profile(small),
  readOnlyRoot: () => true,
};
