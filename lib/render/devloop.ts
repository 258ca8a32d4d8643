/**
 * What the dev stage of the Dockerfile and the dev layer (compose.override.yaml) share
 * about the dev loop of every language: the polling watch loop of programs without a
 * reloader of their own, and what a test command prints when there is nothing to test.
 * Each language's own choices live in its pack (lib/languages/<lang>/).
 */
import { shellJoin, shellQuote } from './escape.js';

/**
 * A dev CMD for programs without a reloader of their own: a POSIX sh loop
 * that (re)builds and runs the program and restarts it when a watched file
 * under /app changes (polling once a second, so it also works on bind mounts
 * from macOS and Windows hosts). No extra tool in the image.
 */
export function watchLoop(build: string | null, run: string[], patterns: string[]): string[] {
  const names = patterns.map((p) => `-name ${shellQuote(p)}`).join(' -o ');
  const script = [
    `trap 'kill $pid 2>/dev/null; exit 0' TERM INT`,
    'while :; do touch "$HOME/.dev-stamp"; pid=',
    build ? `if ${build}; then ${shellJoin(run)} & pid=$!; fi` : `${shellJoin(run)} & pid=$!`,
    `while [ -z "$(find . \\( ${names} \\) -newer \"$HOME/.dev-stamp\" -print -quit 2>/dev/null)" ]; do sleep 1; done`,
    `echo '[dev] change detected, restarting' >&2`,
    'if [ -n "$pid" ]; then kill $pid 2>/dev/null; wait $pid; fi',
    'done',
  ].join('; ');
  return ['sh', '-c', script];
}

/**
 * What a test command prints (then exits 0) when the service has no tests to run: the
 * Makefile counts that service as skipped, not failed. A service gets tests later without
 * a re-run of the generator: the command looks for them each time.
 */
export const NO_TESTS = 'containerize: no tests';

/** The shell command printing NO_TESTS with the reason. */
export const noTests = (why: string): string => `echo "${NO_TESTS}: ${why}"`;
