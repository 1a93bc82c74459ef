import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { getMetadataStorage } from 'class-validator';
import { EnvironmentVariables } from './env.schema';

/** README.md of the checkout this file runs from (libs/config/src or dist/libs/config/src). */
function findReadme(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'README.md');
    if (existsSync(candidate) && existsSync(join(dir, 'package.json'))) return candidate;
  }
  throw new Error(`README.md not found above ${__dirname}`);
}

/** Rows of README's "Configuration" tables: variable name → default cell. */
function documentedVariables(readme: string): Map<string, string> {
  const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = new Map<string, string>();
  for (const match of section.matchAll(/^\|\s*`([A-Z0-9_]+)`\s*\|([^|]*)\|/gm)) {
    rows.set(match[1]!, match[2]!.trim());
  }
  return rows;
}

describe('README Configuration', () => {
  const documented = documentedVariables(readFileSync(findReadme(), 'utf8'));
  const declared = [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
        .map((m) => m.propertyName),
    ),
  ];

  it('documents every variable the apps read', () => {
    assert.ok(declared.length >= 20, `expected the schema's variables, found ${declared.length}`);
    const missing = declared.filter((name) => !documented.has(name));
    assert.deepEqual(missing, [], `README "Configuration" lacks: ${missing.join(', ')}`);
  });

  it('documents no variable the apps do not read, except those of make start', () => {
    const startOnly = new Set(['START_TIMEOUT_SECONDS', 'STOP_GRACE_SECONDS', 'SKIP_INSTALL']);
    const stale = [...documented.keys()].filter((name) => !declared.includes(name) && !startOnly.has(name));
    assert.deepEqual(stale, [], `README documents variables nothing reads: ${stale.join(', ')}`);
  });

  it('states each default as the schema applies it', () => {
    const defaults = new EnvironmentVariables() as unknown as Record<
      string,
      string | number | boolean | undefined
    >;
    for (const name of declared) {
      const raw = defaults[name];
      if (raw === undefined) continue;
      const value = String(raw);
      const cell = documented.get(name) ?? '';
      assert.ok(cell.includes(`\`${value}\``), `${name}: README default "${cell}", schema ${value}`);
    }
  });
});
