/**
 * Outbound messages. `notifier()` is the one way anything in Caseway sends one: it
 * renders the template, hands the email to the transport chosen at cold start (SES
 * in AWS, a local outbox of .eml files locally), and records the message beside its
 * case, idempotently on the message id: a message already recorded is not sent again.
 *
 * Delivery is at least once: a crash after the transport took the message and
 * before it was recorded sends it again on the retry. SES has no idempotency key to
 * prevent that; the subject's case id and the Message-ID let the reader see it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { randomUUID } from 'node:crypto';
import { renderMessage } from '#core/templates.js';
import { notificationsConfig } from '../config.js';
import { nowIso } from './clock.js';
import { findNotification, recordNotification, type NotificationRecord } from './dynamodb/notification-repository.js';

export interface OutboundMessage {
  /** The idempotency key: e.g. the id of the domain event that asked for the message. */
  readonly id: string;
  readonly caseId: string;
  readonly to: { readonly address: string; readonly name?: string };
  readonly template: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly channel: 'email';
}

export interface Notifier {
  send(message: OutboundMessage): Promise<{ messageId: string }>;
}

/** A rendered email, ready for a transport. */
export interface Email {
  readonly from: string;
  readonly to: { readonly address: string; readonly name?: string };
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** `<{caseId}.{id}@{domain}>`: replies carry it in In-Reply-To / References. */
  readonly messageIdHeader: string;
  readonly caseId: string;
}

export interface EmailTransport {
  deliver(email: Email): Promise<{ providerMessageId: string }>;
}

/** A header value may not carry line breaks; an id may carry characters an address cannot. */
const headerSafe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * Any text bound for a header, on one line: CR and LF (a subject holding "\r\nBcc: x"
 * would add a header) and every other control character become a space.
 */
// eslint-disable-next-line no-control-regex
export const headerText = (s: string): string => s.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ');

export const messageIdHeaderOf = (caseId: string, id: string, domain: string) => `<${headerSafe(caseId)}.${headerSafe(id)}@${domain}>`;

/** RFC 5322 mailbox: a display name is quoted, with quotes and backslashes escaped; nothing in it may break the line. */
const mailbox = (to: Email['to']) => {
  const address = headerText(to.address).replace(/[\s<>]/g, '');
  return to.name ? `"${headerText(to.name).replace(/[\\"]/g, '\\$&')}" <${address}>` : address;
};

/** RFC 2047 encoded words for a header of a raw message: ASCII stays as is, anything else as UTF-8 base64. */
export function encodedHeaderText(s: string): string {
  const text = headerText(s);
  // Plain ASCII stays readable; text that looks like an encoded word itself is encoded, so it reads back as written.
  if (/^[\x20-\x7e]*$/.test(text) && !text.includes('=?')) return text;
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    // 45 bytes make 60 base64 characters: with =?UTF-8?B??= a word stays under RFC 2047's 75.
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ');
}

export class SesTransport implements EmailTransport {
  constructor(
    private readonly client: SESv2Client,
    private readonly configurationSet?: string,
  ) {}

  async deliver(email: Email): Promise<{ providerMessageId: string }> {
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: email.from,
        Destination: { ToAddresses: [mailbox(email.to)] },
        Content: {
          Simple: {
            Subject: { Data: headerText(email.subject), Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
            Headers: [
              { Name: 'X-Caseway-Case', Value: headerText(email.caseId) },
              { Name: 'X-Caseway-Message-Id', Value: headerText(email.messageIdHeader) },
              { Name: 'References', Value: headerText(email.messageIdHeader) },
            ],
          },
        },
        EmailTags: [{ Name: 'case', Value: headerSafe(email.caseId) }],
        ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
      }),
    );
    if (!out.MessageId) throw new Error('SES accepted the message but returned no MessageId');
    return { providerMessageId: out.MessageId };
  }
}

/** Locally: each message as an .eml file in a directory (or nowhere, when none is set); the table record is kept either way. */
export class LocalOutboxTransport implements EmailTransport {
  constructor(private readonly dir: string | undefined) {}

  async deliver(email: Email): Promise<{ providerMessageId: string }> {
    const providerMessageId = `local-${randomUUID()}`;
    if (this.dir) {
      mkdirSync(this.dir, { recursive: true });
      // Every header value on one line: a line break in a subject or name must not start a header of its own.
      const eml = [
        `From: ${headerText(email.from)}`,
        `To: ${mailbox(email.to)}`,
        `Subject: ${encodedHeaderText(email.subject)}`,
        `Message-ID: ${headerText(email.messageIdHeader)}`,
        `X-Caseway-Case: ${headerText(email.caseId)}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        email.text,
      ].join('\r\n');
      writeFileSync(join(this.dir, `${providerMessageId}.eml`), eml);
    }
    return { providerMessageId };
  }
}

export interface NotificationStore {
  find(caseId: string, id: string): Promise<NotificationRecord | undefined>;
  /** False when a record with this id already exists (another delivery got there first). */
  record(record: NotificationRecord): Promise<boolean>;
}

const tableStore: NotificationStore = { find: findNotification, record: recordNotification };

export class RecordingNotifier implements Notifier {
  constructor(
    private readonly transport: EmailTransport,
    private readonly settings: { from: string; messageIdDomain: string },
    private readonly store: NotificationStore = tableStore,
  ) {}

  async send(message: OutboundMessage): Promise<{ messageId: string }> {
    const earlier = await this.store.find(message.caseId, message.id);
    if (earlier) return { messageId: earlier.emailMessageId };
    const rendered = renderMessage(message.template, message.caseId, message.data);
    const email: Email = {
      from: this.settings.from,
      to: message.to,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageIdHeader: messageIdHeaderOf(message.caseId, message.id, this.settings.messageIdDomain),
      caseId: message.caseId,
    };
    const { providerMessageId } = await this.transport.deliver(email);
    await this.store.record({
      messageId: message.id,
      caseId: message.caseId,
      channel: message.channel,
      to: message.to,
      template: message.template,
      subject: rendered.subject,
      text: rendered.text,
      providerMessageId,
      emailMessageId: email.messageIdHeader,
      sentAt: nowIso(),
    });
    return { messageId: email.messageIdHeader };
  }
}

/** Per reading of the settings: one in a container; locally one per function, whose settings differ. */
const chosen = new WeakMap<object, Notifier>();

/** SES in AWS (NOTIFY_MODE=ses), the local outbox otherwise; chosen once per container. */
export function notifier(): Notifier {
  const settings = notificationsConfig();
  const made = chosen.get(settings);
  if (made) return made;
  const transport =
    settings.NOTIFY_MODE === 'ses'
      ? new SesTransport(new SESv2Client({}), settings.SES_CONFIGURATION_SET)
      : new LocalOutboxTransport(settings.OUTBOX_DIR);
  const domain = settings.NOTIFY_MESSAGE_ID_DOMAIN ?? settings.NOTIFY_FROM_ADDRESS.split('@')[1]!;
  const notifier = new RecordingNotifier(transport, { from: settings.NOTIFY_FROM_ADDRESS, messageIdDomain: domain });
  chosen.set(settings, notifier);
  return notifier;
}
