import { describe, expect, it } from 'vitest';
import { deliveryMail, doneLines, liftNoticeMail } from '../../../functions/core/domain/mail';
import { aRequest } from '../../support/fakes';

const EXPIRES = new Date('2026-12-01T00:00:00.000Z');

describe('Function: deliveryMail', () => {
  it('names the right and says per system what a deletion did, from the receipt’s judgement', () => {
    // Prepare
    const record = aRequest({
      type: 'deletion',
      done: [
        { systemId: 'customers', outcome: 'erased', records: 1 },
        { systemId: 'archive', outcome: 'failed', records: 0 },
      ],
    });

    // Act
    const mail = deliveryMail(record, 'https://x/download?token=t', false, EXPIRES);

    // Assess
    expect(mail.subject).toBe('Your privacy request is partly complete');
    expect(mail.text).toContain('Your request for the deletion of your personal data');
    expect(mail.text).toContain('- customers: erased (1 records found)');
    expect(mail.text).toContain('- archive: could not be completed');
    expect(mail.text).toContain('Download your deletion receipt here');
  });

  it('says per system what an export found, from the searches, with no value of any record', () => {
    // Prepare
    const record = aRequest({
      type: 'access',
      outcomes: [
        { systemId: 'customers', status: 'found', recordCount: 2 },
        { systemId: 'events', status: 'not_found', recordCount: 0 },
        { systemId: 'crm', status: 'failed', recordCount: 0, error: 'ConnectorUnavailableError' },
      ],
    });

    // Act
    const lines = doneLines(record);

    // Assess
    expect(lines).toEqual(['- customers: 2 records found', '- events: nothing found', '- crm: could not be searched']);
  });
});

describe('Function: liftNoticeMail', () => {
  it('tells the subject the date the restriction is lifted (GDPR Art. 18(3))', () => {
    // Act
    const mail = liftNoticeMail(aRequest({ type: 'restriction' }), new Date('2026-12-04T00:00:00.000Z'));

    // Assess
    expect(mail.to).toBe('ada@example.com');
    expect(mail.text).toContain('We will lift that restriction on 2026-12-04');
  });
});
