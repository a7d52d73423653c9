import { describe, expect, it } from 'vitest';
import { SubmitRequestBody } from '../../../functions/core/domain/request';

describe('Schema: SubmitRequestBody', () => {
  it('normalises the email to lower case and trims it', () => {
    // Act
    const body = SubmitRequestBody.parse({
      type: 'access',
      regulation: 'gdpr',
      subject: { email: '  Ada.Lovelace@Example.COM ' },
    });

    // Assess
    expect(body.subject.email).toBe('ada.lovelace@example.com');
  });

  it.each([
    [{ type: 'access', regulation: 'gdpr', subject: {} }, 'subject.email'],
    [{ type: 'access', regulation: 'gdpr', subject: { email: 'not-an-email' } }, 'subject.email'],
    [{ type: 'erase-everything', regulation: 'gdpr', subject: { email: 'a@b.co' } }, 'type'],
    [{ type: 'access', regulation: 'lgpd', subject: { email: 'a@b.co' } }, 'regulation'],
    [{ type: 'access', regulation: 'gdpr', subject: { email: 'a@b.co', phone: '123' } }, 'subject'],
    [{ type: 'access', regulation: 'gdpr', subject: { email: 'a@b.co' }, extra: true }, ''],
  ])('refuses %j (issue at %s)', (input, path) => {
    // Act
    const result = SubmitRequestBody.safeParse(input);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
