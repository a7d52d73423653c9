/**
 * Where raw mail lands in the inbound-mail bucket (SES's S3 action, the twin's SMTP listener): the message id after
 * this prefix. Plain data: the CDK app, the function and the twin import it, so the key and its grant cannot drift.
 */
export const INBOUND_MAIL_PREFIX = 'inbound-mail/';

/** Raw mail over this size is refused unread (a request is a few lines; attachments are never wanted). */
export const RECEIVE_MAIL_MAX_BYTES = 1024 * 1024;
