// The table of dialect facts: every dialect states every fact, the modes and
// strategies it lists are ones the schemas accept, and no code outside
// lib/targets branches on the dialect (it reads the table instead).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIALECT_FACTS, type DialectFacts } from '@/lib/targets/dialect-facts';
import { parseTargetUrl, type Dialect } from '@/lib/targets/target-url';
import { RECLAIM_MODES } from '@/lib/schemas/reclaim';
import { STRATEGY_CHOICES } from '@/lib/schemas/cleanup-params';

const root = path.resolve(import.meta.dirname, '../..');
const dialects = Object.keys(DIALECT_FACTS) as Dialect[];

/** Every leaf's path in a facts object ("reclaim.labels.full"). */
function leaves(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? leaves(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

/** Top-level facts and their sub-facts, without the per-mode maps whose keys differ by dialect. */
function shape(f: DialectFacts): string[] {
  return leaves({ ...f, reclaim: { ...f.reclaim, labels: null, descriptions: null } }).sort();
}

describe('dialect facts', () => {
  it('cover every dialect a target URL can name', () => {
    const named = ['postgres://h/db', 'postgresql://h/db', 'mysql://h/db', 'mariadb://h/db'].map((u) => parseTargetUrl('t', u, 'JANITOR_TARGET_T').dialect);
    expect([...new Set(named)].sort()).toEqual([...dialects].sort());
  });

  it.each(dialects)('%s states every fact another dialect states, none blank', (d) => {
    const f = DIALECT_FACTS[d];
    for (const other of dialects) expect(shape(f)).toEqual(shape(DIALECT_FACTS[other]));
    for (const p of leaves(f)) {
      const v = p.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], f);
      expect(v, p).not.toBeUndefined();
      if (typeof v === 'string' || Array.isArray(v)) expect(v.length, p).toBeGreaterThan(0);
    }
  });

  it.each(dialects)('%s lists modes the schema accepts, each with a label and a description', (d) => {
    const { modes, labels, descriptions } = DIALECT_FACTS[d].reclaim;
    for (const m of modes) {
      expect(RECLAIM_MODES).toContain(m);
      expect(labels[m], m).toBeTruthy();
      expect(descriptions[m], m).toBeTruthy();
    }
    expect(Object.keys(labels).sort()).toEqual([...modes].sort());
    expect(Object.keys(descriptions).sort()).toEqual([...modes].sort());
  });

  it.each(dialects)('%s offers automatic, its own walk and the keyset strategy', (d) => {
    const { walkStrategy, strategyChoices } = DIALECT_FACTS[d].cleanup;
    expect(strategyChoices).toEqual(['auto', walkStrategy, 'keyset']);
    for (const s of strategyChoices) expect(STRATEGY_CHOICES).toContain(s);
  });

  it('every mode and strategy the schemas accept belongs to some dialect', () => {
    for (const m of RECLAIM_MODES) expect(dialects.some((d) => DIALECT_FACTS[d].reclaim.modes.includes(m)), m).toBe(true);
    for (const s of STRATEGY_CHOICES) expect(dialects.some((d) => DIALECT_FACTS[d].cleanup.strategyChoices.includes(s)), s).toBe(true);
  });
});

/** Source files of the app, the components, the CLI and lib, outside lib/targets. */
function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return rel === path.join('lib', 'targets') ? [] : sources(rel);
    return /\.(ts|tsx|mjs|js)$/.test(name) ? [rel] : [];
  });
}

// `dialect === …`, `… !== dialect`, `switch (x.dialect)`, `case 'mysql':`, a
// comparison with a dialect's name whatever the variable is called, and a
// table of its own keyed by dialect.
const BRANCH = [
  /Record<\s*(Dialect|[\w.]+\['dialect'\])\s*,/,
  /\bdialect\s*[!=]==?/,
  /[!=]==?\s*[\w.?]*\bdialect\b/,
  /switch\s*\([^)]*\bdialect\b/,
  /\bcase\s+['"](postgres|mysql)['"]/,
  /[!=]==?\s*['"](postgres|mysql)['"]/,
  /['"](postgres|mysql)['"]\s*[!=]==?/,
];

describe('dialect branches', () => {
  it('live only in lib/targets: pages, components, the CLI and lib read the facts table', () => {
    const found: string[] = [];
    for (const file of ['app', 'components', 'cli', 'lib'].flatMap(sources)) {
      readFileSync(path.join(root, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (BRANCH.some((re) => re.test(line))) found.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
        });
    }
    expect(found).toEqual([]);
  });
});
