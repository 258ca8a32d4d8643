/**
 * The template helpers' quoting: the short path for plain names (no YAML stringify) gives
 * exactly what the full path gives, and both read back as the same string under YAML 1.2
 * (yaml) and as a string under the YAML 1.1 resolvers (the patterns PyYAML and yaml.v2 use).
 */
import { strict as assert } from 'node:assert';
import { parse, stringify } from 'yaml';
import { yamlScalar } from '../../lib/render/ejs.js';

/** What yamlScalar answered before its short path: stringify, then quote what YAML 1.1 resolves. */
function reference(value: string): string {
  const out = stringify(value, { lineWidth: 0 }).trimEnd();
  const yaml11 = [
    /^(?:y|Y|n|N|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
    /^(?:~|null|Null|NULL|)$/,
  ];
  return !/^["'|>]/.test(out) && yaml11.some((re) => re.test(out)) ? JSON.stringify(value) : out;
}

/** Strings of the short path's alphabet, every length 1-4 over a few letters, plus real names. */
function* candidates(): Generator<string> {
  const alphabet = ['a', 'e', 'n', 'o', 'y', 'N', 'Y', 'T', 'x', '0', '1', '.', '-', '/', '_'];
  const grow = function* (prefix: string, depth: number): Generator<string> {
    if (prefix) yield prefix;
    if (depth === 0) return;
    for (const c of alphabet) yield* grow(prefix + c, depth - 1);
  };
  yield* grow('', 3);
  yield* ['true', 'True', 'false', 'null', 'Null', 'NULL', 'yes', 'No', 'on', 'OFF', 'inf', 'nan', 'e1', 'E5', 'x0', 'api', 'node_modules', 'ghcr.io/acme/api', 'docker.io/library/redis', 'v1.2.3', 'a.b-c_d/e', 'postgres-data', 'true1', 'nully'];
}

describe('yamlScalar', () => {
  it('gives for plain names exactly what the stringify path gives, and each reads back as the same string', () => {
    let checked = 0;
    for (const s of candidates()) {
      if (!/^[A-Za-z]/.test(s)) continue;
      assert.equal(yamlScalar(s), reference(s), JSON.stringify(s));
      assert.equal(parse(`k: ${yamlScalar(s)}\n`).k, s, JSON.stringify(s));
      checked++;
    }
    assert.ok(checked > 500, `only ${checked} strings checked`);
  });

  it('quotes what a YAML 1.1 resolver would read as something else', () => {
    for (const s of ['y', 'N', 'yes', 'Off', 'true', 'NULL']) assert.equal(yamlScalar(s), JSON.stringify(s));
    for (const s of ['1.10', '0755', '2024-01-01', '1:30', '', '~']) assert.match(yamlScalar(s), /^["']/);
  });
});
