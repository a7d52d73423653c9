import { describe, expect, it } from 'vitest';
import { SystemsConfig } from '../../../connectors/config';
import { noticeTarget, ownersFor } from '../../../functions/core/recipients';
import { noticeMail } from '../../../functions/notify-recipient/notice-content';

const holds = { categories: ['identifiers'], purpose: 'service' };
const config = SystemsConfig.parse({
  version: 1,
  systems: [
    {
      id: 'customers',
      type: 'dynamodb',
      table: 'Customers',
      key: { partition: 'id' },
      identity: { email: { attribute: 'email' } },
      holds,
      erasure: { strategy: 'delete' },
      correctable: { name: { field: 'name' } },
      flags: { marketing: { field: 'optIn', on: false, off: true } },
      owner: { name: 'CRM team', contact: { email: 'crm@corp.example' } },
    },
    {
      id: 'ledger',
      type: 'dynamodb',
      table: 'Ledger',
      key: { partition: 'id' },
      identity: { email: { attribute: 'email' } },
      holds,
      erasure: { strategy: 'retain', reason: 'tax records' },
      correctable: { name: { field: 'name' } },
      readOnly: { reason: 'an append-only ledger' },
      owner: { name: 'Finance', contact: { email: 'finance@corp.example' } },
    },
    {
      id: 'events',
      type: 's3-objects',
      bucket: 'events-bucket',
      format: 'jsonl',
      identity: { email: { field: 'email' } },
      holds,
      erasure: { strategy: 'delete' },
    },
  ],
});

describe('Method: ownersFor', () => {
  it('tells the owners of systems that cannot make the change themselves, and only those', () => {
    // Act
    const name = ownersFor(config, { attributes: ['name'], flags: [] }).map((r) => r.recipientId);
    const phone = ownersFor(config, { attributes: ['phone'], flags: [] }).map((r) => r.recipientId);
    const marketing = ownersFor(config, { attributes: [], flags: ['marketing'] }).map((r) => r.recipientId);
    const nothing = ownersFor(config, { attributes: [], flags: [] });

    // Assess: a read-only system's owner always; a system without the field only when it has an owner to tell
    expect(name).toEqual(['owner:ledger']);
    expect(phone).toEqual(['owner:customers', 'owner:ledger']);
    expect(marketing).toEqual(['owner:ledger']);
    expect(nothing).toEqual([]);
  });
});

describe('Method: noticeTarget', () => {
  it('finds an owner by its system and asks for the change by hand, naming the system', () => {
    // Act
    const owner = noticeTarget(config, 'owner:ledger');
    const mail = owner
      ? noticeMail(owner, {
          right: 'correction',
          reference: 'r-1',
          action: 'Correct these attributes',
          subject: { email: 'ada@example.com' },
          deadline: '2026-12-07T00:00:00.000Z',
          answerUrl: 'http://127.0.0.1/notices?token=t',
        })
      : undefined;

    // Assess
    expect(owner).toMatchObject({ name: 'Finance', system: 'ledger', notify: { email: 'finance@corp.example' } });
    expect(mail?.text).toContain('Our system "ledger", which you answer for, cannot make this change itself');
    expect(noticeTarget(config, 'owner:events')).toBeUndefined();
    expect(noticeTarget(config, 'owner:nope')).toBeUndefined();
  });
});
