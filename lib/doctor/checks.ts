/**
 * `containerize doctor`: what this stack needs on a developer's machine, checked through
 * a Machine (lib/doctor/runner.ts) and reported as rows of a pass/fail table, each failure
 * with its fix. Reads the model only: the requirements are lib/doctor/requirements.ts,
 * the host ports are the model's public ports and the dev layer's debugger ports, the
 * secret files are those secrets/create.sh writes (lib/render/compose-plan.ts).
 */
import { join } from 'node:path';
import type { StackModel } from '../model/types.js';
import { planDev } from '../../generators/dev/files.js';
import { ENGINES, atLeast, parseVersion, tools, type Tool } from './requirements.js';
import type { Machine } from './runner.js';

export type Status = 'pass' | 'fail' | 'warn';
export interface CheckResult {
  check: string;
  status: Status;
  /** What was found: a version, "missing", "in use"... */
  found: string;
  /** What to do about a failure or warning ('' when it passed). */
  fix: string;
}

export interface DoctorOptions {
  /** Leave out kubectl and helm (a machine that only runs the dev stack). */
  skipDeploy?: boolean;
}

type ToolState = { state: 'ok'; version: string } | { state: 'missing' } | { state: 'broken'; output: string } | { state: 'old'; version: string };

async function probe(machine: Machine, tool: Tool): Promise<ToolState> {
  const outcome = await machine.run(tool.command, tool.versionArgs);
  if (!outcome.found) return { state: 'missing' };
  const version = outcome.exitCode === 0 ? parseVersion(outcome.output, tool.versionPattern) : null;
  if (version === null) return { state: 'broken', output: outcome.output.trim().split('\n')[0] ?? '' };
  return atLeast(version, tool.minimum) ? { state: 'ok', version } : { state: 'old', version };
}

const describe = (s: ToolState): string =>
  s.state === 'ok' ? s.version : s.state === 'missing' ? 'not found' : s.state === 'old' ? `${s.version} (too old)` : `does not answer${s.output ? `: ${s.output}` : ''}`;

const fixFor = (tool: Tool, s: ToolState): string =>
  s.state === 'old' ? `upgrade ${tool.label} to ${tool.minimum} or later: ${tool.install}` : s.state === 'broken' ? `\`${tool.command} ${tool.versionArgs.join(' ')}\` failed; reinstall or start it: ${tool.install}` : `install ${tool.label} ${tool.minimum}+: ${tool.install}`;

/** Docker with `docker compose`, or podman with podman-compose: one row, passing when either pair is complete. */
async function engineRow(machine: Machine): Promise<CheckResult> {
  const seen: string[] = [];
  const fixes: string[] = [];
  for (const { name, engine, compose } of ENGINES) {
    const e = await probe(machine, engine);
    const c = e.state === 'missing' ? ({ state: 'missing' } as ToolState) : await probe(machine, compose);
    if (e.state === 'ok' && c.state === 'ok') return { check: 'container engine + Compose', status: 'pass', found: `${name} ${e.version}, ${compose.command === 'docker' ? 'compose' : compose.command} ${c.version}`, fix: '' };
    seen.push(`${name}: ${describe(e)}${e.state === 'missing' ? '' : `, ${compose.label}: ${describe(c)}`}`);
    if (e.state !== 'ok') fixes.push(fixFor(engine, e));
    else fixes.push(fixFor(compose, c));
  }
  return { check: 'container engine + Compose', status: 'fail', found: seen.join('; '), fix: `either ${fixes.join(', or ')}` };
}

export async function runDoctor(model: StackModel, root: string, machine: Machine, options: DoctorOptions = {}): Promise<CheckResult[]> {
  const rows: CheckResult[] = [await engineRow(machine)];
  for (const { tool, optional, deploy } of tools(model)) {
    if (deploy && options.skipDeploy) continue;
    const s = await probe(machine, tool);
    const check = `${tool.label} >= ${tool.minimum}`;
    if (s.state === 'ok') rows.push({ check, status: 'pass', found: s.version, fix: '' });
    else rows.push({ check, status: optional ? 'warn' : 'fail', found: describe(s), fix: `${fixFor(tool, s)}${optional ? `; ${tool.why}` : ''}` });
  }
  const dev = planDev(model);
  const ports = [
    ...dev.stack.apps.filter((a) => a.svc.public && a.svc.port !== null).map((a) => ({ port: a.svc.port!, what: `${a.name} (public)`, service: a.name })),
    ...dev.services.flatMap((s) => s.debugPorts.map((d) => ({ port: d.host, what: `${s.app.name} debugger (dev layer)`, service: s.app.name }))),
  ].sort((a, b) => a.port - b.port);
  for (const p of ports) {
    const free = await machine.portFree(p.port);
    rows.push({
      check: `port ${p.port} free on 127.0.0.1: ${p.what}`,
      status: free ? 'pass' : 'fail',
      found: free ? 'free' : 'in use',
      fix: free ? '' : `stop what listens there (\`ss -ltnp 'sport = :${p.port}'\` or \`lsof -i :${p.port}\` shows it; \`make down\` if it is this stack)${p.what.includes('public') ? `, or give ${p.service} another port: containerize --set ${p.service}.port=<port>` : ''}`,
    });
  }
  const script = 'secrets/create.sh';
  if (dev.stack.secretFiles.length) {
    if (!machine.exists(join(root, script))) rows.push({ check: script, status: 'fail', found: 'missing', fix: 'generate it: containerize compose --yes (or yo containerize:compose)' });
    for (const f of dev.stack.secretFiles) {
      const there = machine.exists(join(root, f.path));
      rows.push({ check: `secret file ${f.path}`, status: there ? 'pass' : 'fail', found: there ? 'present' : 'missing', fix: there ? '' : 'make secrets (runs sh secrets/create.sh: random values, never overwrites)' });
    }
  }
  return rows;
}

/** The table doctor prints: check, status, what was found, then the fix of each row that did not pass. */
export function formatReport(rows: CheckResult[]): string {
  const label: Record<Status, string> = { pass: 'ok', fail: 'FAIL', warn: 'warn' };
  const w0 = Math.max(5, ...rows.map((r) => r.check.length));
  const w1 = 6;
  const lines = [`${'check'.padEnd(w0)}  ${'status'.padEnd(w1)}  found`, `${'-'.repeat(w0)}  ${'-'.repeat(w1)}  -----`];
  for (const r of rows) lines.push(`${r.check.padEnd(w0)}  ${label[r.status].padEnd(w1)}  ${r.found}`);
  const todo = rows.filter((r) => r.status !== 'pass');
  if (todo.length) lines.push('', 'To fix:', ...todo.map((r) => `  ${label[r.status]} ${r.check}: ${r.fix}`));
  const failed = rows.filter((r) => r.status === 'fail').length;
  lines.push('', failed ? `doctor: ${failed} check${failed === 1 ? '' : 's'} failed` : `doctor: every check passed${todo.length ? ` (${todo.length} warning${todo.length === 1 ? '' : 's'})` : ''}`);
  return lines.join('\n');
}
