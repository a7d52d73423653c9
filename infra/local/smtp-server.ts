import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { INBOUND_MAIL_PREFIX, RECEIVE_MAIL_MAX_BYTES } from '../../functions/receive-mail/keys';
import type { HandlerLoader } from './handlers';

/** The handler SES's Lambda action invokes in the cloud (infra/constructs/inbound-mail.ts). */
export const RECEIVE_MAIL_ENTRY = 'functions/receive-mail/handler.ts';

const HOST = '127.0.0.1';

export interface LocalSmtp {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  stop(): Promise<void>;
}

/**
 * The twin's stand-in for SES receiving: an SMTP listener on loopback that does what the cloud's receipt rule does —
 * refuses a message over the size limit at the SMTP level (the SIZE extension, RFC 1870: announced, a MAIL FROM
 * declaring more is refused, and data past it is answered 552), stores the raw message in the bucket under
 * INBOUND_MAIL_PREFIX + message id (SES's S3 action), then invokes the same handler module with the same event shape
 * (SES's Lambda action, asynchronously: the sender has its 250 once the mail is stored).
 *
 * No AUTH and no STARTTLS: it listens on loopback only, for this machine's tests and demos.
 */
export async function startSmtpServer(options: {
  port: number;
  s3: S3Client;
  bucket: string;
  loader: HandlerLoader;
  maxBytes?: number;
}): Promise<LocalSmtp> {
  const maxBytes = options.maxBytes ?? RECEIVE_MAIL_MAX_BYTES;
  const server = new SMTPServer({
    size: maxBytes,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    banner: 'DSAR twin inbound mail',
    logger: false,
    closeTimeout: 1000,
    onData(stream, session, callback) {
      // the envelope as it is now: the server resets it for the next transaction once this one is answered
      const envelope = sesEnvelope(session);
      receive(stream, maxBytes).then(
        async (raw) => {
          if (raw === undefined) {
            const error = new Error(`552 message exceeds the fixed maximum message size (${maxBytes} bytes)`);
            (error as Error & { responseCode?: number }).responseCode = 552;
            callback(error);
            return;
          }
          const messageId = randomBytes(16).toString('hex');
          await options.s3.send(
            new PutObjectCommand({ Bucket: options.bucket, Key: `${INBOUND_MAIL_PREFIX}${messageId}`, Body: raw }),
          );
          callback(null);
          // as SES's Lambda action with InvocationType Event: the sender is not kept waiting for the intake
          options.loader.invoke(RECEIVE_MAIL_ENTRY, sesEvent(messageId, envelope)).catch((error: unknown) => {
            // the error's name only: a message could quote the mail
            process.stderr.write(`receive-mail failed: ${error instanceof Error ? error.name : 'Error'}\n`);
          });
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error('451 local error')),
      );
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HOST, () => resolve((server.server.address() as AddressInfo).port));
  });
  // a client that breaks off mid-session must not bring the twin down
  server.on('error', () => undefined);
  return {
    url: `smtp://${HOST}:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The message's bytes, or undefined past the limit (the rest is drained unread, so the 552 can be given). */
function receive(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(stream.sizeExceeded || size > maxBytes ? undefined : Buffer.concat(chunks)));
  });
}

/** The envelope of the transaction under way: MAIL FROM (empty for a bounce) and every RCPT TO accepted. */
function sesEnvelope(session: SMTPServerSession): { source: string; recipients: string[] } {
  const from = session.envelope.mailFrom;
  return {
    source: from === false ? '' : from.address,
    recipients: session.envelope.rcptTo.map((r) => r.address),
  };
}

/** The fields of SES's receipt event that the handler reads (functions/receive-mail/handler.ts). */
function sesEvent(messageId: string, envelope: { source: string; recipients: string[] }) {
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: {
            messageId,
            source: envelope.source,
            timestamp: new Date().toISOString(),
            destination: envelope.recipients,
          },
          receipt: {
            recipients: envelope.recipients,
            // no scanner locally: the cloud's verdicts are SES's
            virusVerdict: { status: 'DISABLED' },
            spamVerdict: { status: 'DISABLED' },
            action: { type: 'Lambda', invocationType: 'Event' },
          },
        },
      },
    ],
  };
}
