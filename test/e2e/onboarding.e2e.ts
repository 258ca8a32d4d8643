/**
 * End to end, issue 14: a newcomer follows the generated onboarding guide of the example,
 * literally. The generator runs on a copy of examples/taskboard (what the team did before
 * the newcomer arrived); then the test reads docs/onboarding.md and runs, line by line
 * with bash, the commands of its "Start the dev stack" block (`make doctor`, `make up`)
 * and of its "Run the tests" block (`make test`), and expects every public URL and health
 * URL of its "Ports and URLs" table to answer.
 *
 * The only things given from outside are what the guide itself says to set on this
 * machine: CONTAINERIZE (generator-containerize is not on a public registry: the guide
 * names `make doctor CONTAINERIZE="node .../containerize.js"`), COMPOSE (this run's own
 * podman-compose project, so it never touches another run's containers) and the validator
 * binaries scripts/setup/tools.sh installs into .tools/bin (kubectl, helm) on PATH.
 *
 * Not run when it was written (podman was in use by other work): run it with
 * `npm run test:e2e` or `npx mocha --config test/e2e/.mocharc.json test/e2e/onboarding.e2e.ts`.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/tree.js';
import { freePort, http, podman, run, waitFor } from './podman.js';

const EXAMPLE = join(REPO_ROOT, 'examples', 'taskboard');
const BIN = join(REPO_ROOT, 'dist', 'bin', 'containerize.js');

/** The lines of the first ```sh block after the heading that starts with `heading`. */
export function commandsUnder(markdown: string, heading: string): string[] {
  const at = markdown.split('\n').findIndex((l) => l.startsWith(heading));
  assert.ok(at >= 0, `the guide has a heading "${heading}"`);
  const rest = markdown.split('\n').slice(at + 1).join('\n');
  const block = /^```sh\n([\s\S]*?)\n```$/m.exec(rest);
  assert.ok(block, `a sh block under "${heading}"`);
  return block[1]!.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

/** Every http URL of the "Ports and URLs" table, in the order the guide lists them. */
export function urlsOfPortsTable(markdown: string): string[] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith('3. Ports and URLs'));
  assert.ok(section, 'the guide has a "Ports and URLs" section');
  return [...section.matchAll(/(http:\/\/127\.0\.0\.1:\d+[^\s)|]*)/g)].map((m) => m[1]!);
}

describe('onboarding walk-through of the example (the generated guide, followed literally)', function () {
  let dir = '';
  let project = '';
  let env: NodeJS.ProcessEnv = {};
  let guide = '';
  const bash = (line: string) => run('bash', ['-c', line], { cwd: dir, env, timeoutMs: 30 * 60_000 });

  before(async function () {
    const busy = await http('http://127.0.0.1:3000/').catch(() => null);
    if (busy) throw new Error('127.0.0.1:3000 is already in use; stop what listens there first');
    dir = join(mkdtempSync(join(tmpdir(), 'onboarding-e2e-')), 'taskboard');
    cpSync(EXAMPLE, dir, { recursive: true });
    project = `tbonb${(await freePort()) % 10000}`;
    await run(process.execPath, [BIN, '--yes'], { cwd: dir });
    guide = readFileSync(join(dir, 'docs', 'onboarding.md'), 'utf8');
    env = {
      ...process.env,
      PATH: `${join(REPO_ROOT, '.tools', 'bin')}:${process.env.PATH}`,
      CONTAINERIZE: `${process.execPath} ${BIN}`,
      COMPOSE: `podman-compose -p ${project}`,
      BUILDAH_FORMAT: 'docker',
    };
  });

  after(async function () {
    if (!dir) return;
    await run('make', ['down'], { cwd: dir, env, allowFail: true, timeoutMs: 300_000 });
    await run('podman-compose', ['-p', project, 'down', '-v', '-t', '2'], { cwd: dir, env, allowFail: true, timeoutMs: 300_000 });
    await podman(['network', 'rm', '-f', `${project}_default`], { allowFail: true });
    const volumes = (await podman(['volume', 'ls', '-q', '--filter', `label=io.podman.compose.project=${project}`], { allowFail: true })).stdout.split('\n').filter(Boolean);
    if (volumes.length) await podman(['volume', 'rm', '-f', ...volumes], { allowFail: true });
  });

  it('the guide says: make doctor, then make up', function () {
    assert.deepEqual(commandsUnder(guide, '## 2. Start the dev stack'), ['make doctor', 'make up']);
  });

  it('make doctor passes on this machine (after .ci/run’s setup)', async function () {
    const r = await bash('make doctor');
    assert.match(r.stdout, /doctor: every check passed/);
  });

  it('make up brings the dev stack up', async function () {
    for (const line of commandsUnder(guide, '## 2. Start the dev stack').filter((l) => l !== 'make doctor')) await bash(line);
  });

  it('every URL of the "Ports and URLs" table answers', async function () {
    const urls = urlsOfPortsTable(guide);
    assert.ok(urls.includes('http://127.0.0.1:3000') && urls.includes('http://127.0.0.1:3000/healthz'), urls.join(', '));
    for (const url of urls) await waitFor(url, { timeoutMs: 180_000 });
  });

  it('the internal services of the table answer from inside the stack', async function () {
    const section = guide.split(/^## /m).find((s) => s.startsWith('3. Ports and URLs'))!;
    const internal = [...section.matchAll(/\| (\w[\w-]*) \| not published \(internal\) \| (http:\/\/[\w-]+:\d+) \|/g)].map((m) => [m[1]!, m[2]!] as const);
    assert.ok(internal.length >= 2, section);
    for (const [svc, url] of internal) {
      const health = svc === 'api' ? '/health' : '/healthz';
      // The dev stage of a compiled service builds at start (go run, cargo watch...): wait for it.
      const probe = () => podman(['exec', `${project}_web_1`, 'node', '-e', `fetch('${url}${health}').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))`], { allowFail: true });
      const deadline = Date.now() + 180_000;
      let r = await probe();
      while (r.code !== 0 && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 2000));
        r = await probe();
      }
      assert.equal(r.code, 0, `${svc} at ${url}${health}: ${r.stdout}${r.stderr}`);
    }
  });

  it('the tests run as the guide says (make test)', async function () {
    const lines = commandsUnder(guide, '## 4. Run the tests');
    assert.deepEqual(lines, ['make test']);
    const r = await bash(lines[0]!);
    assert.match(r.stdout, /make test: \d+ passed, 0 failed, \d+ skipped/);
  });
});
