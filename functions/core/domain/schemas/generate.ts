import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLISHED_SCHEMAS, jsonSchema } from './index';

/** `npm run schemas`: rewrite the JSON Schema files beside this script from the zod schemas. */
for (const [name, schema] of Object.entries(PUBLISHED_SCHEMAS)) {
  writeFileSync(join(import.meta.dirname, name), jsonSchema(name, schema));
  process.stdout.write(`wrote ${name}\n`);
}
