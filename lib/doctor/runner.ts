/**
 * How doctor runs commands and looks at the machine: one small interface, so tests give
 * fakes (a command present, missing or too old; a port in use) and the real one goes
 * through execa (pinned in package.json; docs/development.md says why).
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { execa } from 'execa';

/** What running a command gave: not found on PATH, or its exit code and output (stdout then stderr). */
export type RunOutcome = { found: false } | { found: true; exitCode: number; output: string };

export interface Machine {
  run(command: string, args: string[]): Promise<RunOutcome>;
  /** True when nothing listens on 127.0.0.1:<port> (where Compose publishes the public services). */
  portFree(port: number): Promise<boolean>;
  /** True when the path (absolute) exists. */
  exists(path: string): boolean;
}

export async function execaRun(command: string, args: string[]): Promise<RunOutcome> {
  const result = await execa(command, args, { reject: false, timeout: 20_000, stdin: 'ignore', all: true, env: { LC_ALL: 'C' } });
  if ((result as { code?: string }).code === 'ENOENT') return { found: false };
  return { found: true, exitCode: result.exitCode ?? 1, output: String(result.all ?? '') };
}

export function portFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export const realMachine: Machine = { run: execaRun, portFree: (p) => portFree(p), exists: existsSync };
