/**
 * `containerize doctor` (issue 14), with faked commands:
 *
 * - lib/doctor/checks.ts through a fake Machine: every tool present, one missing, one too
 *   old, a port in use, a secret file missing; Docker without its compose plugin falls
 *   back to podman; helm missing only warns;
 * - the generator (yeoman-test, the fake Machine as an option): the run fails exactly when
 *   a check failed;
 * - the real bin through the real execa runner, with fake executables on PATH and a real
 *   listener on a port: exit status 0, then 1.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatReport, runDoctor, type CheckResult } from '../../lib/doctor/checks.js';
import { atLeast, parseVersion, PODMAN_COMPOSE } from '../../lib/doctor/requirements.js';
import type { Machine, RunOutcome } from '../../lib/doctor/runner.js';
import { CONFIG_KEY, type StackModel } from '../../lib/model/types.js';
import { runGenerator } from '../helpers/run.js';
import { SAMPLE_MODELS } from '../helpers/models.js';
import { REPO_ROOT } from '../helpers/tree.js';

const BIN = join(REPO_ROOT, 'dist', 'bin', 'containerize.js');

/** What each faked command prints: key "command args...", value the output (exit 0), or null: not on PATH. */
type Fakes = Record<string, string | null>;
const GOOD: Fakes = {
  'docker version --format {{.Client.Version}}': '27.3.1',
  'docker compose version --short': '2.29.7',
  'podman version --format {{.Client.Version}}': '5.2.0',
  'podman-compose --version': 'podman-compose version 1.2.0\npodman version 5.2.0',
  'git --version': 'git version 2.43.0',
  'make --version': 'GNU Make 4.3\nBuilt for x86_64-pc-linux-gnu',
  'kubectl version --client': 'Client Version: v1.31.2\nKustomize Version: v5.4.2',
  'helm version --template {{.Version}}': 'v3.16.2',
};

function fakeMachine(fakes: Fakes, { busy = [] as number[], files = [] as string[] } = {}): Machine & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async run(command: string, args: string[]): Promise<RunOutcome> {
      const key = [command, ...args].join(' ');
      calls.push(key);
      if (!(key in fakes)) return { found: false };
      const out = fakes[key];
      if (out === null) return { found: false };
      if (out === undefined) return { found: false };
      return out.startsWith('EXIT1 ') ? { found: true, exitCode: 1, output: out.slice(6) } : { found: true, exitCode: 0, output: out };
    },
    async portFree(port: number) {
      return !busy.includes(port);
    },
    exists(path: string) {
      return files.some((f) => path.endsWith(`/${f}`));
    },
  };
}

const row = (rows: CheckResult[], start: string) => rows.find((r) => r.check.startsWith(start));
const failed = (rows: CheckResult[]) => rows.filter((r) => r.status === 'fail').map((r) => r.check);

const taskboard = SAMPLE_MODELS.taskboard!;
const secretsModel = SAMPLE_MODELS.pythonPostgres!;

describe('doctor', () => {
  describe('versions', () => {
    it('reads the version out of each tool’s own output', () => {
      assert.equal(parseVersion('git version 2.39.5'), '2.39.5');
      assert.equal(parseVersion('Client Version: v1.32.4-dispatcher'), '1.32.4');
      assert.equal(parseVersion("['podman', '--version', '']\nusing podman version: 4.3.1\npodman-composer version  1.0.3\n", PODMAN_COMPOSE.versionPattern), '1.0.3');
      assert.equal(parseVersion('podman-compose version 1.2.0\npodman version 5.2.0', PODMAN_COMPOSE.versionPattern), '1.2.0');
      assert.equal(parseVersion('no digits'), null);
    });
    it('compares dotted versions as numbers', () => {
      assert.ok(atLeast('1.27', '1.27'));
      assert.ok(atLeast('1.100', '1.27'));
      assert.ok(!atLeast('1.9.9', '1.27'));
      assert.ok(atLeast('2.20.0', '2.20'));
      assert.ok(!atLeast('3.7.2', '3.8'));
    });
  });

  describe('checks (fake machine)', () => {
    it('passes when every command is present and new enough, and every port is free', async () => {
      const rows = await runDoctor(taskboard, '/repo', fakeMachine(GOOD));
      assert.deepEqual(failed(rows), []);
      assert.equal(row(rows, 'container engine')!.found, 'docker 27.3.1, compose 2.29.7');
      assert.ok(row(rows, 'port 3000')?.status === 'pass');
      assert.match(formatReport(rows), /doctor: every check passed$/);
    });

    it('fails when no engine is complete, with the fix for each way', async () => {
      const m = fakeMachine({ ...GOOD, 'docker version --format {{.Client.Version}}': null, 'podman version --format {{.Client.Version}}': null });
      const rows = await runDoctor(taskboard, '/repo', m);
      const engine = row(rows, 'container engine')!;
      assert.equal(engine.status, 'fail');
      assert.equal(engine.found, 'docker: not found; podman: not found');
      assert.match(engine.fix, /install Docker Engine 24\.0\+.*or install podman 4\.3\+/);
    });

    it('falls back to podman when docker has no compose plugin (docker compose fails)', async () => {
      const m = fakeMachine({ ...GOOD, 'docker compose version --short': "EXIT1 docker: 'compose' is not a docker command." });
      const rows = await runDoctor(taskboard, '/repo', m);
      assert.equal(row(rows, 'container engine')!.status, 'pass');
      assert.equal(row(rows, 'container engine')!.found, 'podman 5.2.0, podman-compose 1.2.0');
    });

    it('fails on a missing tool and on one too old, naming the minimum', async () => {
      const m = fakeMachine({ ...GOOD, 'git --version': null, 'kubectl version --client': 'Client Version: v1.25.3' });
      const rows = await runDoctor(taskboard, '/repo', m);
      assert.deepEqual(failed(rows), ['git >= 2.25', 'kubectl >= 1.27']);
      assert.equal(row(rows, 'git')!.found, 'not found');
      assert.equal(row(rows, 'kubectl')!.found, '1.25.3 (too old)');
      assert.match(row(rows, 'kubectl')!.fix, /^upgrade kubectl to 1\.27 or later/);
      const report = formatReport(rows);
      assert.match(report, /To fix:\n.*FAIL git >= 2\.25: install git 2\.25\+/);
      assert.match(report, /doctor: 2 checks failed$/);
    });

    it('only warns when helm is missing (the default deploy does not use it)', async () => {
      const rows = await runDoctor(taskboard, '/repo', fakeMachine({ ...GOOD, 'helm version --template {{.Version}}': null }));
      assert.deepEqual(failed(rows), []);
      assert.equal(row(rows, 'Helm')!.status, 'warn');
      assert.match(formatReport(rows), /every check passed \(1 warning\)$/);
    });

    it('--skip-deploy leaves kubectl and helm out', async () => {
      const m = fakeMachine({ ...GOOD, 'kubectl version --client': null });
      const rows = await runDoctor(taskboard, '/repo', m, { skipDeploy: true });
      assert.equal(row(rows, 'kubectl'), undefined);
      assert.ok(!m.calls.some((c) => c.startsWith('kubectl') || c.startsWith('helm')));
    });

    it('fails when a public port or a debugger port is in use, with how to find what holds it', async () => {
      const rows = await runDoctor(taskboard, '/repo', fakeMachine(GOOD, { busy: [3000, 9229] }));
      assert.deepEqual(failed(rows), ['port 3000 free on 127.0.0.1: web (public)', 'port 9229 free on 127.0.0.1: web debugger (dev layer)']);
      assert.match(row(rows, 'port 3000')!.fix, /lsof -i :3000.*make down.*containerize --set web\.port=<port>/);
    });

    it('checks the secret files secrets/create.sh makes, and passes once they exist', async () => {
      const missing = await runDoctor(secretsModel, '/repo', fakeMachine(GOOD, { files: ['secrets/create.sh'] }));
      const secretRows = missing.filter((r) => r.check.startsWith('secret file'));
      assert.ok(secretRows.length > 0);
      assert.ok(secretRows.every((r) => r.status === 'fail' && /make secrets/.test(r.fix)));
      const paths = secretRows.map((r) => r.check.replace('secret file ', ''));
      const present = await runDoctor(secretsModel, '/repo', fakeMachine(GOOD, { files: ['secrets/create.sh', ...paths] }));
      assert.deepEqual(failed(present), []);
    });
  });

  describe('generator (yeoman-test, fake machine)', () => {
    const sink = { write: () => true };
    const withModel = (model: StackModel) => (dir: string) => writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ [CONFIG_KEY]: model }));

    it('succeeds when every check passes', async () => {
      await runGenerator('doctor').inTmpDir(withModel(taskboard)).withOptions({ machine: fakeMachine(GOOD), stdout: sink });
    });

    it('fails the run (exit status 1 from the bin) when a check fails', async () => {
      await assert.rejects(
        runGenerator('doctor').inTmpDir(withModel(taskboard)).withOptions({ machine: fakeMachine({ ...GOOD, 'git --version': null }), stdout: sink }),
        /1 check failed/,
      );
    });

    it('says clearly when .yo-rc.json is not JSON', async () => {
      await assert.rejects(
        runGenerator('doctor').inTmpDir((dir) => writeFileSync(join(dir, '.yo-rc.json'), '{ "generator-containerize": ')).withOptions({ machine: fakeMachine(GOOD), stdout: sink }),
        /parse JSON in file: .*\.yo-rc\.json|\.yo-rc\.json is not valid JSON/, // Yeoman reads it first, for this.config
      );
    });

    it('says to run the generator first when there is no model', async () => {
      await assert.rejects(runGenerator('doctor').inTmpDir(() => {}).withOptions({ machine: fakeMachine(GOOD), stdout: sink }), /No stack model in .*\.yo-rc\.json/);
    });
  });

  describe('bin: containerize doctor through execa, fake commands on PATH', function () {
    let dir = '';
    let fakeBin = '';
    let port = 0;
    let server: Server | undefined;
    const doctor = () => spawnSync(process.execPath, [BIN, 'doctor'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: fakeBin } });

    /** Write one fake executable per command from the fakes (a case on "$*"). */
    const writeFakes = (fakes: Fakes) => {
      const byCommand = new Map<string, [string, string][]>();
      for (const [key, out] of Object.entries(fakes)) {
        if (out === null) continue;
        const [name, ...args] = key.split(' ');
        byCommand.set(name!, [...(byCommand.get(name!) ?? []), [args.join(' '), out]]);
      }
      fakeBin = mkdtempSync(join(tmpdir(), 'doctor-bin-'));
      for (const [name, cases] of byCommand) {
        const body = cases.map(([args, out]) => `  '${args}') printf '%s\\n' '${out.replace(/'/g, "'\\''")}' ;;`).join('\n');
        writeFileSync(join(fakeBin, name), `#!/bin/sh\ncase "$*" in\n${body}\n  *) echo "fake ${name}: $*" >&2; exit 2 ;;\nesac\n`);
        chmodSync(join(fakeBin, name), 0o755);
      }
    };

    before(async () => {
      // A free port for the public service, so the check does not depend on what else runs here.
      server = createServer();
      await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
      port = (server.address() as { port: number }).port;
      await new Promise<void>((r) => server!.close(() => r()));
      dir = mkdtempSync(join(tmpdir(), 'doctor-repo-'));
      const model = structuredClone(taskboard);
      model.services.web!.port = port;
      model.services.web!.language = 'python'; // no Node debugger port: only `port` is published
      mkdirSync(join(dir, 'secrets'));
      writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ [CONFIG_KEY]: model }));
    });

    after(() => server?.close());

    it('exits 0 and prints the table when everything is there', () => {
      writeFakes(GOOD);
      const r = doctor();
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /container engine \+ Compose\s+ok\s+docker 27\.3\.1, compose 2\.29\.7/);
      assert.match(r.stdout, new RegExp(`port ${port} free on 127\\.0\\.0\\.1: web \\(public\\)\\s+ok`));
    });

    it('exits 1 when a command is too old', () => {
      writeFakes({ ...GOOD, 'git --version': 'git version 2.17.1' });
      const r = doctor();
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /git >= 2\.25\s+FAIL\s+2\.17\.1 \(too old\)/);
      assert.match(r.stderr, /containerize: 1 check failed/);
    });

    it('exits 1 when a command is missing', () => {
      writeFakes({ ...GOOD, 'make --version': null });
      const r = doctor();
      assert.equal(r.status, 1);
      assert.match(r.stdout, /GNU make >= 3\.81\s+FAIL\s+not found/);
    });

    it('exits 1 when the public port is in use', async () => {
      writeFakes(GOOD);
      server = createServer();
      await new Promise<void>((r) => server!.listen(port, '127.0.0.1', () => r()));
      const r = doctor();
      await new Promise<void>((r2) => server!.close(() => r2()));
      assert.equal(r.status, 1, r.stdout);
      assert.match(r.stdout, new RegExp(`port ${port} free on 127\\.0\\.0\\.1: web \\(public\\)\\s+FAIL\\s+in use`));
    });
  });
});
