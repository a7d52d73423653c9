import { NumberValue } from '@aws-sdk/lib-dynamodb';

/**
 * A number kept as its decimal text because a JavaScript number would round it (12345678901234567890, or a decimal
 * with more than 15 significant digits). JSON Lines parsed by ./exact-json give these; DynamoDB gives its own
 * `NumberValue` when read with `wrapNumbers`. Both are written back as the same digits: an export or a rewrite must
 * never change a value it was not asked to change (GDPR Art. 5(1)(d), accuracy).
 */
export class ExactNumber {
  public constructor(public readonly text: string) {}

  public toString(): string {
    return this.text;
  }
}

/** The exact decimal text of a number that must not be rounded, or undefined for any other value. */
export function exactNumberText(value: unknown): string | undefined {
  if (value instanceof ExactNumber) return value.text;
  if (value instanceof NumberValue) return value.toString();
  return undefined;
}
