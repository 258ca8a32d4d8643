/**
 * What counts as a secret, decided once: detection uses it to withhold
 * defaults, the Compose renderer to route values to secrets, and the Compose
 * validator to reject literal secrets. (The Dockerfile linter keeps a broader
 * rule of its own on purpose: a check should not share the code it checks.)
 */

const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASS', 'SECRET', 'SECRETS', 'TOKEN', 'CREDENTIALS', 'CREDENTIAL', 'APIKEY', 'PRIVATE', 'SALT']);
/** A `*_KEY` whose previous word says it is not a secret (a cache key, a public key...). */
const HARMLESS_KEY_PREFIX = new Set(['CACHE', 'PUBLIC', 'PUBLISHABLE', 'ROUTING', 'PARTITION', 'SORT', 'PRIMARY', 'QUEUE', 'OBJECT', 'BUCKET', 'LOOKUP', 'IDEMPOTENCY']);
/** Last words that make a name *about* a secret rather than the secret itself (TOKEN_URL, PASSWORD_FILE, ACCESS_KEY_ID). */
const HARMLESS_LAST = new Set(['URL', 'URI', 'ENDPOINT', 'HOST', 'PORT', 'FILE', 'PATH', 'DIR', 'TTL', 'EXPIRY', 'EXPIRES', 'EXPIRATION', 'TIMEOUT', 'LENGTH', 'ALGORITHM', 'ALG', 'ISSUER', 'AUDIENCE', 'HEADER', 'ENABLED', 'NAME', 'ID', 'TYPE', 'PREFIX']);

/**
 * True when a variable name looks like it holds a password, token or key:
 * DB_PASSWORD, JWT_SECRET, GITHUB_TOKEN, STRIPE_API_KEY, SECRET_KEY_BASE, SESSION_KEY.
 * Not: CACHE_KEY_PREFIX, TOKEN_URL, PASSWORD_FILE, PUBLIC_KEY, PWD (the shell's working directory).
 * When in doubt it says secret: a secret only loses its default value.
 */
export function isSecretName(name: string): boolean {
  const words = name.toUpperCase().split('_').filter(Boolean);
  const last = words[words.length - 1] ?? '';
  if (HARMLESS_LAST.has(last)) return false;
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  if (last === 'KEY' || last === 'KEYS' || last === 'AUTH') {
    const before = words[words.length - 2];
    return !(before !== undefined && HARMLESS_KEY_PREFIX.has(before));
  }
  return false;
}

/** True when a value holds a URL with a password in it (`postgres://app:pw@db`, `redis://:pw@cache`). */
export function hasUrlPassword(value: string): boolean {
  return /[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]+@/i.test(value);
}
