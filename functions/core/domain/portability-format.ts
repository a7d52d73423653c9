import { z } from 'zod';
import { Lookback } from './export-format';
import { DocumentRequest } from './request';

/**
 * The JSON member of a portability archive (GDPR Art. 20: "structured, commonly used and machine-readable"): the data
 * the subject provided, per system marked `portability` in the systems configuration, only its provided fields. The
 * archive also holds one CSV per system with the same rows. JSON Schema: schemas/dsar-portability.v1.schema.json.
 */
export const PortabilityDocument = z.object({
  format: z.literal('dsar-portability'),
  version: z.literal(1),
  request: DocumentRequest,
  subject: z.object({ email: z.string() }).describe('the verified identity the search used'),
  systems: z.array(
    z.object({
      id: z.string(),
      status: z.enum(['found', 'not_found', 'failed']),
      fields: z
        .union([z.literal('all'), z.array(z.string())])
        .describe('the fields the subject provided (from the configuration), or every field'),
      csv: z.string().describe("the name of this system's CSV file in the archive"),
      records: z.array(z.record(z.string(), z.unknown())),
      lookback: Lookback.optional().describe(
        "present when the answer covers a period before the request (a CCPA answer under a company's lookback) and the system dates its records",
      ),
    }),
  ),
  summary: z.object({
    systems: z.number().int().nonnegative(),
    records: z.number().int().nonnegative(),
    complete: z.boolean().describe('false when a system failed or held records it could not read'),
  }),
});
export type PortabilityDocument = z.infer<typeof PortabilityDocument>;
