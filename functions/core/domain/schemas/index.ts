import { z } from 'zod';
import { ExportDocument } from '../export-format';
import { PortabilityDocument } from '../portability-format';
import { ChangeReceipt, DeletionReceipt } from '../receipt-format';
import { CategoriesStatement, DisclosuresStatement } from '../statement-format';

/**
 * The published JSON Schemas of the documents the pipeline delivers, generated from the zod schemas that the
 * code itself validates with — so the documentation cannot drift from the behaviour (a unit test compares them).
 */
export const PUBLISHED_SCHEMAS: Record<string, z.ZodType> = {
  'dsar-export.v1.schema.json': ExportDocument,
  'dsar-deletion-receipt.v1.schema.json': DeletionReceipt,
  'dsar-change-receipt.v1.schema.json': ChangeReceipt,
  'dsar-portability.v1.schema.json': PortabilityDocument,
  'dsar-categories.v1.schema.json': CategoriesStatement,
  'dsar-disclosures.v1.schema.json': DisclosuresStatement,
};

export function jsonSchema(name: string, schema: z.ZodType): string {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' });
  const withId = { $id: `urn:dsar-pipeline:schemas:${name.replace(/\.schema\.json$/, '')}`, ...generated };
  return `${JSON.stringify(withId, null, 2)}\n`;
}
