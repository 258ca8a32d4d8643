/**
 * YAML scalars for Compose files. `yamlScalar` (lib/render/ejs.ts) quotes what
 * YAML 1.2 would misread; Compose files are also read by YAML 1.1 parsers
 * (podman-compose uses PyYAML), which turn plain `yes`, `off`, `1:30`, `1_000`
 * or `2024-01-01` into booleans, numbers and dates. `scalar` delegates to
 * yamlScalar and double-quotes those too, so every parser reads a string.
 */
import { yamlScalar } from '../../lib/render/ejs.js';

/** PyYAML's implicit resolvers (bool, int, float, null, timestamp, merge, value), plus y/n from the YAML 1.1 spec. */
const YAML11_IMPLICIT = [
  /^(?:y|Y|n|N|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:~|null|Null|NULL|)$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/,
  /^(?:<<|=)$/,
];

/** A YAML scalar that YAML 1.1 and 1.2 parsers both read back as the same string (or number/boolean when given one). */
export function scalar(value: string | number | boolean | null): string {
  const out = yamlScalar(value);
  if (typeof value !== 'string') return out;
  const plain = !/^["'|>]/.test(out);
  return plain && YAML11_IMPLICIT.some((re) => re.test(out)) ? JSON.stringify(value) : out;
}
