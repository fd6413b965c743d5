// JSON Schema documents generated from the zod schemas (zod 4 z.toJSONSchema), one per topic and
// per ledger-only event type; checked in under schemas/ for non-TypeScript consumers.
import { z } from 'zod';
import { topicCatalog } from './catalog';
import { AdminAction, EventTypes } from './events';

const extraSchemas = { [EventTypes.adminAction]: AdminAction } as const;

/** File name -> file text, exactly as written to schemas/. */
export function generateJsonSchemas(): Record<string, string> {
  const files: Record<string, string> = {};
  const all: Record<string, z.ZodType> = { ...topicCatalog, ...extraSchemas };
  for (const name of Object.keys(all).sort()) {
    const schema = all[name]!;
    const doc = {
      $id: `https://schemas.suppression-platform.dev/${name}.json`,
      title: name,
      ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    };
    files[`${name}.json`] = `${JSON.stringify(doc, null, 2)}\n`;
  }
  return files;
}
