// Writes schemas/*.json from the zod schemas: `pnpm --filter @sp/contracts gen:schemas`.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateJsonSchemas } from '../src/json-schema';

const dir = fileURLToPath(new URL('../schemas/', import.meta.url));
mkdirSync(dir, { recursive: true });
const files = generateJsonSchemas();
for (const old of readdirSync(dir)) if (old.endsWith('.json') && !(old in files)) rmSync(dir + old);
for (const [name, text] of Object.entries(files)) writeFileSync(dir + name, text);
console.log(`wrote ${Object.keys(files).length} schemas to ${dir}`);
