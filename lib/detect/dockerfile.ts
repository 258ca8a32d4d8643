/**
 * What a Dockerfile the project already has says about how it runs: the command
 * of its final stage (ENTRYPOINT and CMD). Detection uses it only as a last resort,
 * when the language detector found no start command: it is the project's own answer
 * to "how does this run in a container" (a load generator started by `locust ...`).
 */
import { joinRel } from './repo.js';
import type { Fact, RepoView } from './types.js';

/** Wrappers that only pass signals on (`tini --`, `dumb-init`): the command after them is the service's. */
const INIT_WRAPPERS = /(?:^|\/)(?:tini|tini-static|dumb-init|catatonit)$/;

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** The instructions of a Dockerfile, continuation lines joined, comments dropped. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!;
    if (/^\s*(#|$)/.test(first)) continue;
    const start = i;
    let joined = first;
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) {
      const next = lines[++i]!;
      if (/^\s*#/.test(next)) continue;
      joined = `${joined.replace(/\\\s*$/, ' ')}${next.trim()}`;
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(joined);
    if (m) out.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start + 1 });
  }
  return out;
}

/** Exec form (`["a", "b"]`) as words, or null for the shell form. */
function execForm(args: string): string[] | null {
  if (!args.startsWith('[')) return null;
  try {
    const v = JSON.parse(args) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
  } catch {
    return null;
  }
}

/**
 * The command the final stage of the service's Dockerfile (or Containerfile) runs, in exec
 * form (a shell-form command becomes `sh -c <command>`), with the line that states it; null
 * when there is none.
 */
export function dockerfileCommand(repo: RepoView, dir: string): Fact<string[]> | null {
  const file = ['Dockerfile', 'Containerfile'].map((n) => joinRel(dir, n)).find((f) => repo.exists(f) && !repo.isDir(f));
  const text = file ? repo.read(file) : null;
  if (!file || text === null) return null;
  const all = instructions(text);
  const lastFrom = all.map((x) => x.keyword).lastIndexOf('FROM');
  const stage = all.slice(lastFrom + 1);
  const entry = stage.filter((x) => x.keyword === 'ENTRYPOINT').pop();
  const cmd = stage.filter((x) => x.keyword === 'CMD').pop();
  const words = (x: Instruction): string[] => execForm(x.args) ?? ['sh', '-c', x.args];
  if (entry && !execForm(entry.args)) return { value: words(entry), source: `${file}:${entry.line}` };
  let head = entry ? words(entry) : [];
  if (head.length && INIT_WRAPPERS.test(head[0]!)) head = head.slice(1).filter((w, i) => !(i === 0 && w === '--'));
  const value = [...head, ...(cmd ? words(cmd) : [])];
  if (value.length === 0) return null;
  const source = head.length ? entry! : cmd!;
  return { value, source: `${file}:${source.line}` };
}

/** `${NAME}`, `${NAME:-default}` and `$NAME` references in a command: the variables it reads. */
export function commandEnvReads(cmd: string[]): { name: string; value: string | undefined }[] {
  const out: { name: string; value: string | undefined }[] = [];
  for (const m of cmd.join(' ').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const name = m[1] ?? m[3]!;
    if (!out.some((x) => x.name === name)) out.push({ name, value: m[2] });
  }
  return out;
}
