/** Shell words: a command line the user or a manifest wrote, as the exec-form words the model stores. */

/**
 * A command line as exec-form words, as a POSIX shell splits it: single quotes keep everything,
 * double quotes keep everything but a backslash escape, a backslash outside quotes escapes the
 * next character, and quotes join the text around them (`--flag="a b"` is one word). The one
 * splitter of the generator: `--set <svc>.start`, the questions, `containerize service --start`
 * and the Node detector's scripts.
 */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let started = false;
  for (let i = 0; i < cmd.length; i++) {
    const ch = cmd[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < cmd.length) cur += cmd[++i];
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (ch === '\\' && i + 1 < cmd.length) {
      cur += cmd[++i];
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) out.push(cur);
      cur = '';
      started = false;
    } else {
      cur += ch;
      started = true;
    }
  }
  if (started) out.push(cur);
  return out;
}
