/**
 * Strict input: a flag, a generator, a `--set` path or a component name that
 * does not exist is an error before anything is written, naming the closest
 * valid choice (Levenshtein distance, from fastest-levenshtein). The
 * `containerize` bin exits 2 on it (docs/options.md, "Exit status").
 */
import { closest, distance } from 'fastest-levenshtein';

export class UsageError extends Error {
  readonly code = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The valid choice nearest to `input`, when it is near enough to be a typo (or a prefix of it). */
export function nearest(input: string, choices: readonly string[]): string | undefined {
  if (choices.length === 0) return undefined;
  const best = closest(input, [...choices]);
  const limit = Math.max(2, Math.floor(Math.max(input.length, best.length) / 3));
  return distance(input, best) <= limit || best.startsWith(input) ? best : undefined;
}

/** `; did you mean "port"?` or, when nothing is near, the list of valid choices. */
export function suggest(input: string, choices: readonly string[], quote = (s: string) => `"${s}"`): string {
  const best = nearest(input, choices);
  if (best !== undefined) return `; did you mean ${quote(best)}?`;
  return choices.length ? ` (valid: ${choices.map(quote).join(', ')})` : '';
}
