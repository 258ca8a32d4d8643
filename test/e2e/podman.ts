/**
 * Small helpers for the end-to-end tier: run a command and capture its
 * output, drive podman, parse `podman build` output, wait for HTTP, and
 * remember every container, network and image a test makes so that it can
 * remove exactly those (never a broad prune: other work shares this podman).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** The stand-in base images (scripts/e2e/base-images.sh) that the example's Dockerfiles build on. */
export const EXAMPLE_BASE_IMAGES = [
  'docker.io/library/node:22-bookworm-slim',
  'docker.io/library/python:3.11-slim-bookworm',
  'docker.io/library/golang:1.22-bookworm',
  'docker.io/library/debian:bookworm-slim',
  'docker.io/library/redis:7-bookworm',
];

/**
 * The stand-ins the wired fixture (test/fixtures/e2e/wired) needs: its Node services'
 * base image and the backing services the generator picks for pg, ioredis, mysql2 and
 * amqplib (scripts/e2e/base-images.sh builds them all).
 */
export const WIRED_BASE_IMAGES = [
  'docker.io/library/node:22-bookworm-slim',
  'docker.io/library/postgres:16-bookworm',
  'docker.io/library/redis:7-bookworm',
  'docker.io/library/mariadb:11',
  'docker.io/library/rabbitmq:3-management',
];

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall-clock duration in milliseconds. */
  ms: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the command after this long (default 20 minutes). */
  timeoutMs?: number;
  /** Resolve instead of rejecting on a non-zero exit. */
  allowFail?: boolean;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    super(`${command} exited with ${result.code}\n--- stdout (tail)\n${tail(result.stdout)}\n--- stderr (tail)\n${tail(result.stderr)}`);
  }
}

const tail = (text: string, lines = 40): string => text.split('\n').slice(-lines).join('\n');

/**
 * The folder to run a command in when none is given: this process's, unless an earlier test
 * removed it (yeoman-test's cd into a temp folder that is then deleted), where a child such as
 * podman would fail with "getwd: no such file or directory".
 */
function liveCwd(): string | undefined {
  try {
    return existsSync(process.cwd()) ? undefined : tmpdir();
  } catch {
    return tmpdir();
  }
}

/** Run a command without a shell, capturing stdout and stderr. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? liveCwd(), env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20 * 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, stdout, stderr, ms: Date.now() - started };
      if (result.code !== 0 && !opts.allowFail) reject(new CommandError(`${cmd} ${args.join(' ')}`, result));
      else resolve(result);
    });
  });
}

export const podman = (args: string[], opts?: RunOptions): Promise<RunResult> => run('podman', args, opts);

/** True when podman exists and answers. */
export async function podmanAvailable(): Promise<boolean> {
  try {
    return (await podman(['version', '--format', '{{.Client.Version}}'], { allowFail: true, timeoutMs: 30_000 })).code === 0;
  } catch {
    return false;
  }
}

export async function imageExists(ref: string): Promise<boolean> {
  return (await podman(['image', 'exists', ref], { allowFail: true })).code === 0;
}

/** One step of a `podman build` (buildah) run. */
export interface BuildStep {
  /** `[2/5]` of a multi-stage build, or '' */
  stage: string;
  /** The instruction as buildah prints it, e.g. `RUN npm ci` (continuations joined). */
  instruction: string;
  /** buildah printed `--> Using cache <id>` for it. */
  cached: boolean;
}

/**
 * Steps of a buildah build log, in order: `[n/m] STEP i/k: INSTRUCTION`, then either
 * `--> Using cache <id>` (the layer was reused) or the step's output.
 */
export function parseBuildSteps(output: string): BuildStep[] {
  const steps: BuildStep[] = [];
  for (const line of output.split('\n')) {
    const m = /^(\[\d+\/\d+\] )?STEP \d+\/\d+: (.*)$/.exec(line);
    if (m) {
      steps.push({ stage: (m[1] ?? '').trim(), instruction: m[2]!.trim(), cached: false });
      continue;
    }
    if (/^--> Using cache [0-9a-f]{12,}/.test(line) && steps.length) steps[steps.length - 1]!.cached = true;
  }
  return steps;
}

/**
 * Layer images a build made (`--> 1a2b3c4d5e6` after a step), in order. Layers it took
 * from the cache (`--> Using cache <id>`, then `--> <id>`) are left out: they belong to
 * whichever build made them.
 */
export function builtImageIds(output: string): string[] {
  const ids: string[] = [];
  let reused = false;
  for (const line of output.split('\n')) {
    if (/^--> Using cache /.test(line)) {
      reused = true;
      continue;
    }
    const m = /^--> ([0-9a-f]{11,64})$/.exec(line);
    if (m) {
      if (!reused && !ids.includes(m[1]!)) ids.push(m[1]!);
      reused = false;
    }
  }
  return ids;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface HttpAnswer {
  status: number;
  body: string;
}

export async function http(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text() };
}

/** Poll `url` until `accept` says yes (default: a 2xx answer) or the time is up. */
export async function waitFor(url: string, { timeoutMs = 60_000, accept = (a: HttpAnswer) => a.status >= 200 && a.status < 300 } = {}): Promise<HttpAnswer> {
  const deadline = Date.now() + timeoutMs;
  let last: string = 'no answer';
  while (Date.now() < deadline) {
    try {
      const a = await http(url);
      if (accept(a)) return a;
      last = `HTTP ${a.status} ${a.body.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url}: not ready after ${timeoutMs} ms (last: ${last})`);
}

/**
 * What a test made, removed in reverse order by `cleanup()`: containers, then
 * networks, then images (tags and the layer images its builds printed).
 */
export class Resources {
  readonly containers: string[] = [];
  readonly networks: string[] = [];
  readonly images: string[] = [];

  async cleanup(): Promise<string[]> {
    const failures: string[] = [];
    const rm = async (args: string[]) => {
      const r = await podman(args, { allowFail: true, timeoutMs: 120_000 });
      if (r.code !== 0 && !/no such|not known|image not known|no container with name or ID/i.test(r.stderr)) failures.push(`podman ${args.join(' ')}: ${r.stderr.trim()}`);
    };
    // -v: also the anonymous volumes of the containers (redis declares VOLUME /data).
    for (const c of [...this.containers].reverse()) await rm(['rm', '-f', '-v', '-t', '2', c]);
    for (const n of [...this.networks].reverse()) await rm(['network', 'rm', '-f', n]);
    // Tags first, then the layer images (children before parents, so newest first).
    for (const i of [...this.images].reverse()) await rm(['rmi', i]);
    return failures;
  }
}
