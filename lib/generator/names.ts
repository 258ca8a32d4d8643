/** Every generator of the package, as `containerize <name>` and `yo containerize:<name>` run them. */
export const GENERATOR_NAMES = ['app', 'detect', 'service', 'dockerfile', 'compose', 'dev', 'ci', 'cd', 'kubernetes', 'helm', 'docs', 'doctor'];
