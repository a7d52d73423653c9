import { z } from 'zod';
import { DocumentRequest } from './request';

/**
 * The statements answered from the data map alone, without searching any system:
 * - `dsar-categories` v1 — CCPA §1798.110(a)(1)–(4) and §1798.115(a): the categories of personal information
 *   collected, their sources, the purposes, and the categories disclosed, sold or shared with the categories of
 *   recipients (schemas/dsar-categories.v1.schema.json);
 * - `dsar-disclosures` v1 — Cal. Civ. Code §1798.83 ("Shine the Light"): the third parties given personal information
 *   for their own direct marketing in the preceding calendar year, with names, addresses and the categories
 *   (schemas/dsar-disclosures.v1.schema.json).
 * A new field is a minor change; renaming or removing one is a new `version`.
 */
const StatementRequest = DocumentRequest;

const RecipientRole = z.enum(['processor', 'service_provider', 'contractor', 'third_party']);

export const CategoriesStatement = z.object({
  format: z.literal('dsar-categories'),
  version: z.literal(1),
  request: StatementRequest,
  subject: z.object({ email: z.string() }).describe('the identity the statement was asked for'),
  collected: z
    .array(z.string())
    .describe('categories of personal information collected (§1798.110(a)(1)), from every system of the data map'),
  sources: z.array(z.string()).describe('categories of sources it is collected from (§1798.110(a)(2))'),
  purposes: z
    .array(z.object({ purpose: z.string(), categories: z.array(z.string()) }))
    .describe('the business or commercial purposes, with the categories collected for each (§1798.110(a)(3))'),
  recipients: z
    .array(
      z.object({
        category: z.string().describe('the category of recipient, e.g. "payment processors"'),
        role: RecipientRole.optional().describe('absent for a recipient the data map names only by category'),
        categories: z.array(z.string()).describe('categories of personal information disclosed to it'),
        purpose: z.string().optional(),
        sold: z.boolean().describe('personal information is sold to it (§1798.140(ad))'),
        shared: z.boolean().describe('shared with it for cross-context behavioural advertising (§1798.140(ah))'),
      }),
    )
    .describe('the categories of third parties disclosed to, sold to or shared with (§1798.110(a)(4), §1798.115(a))'),
  sold: z.array(z.string()).describe('categories of personal information sold (§1798.115(a)(2))'),
  shared: z.array(z.string()).describe('categories of personal information shared (§1798.115(a)(2))'),
  disclosedForBusinessPurpose: z
    .array(z.string())
    .describe('categories disclosed for a business purpose (§1798.115(a)(3))'),
});
export type CategoriesStatement = z.infer<typeof CategoriesStatement>;

export const DisclosuresStatement = z.object({
  format: z.literal('dsar-disclosures'),
  version: z.literal(1),
  request: StatementRequest,
  subject: z.object({ email: z.string() }).describe('the identity the statement was asked for'),
  year: z.number().int().describe('the preceding calendar year the statement covers (relative to the receipt)'),
  recipients: z
    .array(
      z.object({
        name: z.string(),
        address: z.string().optional(),
        categories: z
          .array(z.string())
          .describe('categories of personal information disclosed for its direct marketing'),
      }),
    )
    .describe('third parties given personal information for their own direct marketing during `year` (§1798.83(a))'),
});
export type DisclosuresStatement = z.infer<typeof DisclosuresStatement>;
