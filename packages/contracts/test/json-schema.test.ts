import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateJsonSchemas, Topics } from '../src/index';

const dir = fileURLToPath(new URL('../schemas/', import.meta.url));

describe('checked-in JSON Schemas', () => {
  it('are up to date with the zod schemas (run `pnpm --filter @sp/contracts gen:schemas`)', () => {
    const expected = generateJsonSchemas();
    const onDisk = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(onDisk.sort()).toEqual(Object.keys(expected).sort());
    for (const [name, text] of Object.entries(expected)) {
      expect(readFileSync(dir + name, 'utf8'), `${name} is stale`).toBe(text);
    }
  });

  it('cover every topic and keep unknown fields allowed', () => {
    const files = generateJsonSchemas();
    for (const topic of Object.values(Topics)) {
      const doc = JSON.parse(files[`${topic}.json`]!);
      expect(doc.title).toBe(topic);
    }
    const bounce = JSON.parse(files['email.bounce.v1.json']!);
    expect(bounce.additionalProperties).toEqual({});
    expect(bounce.properties.data.required).toEqual(['email', 'bounceType']);
  });
});
