/**
 * Validators keyed by the semantic kind of a value (as Azure Draft types its
 * variables). Each returns null when the value is valid, else a message that
 * completes "<field> <message>". They are pure and are re-run on the final
 * merged model, because flags, answers files and mocked answers skip prompts.
 */
import { existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, join } from 'node:path';

export type Check = (value: unknown) => string | null;

/** RFC 1035 label: what Kubernetes requires of Service names (RFC 1123 labels may start with a digit). */
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Registry host[:port] plus optional path; lower case, as OCI references require. */
const IMAGE_PREFIX = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z._-]{0,40}$/;
const HTTP_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

export const kinds = {
  /**
   * A DNS label that is valid everywhere the name goes: Kubernetes Service names (RFC 1035:
   * starting with a letter), other object names, Compose service names and hostnames.
   */
  dnsLabel(value: unknown): string | null {
    if (typeof value !== 'string' || value === '') return 'must be a non-empty string';
    if (value.length > 63) return `"${value}" is longer than 63 characters`;
    if (!DNS_LABEL.test(value))
      return `"${value}" is not a DNS-1123 label (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit)`;
    return null;
  },
  port(value: unknown): string | null {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535)
      return `${JSON.stringify(value)} is not a port (an integer from 1 to 65535)`;
    return null;
  },
  optionalPort(value: unknown): string | null {
    return value === null ? null : kinds.port(value);
  },
  imagePrefix(value: unknown): string | null {
    if (typeof value !== 'string' || !IMAGE_PREFIX.test(value))
      return `${JSON.stringify(value)} is not a registry/namespace prefix (e.g. ghcr.io/acme or registry.example.com:5000/team)`;
    return null;
  },
  envName(value: unknown): string | null {
    if (typeof value !== 'string' || !ENV_NAME.test(value)) return `${JSON.stringify(value)} is not an environment variable name`;
    return null;
  },
  version(value: unknown): string | null {
    if (typeof value !== 'string' || !VERSION.test(value)) return `${JSON.stringify(value)} is not a version (e.g. 22, 3.12, 1.23)`;
    return null;
  },
  httpPath(value: unknown): string | null {
    if (value === null) return null;
    if (typeof value !== 'string' || !HTTP_PATH.test(value)) return `${JSON.stringify(value)} is not an HTTP path starting with '/'`;
    return null;
  },
  command(value: unknown): string | null {
    if (!Array.isArray(value) || value.some((p) => typeof p !== 'string' || p === ''))
      return 'must be a list of non-empty strings (exec form)';
    return null;
  },
  /** A relative POSIX path inside the repository. Existence is checked by `existingDir`. */
  relPath(value: unknown): string | null {
    if (typeof value !== 'string' || value === '') return 'must be a non-empty path';
    if (isAbsolute(value) || value.includes('\\')) return `"${value}" must be a relative POSIX path`;
    if (value.split('/').includes('..')) return `"${value}" must stay inside the repository (no '..')`;
    return null;
  },
  /** A DNS name (RFC 1123 subdomain: dot-separated labels, at most 253 characters), e.g. db.example.com. */
  dnsName(value: unknown): string | null {
    if (typeof value !== 'string' || value.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value))
      return `${JSON.stringify(value)} is not a DNS name (lower-case labels separated by dots, e.g. db.example.com)`;
    return null;
  },
  /** An IPv4 or IPv6 address (node:net's own parser). */
  ipAddress(value: unknown): string | null {
    if (typeof value !== 'string' || isIP(value) === 0) return `${JSON.stringify(value)} is not an IPv4 or IPv6 address`;
    return null;
  },
  /** One of a fixed list, or absent (the default is derived). */
  oneOf(choices: readonly string[]): Check {
    return (value) => (value === undefined || choices.includes(value as string) ? null : `${JSON.stringify(value)} is not one of ${choices.join(', ')}`);
  },
} satisfies Record<string, Check | ((choices: readonly string[]) => Check)>;

export type Kind = keyof typeof kinds;

/** `relPath` plus: the folder exists below `root`. */
export function existingDir(root: string, value: unknown): string | null {
  const bad = kinds.relPath(value);
  if (bad) return bad;
  const abs = join(root, value as string);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) return `"${value}" does not exist (looked for ${abs})`;
  return null;
}

/** Turn any string into a DNS-1123 label (used for detected names, never to silently fix user input). */
export function toDnsLabel(raw: string, fallback = 'app'): string {
  const label = raw
    .toLowerCase()
    .replace(/^@[^/]+\//, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  // Kubernetes Service names must start with a letter: '2fa' becomes 'app-2fa', not 'fa'.
  const lettered = /^[0-9]/.test(label) ? `${fallback || 'svc'}-${label}` : label;
  return lettered.slice(0, 63).replace(/-+$/g, '') || fallback;
}
