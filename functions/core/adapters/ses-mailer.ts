import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { MailMessage, Mailer } from '../ports';

/** Plain-text mail through SES v2. Links in mail carry tokens, so nothing else personal is needed in the body. */
export class SesMailer implements Mailer {
  public constructor(
    private readonly client: SESv2Client,
    private readonly sender: string,
  ) {}

  public async send(message: MailMessage): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.sender,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  }
}
