// JSON Schema documents generated from the zod schemas (zod 4 z.toJSONSchema), one per topic and
// per ledger-only event type; checked in under schemas/ for non-TypeScript consumers.
import { z } from 'zod';
import { topicCatalog } from './catalog';
import { AdminAction, EventTypes } from './events';
import { identifierFields, SealedFields } from './sealed';

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
  // On Kafka the identifier fields travel in `data.sealed` (issue 15): the schemas above describe
  // an event once opened; this one says what `data.sealed` holds and which fields go into it.
  const sealed = {
    $id: 'https://schemas.suppression-platform.dev/sealed-fields.json',
    title: 'data.sealed',
    description:
      'On the wire, the identifier fields of an event are removed from `data` and put here, sealed ' +
      '(AES-256-GCM under the per-subject data key the value names). Consumers open them and validate ' +
      "the opened event against its type's schema. x-identifier-fields: event type -> dotted paths.",
    ...z.toJSONSchema(SealedFields, { io: 'input', unrepresentable: 'any' }),
    'x-identifier-fields': Object.fromEntries(
      Object.entries(identifierFields)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([type, fields]) => [type, fields.map((f) => f.path)]),
    ),
  };
  files['sealed-fields.json'] = `${JSON.stringify(sealed, null, 2)}\n`;
  return files;
}
