/**
 * What counts as a secret, decided once. Detection uses it to withhold
 * defaults; the model validator to refuse a secret-looking value given as
 * plain (unless the user insists it is not a secret, `--not-secret`); the
 * wiring (lib/render/wiring.ts), which Compose, kustomize and Helm all read,
 * to send every secret to a secret reference; the Compose checks to reject
 * literal secrets. (The Dockerfile linter keeps a broader rule of its own on
 * purpose: a check should not share the code it checks.)
 *
 * A variable is secret when any of these says so:
 * - the model's `secret` flag;
 * - its name (secretNameReason): PASSWORD, PASSWD, PASS, PASSPHRASE, a PWD suffix (DB_PWD,
 *   not the shell's PWD), SECRET, TOKEN, CREDENTIALS, API_KEY / *_KEY, PRIVATE_KEY, SALT,
 *   AUTH as the last word (BASIC_AUTH), AUTHORIZATION, WEBHOOK, DSN, CONN_STR,
 *   CONNECTION_STRING, ConnectionStrings__*; words such as URL, HOST, FILE or NAME at the
 *   end make a name *about* a secret instead (TOKEN_URL, PASSWORD_FILE), except after
 *   WEBHOOK, DSN and connection strings, whose URL is the secret (SLACK_WEBHOOK_URL);
 * - its value (secretValueReason): a URL with a password, a key=value connection string
 *   with Password= or Pwd= (ADO.NET, ODBC), an Authorization value (Bearer, Basic, Token),
 *   a private key, a token of a well-known format (GitHub, Slack, Stripe, AWS, Google, a
 *   JWT, a Slack or Discord webhook URL), a URL with a token in its query, or a
 *   high-entropy string (random-looking: at least 20 characters of base64 or hex).
 * When in doubt it says secret: a secret only loses its default value.
 */

/** Words that make a name secret wherever they appear. */
const SECRET_WORDS = new Set([
  'PASSWORD', 'PASSWD', 'PASS', 'PASSPHRASE', 'SECRET', 'SECRETS', 'TOKEN', 'TOKENS', 'CREDENTIALS', 'CREDENTIAL', 'CREDS',
  'APIKEY', 'PRIVATE', 'PRIVATEKEY', 'SALT', 'AUTHORIZATION', 'WEBHOOK', 'WEBHOOKS', 'CONNSTR', 'CONNECTIONSTRING', 'CONNECTIONSTRINGS',
]);
/** Words whose value is the secret even when URL, URI or ENDPOINT ends the name. */
const STRONG_WORDS = new Set(['WEBHOOK', 'WEBHOOKS', 'DSN', 'CONNSTR', 'CONNECTIONSTRING', 'CONNECTIONSTRINGS']);
/** A `*_KEY` whose previous word says it is not a secret (a cache key, a public key...). */
const HARMLESS_KEY_PREFIX = new Set(['CACHE', 'PUBLIC', 'PUBLISHABLE', 'ROUTING', 'PARTITION', 'SORT', 'PRIMARY', 'QUEUE', 'OBJECT', 'BUCKET', 'LOOKUP', 'IDEMPOTENCY', 'FOREIGN', 'SHARD', 'HOTKEY', 'GROUP']);
/** Last words that make a name *about* a secret rather than the secret itself (TOKEN_URL, PASSWORD_FILE, ACCESS_KEY_ID). */
const HARMLESS_LAST = new Set(['URL', 'URI', 'ENDPOINT', 'HOST', 'PORT', 'FILE', 'PATH', 'DIR', 'TTL', 'EXPIRY', 'EXPIRES', 'EXPIRATION', 'TIMEOUT', 'LENGTH', 'ALGORITHM', 'ALG', 'ISSUER', 'AUDIENCE', 'HEADER', 'ENABLED', 'NAME', 'ID', 'TYPE', 'PREFIX', 'MODE', 'POLICY', 'REGION', 'VERSION', 'SIZE', 'COUNT', 'MIN', 'MAX', 'ROTATION', 'LOCATION']);

const URL_WORDS = new Set(['URL', 'URI', 'ENDPOINT']);

/** Words of a variable name: DB_PASSWORD → [DB, PASSWORD]; ConnectionStrings__Default → [CONNECTIONSTRINGS, DEFAULT]. */
const wordsOf = (name: string): string[] => name.toUpperCase().split(/_+/).filter(Boolean);

/**
 * Why a variable name says it holds a secret (a password, token, key or credentials), or null.
 * DB_PASSWORD, DB_PWD, JWT_SECRET, GITHUB_TOKEN, STRIPE_API_KEY, SECRET_KEY_BASE, SESSION_KEY,
 * BASIC_AUTH, SLACK_WEBHOOK(_URL), SENTRY_DSN, CONN_STR, ConnectionStrings__Default. Not:
 * CACHE_KEY_PREFIX, TOKEN_URL, PASSWORD_FILE, PUBLIC_KEY, AUTH_MODE, PWD (the shell's working directory).
 */
export function secretNameReason(name: string): string | null {
  const words = wordsOf(name);
  const last = words[words.length - 1] ?? '';
  const before = words[words.length - 2];
  const strong = words.find((w) => STRONG_WORDS.has(w)) ?? (words.includes('CONNECTION') && words.includes('STRING') ? 'CONNECTION_STRING' : words.includes('CONN') && words.includes('STR') ? 'CONN_STR' : null);
  // A webhook's or a connection string's URL is the secret itself (SLACK_WEBHOOK_URL); DSN only as the last word (SENTRY_DSN).
  if (strong && (strong === 'DSN' ? last === 'DSN' : !HARMLESS_LAST.has(last) || URL_WORDS.has(last))) return `its name says ${strong}`;
  if (HARMLESS_LAST.has(last)) return null;
  const word = words.find((w) => SECRET_WORDS.has(w));
  if (word) return `its name says ${word}`;
  if (last === 'PWD' && words.length > 1) return 'its name ends in PWD (a password)';
  if (last === 'KEY' || last === 'KEYS') return before !== undefined && HARMLESS_KEY_PREFIX.has(before) ? null : `its name ends in ${last}`;
  if (last === 'AUTH') return before !== undefined && HARMLESS_KEY_PREFIX.has(before) ? null : 'its name ends in AUTH';
  return null;
}

/** True when a variable name looks like it holds a secret (see secretNameReason). */
export const isSecretName = (name: string): boolean => secretNameReason(name) !== null;

/** True when a value holds a URL with a password in it (`postgres://app:pw@db`, `redis://:pw@cache`). */
export function hasUrlPassword(value: string): boolean {
  return /[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]+@/i.test(value);
}

/** Tokens of well-known formats. */
const TOKEN_FORMATS: [RegExp, string][] = [
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, 'a private key'],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/, 'a GitHub token'],
  [/\bxox[abeprs]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/hooks\.slack\.com\/(?:services|workflows|triggers)\/\S+/i, 'a Slack webhook URL'],
  [/discord(?:app)?\.com\/api\/webhooks\/\S+/i, 'a Discord webhook URL'],
  [/\b[rs]k_(?:live|test)_[A-Za-z0-9]{10,}/, 'a Stripe key'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key'],
  [/\bAIza[0-9A-Za-z_-]{30,}/, 'a Google API key'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, 'a JSON Web Token'],
];

/** Shannon entropy of a string, in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** A random-looking token: 20+ characters of base64/hex, mixed case and digits with high entropy, or 32+ hex digits. UUIDs are identifiers, not secrets. */
function highEntropy(value: string): boolean {
  const v = value.trim();
  if (v.length < 20 || /\s/.test(v)) return false;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return false;
  if (/^[0-9a-f]{32,}$/i.test(v)) return entropy(v) >= 3;
  if (!/^[A-Za-z0-9+/=_-]+$/.test(v)) return false;
  return /[a-z]/.test(v) && /[A-Z]/.test(v) && /[0-9]/.test(v) && entropy(v) >= 3.7;
}

/** Why a value looks like a secret, or null. */
export function secretValueReason(value: string): string | null {
  if (hasUrlPassword(value)) return 'its value is a URL with a password';
  if (/(?:^|;)\s*(?:password|pwd)\s*=\s*[^;\s]/i.test(value)) return 'its value is a connection string with a password (Password=)';
  if (/^\s*(?:bearer|basic|token|digest)\s+\S{8,}/i.test(value)) return 'its value is an Authorization header value';
  for (const [re, what] of TOKEN_FORMATS) if (re.test(value)) return `its value is ${what}`;
  if (/[?&#](?:access_token|api_?key|apikey|token|secret|sig|signature|password|key)=[^&\s]{8,}/i.test(value)) return 'its value is a URL with a token in its query';
  if (highEntropy(value)) return 'its value looks random (a key or token)';
  return null;
}

export const looksSecretValue = (value: string): boolean => secretValueReason(value) !== null;

/** One variable as the model holds it. */
export interface EnvLike {
  value: string | null;
  secret: boolean;
  /** The user insisted it is not a secret (--not-secret): its value is written as given. */
  notSecret?: boolean;
}

/**
 * The one rule: why a variable is a secret (its flag, its name or its value), or null when it
 * is not. A variable the user insists is not a secret (`notSecret`) never is.
 */
export function secretReason(name: string, env: EnvLike): string | null {
  if (env.notSecret === true) return null;
  if (env.secret) return 'it is marked secret';
  return secretNameReason(name) ?? (env.value !== null ? secretValueReason(env.value) : null);
}
