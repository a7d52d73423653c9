import { z } from 'zod';
import { s3Client } from '../core/adapters/aws-clients';
import { settings } from '../core/config';
import { wiring } from '../core/wiring';
import { intake } from '../submit-request/intake';
import { parseMail } from './parse-mail';
import { INBOUND_MAIL_PREFIX, ReceiveMail } from './receive-mail';
import { S3RawMail } from './s3-raw-mail';

/**
 * SES's Lambda action, run after its S3 action stored the raw mail under INBOUND_MAIL_PREFIX + message id (the twin's
 * SMTP listener stores and invokes the same way: infra/local/smtp-server.ts). Only ids, the envelope and the verdicts
 * are read from the event: the mail itself is read from S3, parsed, and deleted.
 */
const SesReceipt = z.object({
  Records: z
    .array(
      z.object({
        ses: z.object({
          mail: z.object({ messageId: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/), source: z.string() }),
          receipt: z.object({
            recipients: z.array(z.string()),
            virusVerdict: z.object({ status: z.string() }).optional(),
          }),
        }),
      }),
    )
    .min(1),
});

const receive = new ReceiveMail({
  store: new S3RawMail(s3Client(), settings('inboundMailBucket').inboundMailBucket),
  parse: parseMail,
  submit: intake(),
  intakeAddresses: () => wiring.profile().intake.emails,
  // the profile's schema requires at least one law; the first is the one a mail (which names none) is taken under
  regulation: () => wiring.profile().jurisdictions[0] ?? 'gdpr',
});

export const handler = async (event: unknown) => {
  const { Records } = SesReceipt.parse(event);
  const results = [];
  for (const { ses } of Records)
    results.push(
      await receive.execute({
        key: `${INBOUND_MAIL_PREFIX}${ses.mail.messageId}`,
        messageId: ses.mail.messageId,
        recipients: ses.receipt.recipients,
        sender: ses.mail.source,
        virus: ses.receipt.virusVerdict?.status === 'FAIL',
      }),
    );
  return results;
};
