/** The detectors' one TOML reader (lib/detect/toml.ts): entries with their table, index and line. */
import assert from 'node:assert/strict';
import { tomlEntries, tomlTables } from '../../lib/detect/toml.js';

describe('TOML reader', () => {
  const text = [
    '[package] # the crate',
    'name = "api"',
    '"quoted.key" = 1',
    'description = """',
    'two # not a comment',
    'lines"""',
    '[[bin]]',
    'name = "a"',
    '[[bin]]',
    'name = "b"',
    "[dependencies.'sqlx']",
    'features = [',
    '  "postgres", # a comment',
    '  "runtime-tokio",',
    ']',
    '[empty]',
  ].join('\n');
  it('entries carry their table, array-of-tables index and first line; multi-line values keep their lines', () => {
    const e = tomlEntries(text);
    assert.deepEqual(
      e.map((x) => [x.table, x.index, x.key, x.line]),
      [
        ['package', 0, 'name', 2],
        ['package', 0, 'quoted.key', 3],
        ['package', 0, 'description', 4],
        ['bin', 0, 'name', 8],
        ['bin', 1, 'name', 10],
        ['dependencies.sqlx', 0, 'features', 12],
      ],
    );
    assert.equal(e[2]!.value, '"""\ntwo # not a comment\nlines"""');
    assert.equal(e[5]!.value.split('\n').length, 4, 'the array keeps its lines; comments are dropped');
    assert.ok(!e[5]!.value.includes('a comment'));
  });
  it('tables are every header, with or without entries', () => {
    assert.deepEqual([...tomlTables(text)].sort(), ['bin', 'dependencies.sqlx', 'empty', 'package']);
  });
});
