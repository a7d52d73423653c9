import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_SCHEMAS, jsonSchema } from '../../../functions/core/domain/schemas';

describe('Published JSON Schemas', () => {
  it.each(Object.entries(PUBLISHED_SCHEMAS))(
    '%s matches its zod schema (run `npm run schemas` after a change)',
    (name, schema) => {
      // Prepare
      const committed = readFileSync(join(import.meta.dirname, '../../../functions/core/domain/schemas', name), 'utf8');

      // Assess
      expect(committed).toBe(jsonSchema(name, schema));
    },
  );
});
