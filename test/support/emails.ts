/** Raw RFC 822 messages for intake tests, built the way mail clients and servers write them. */
import { randomUUID } from 'node:crypto';

export interface MailSpec {
  readonly from?: string;
  readonly to?: string;
  readonly subject?: string;
  readonly text?: string;
  readonly messageId?: string;
  readonly inReplyTo?: string;
  readonly references?: string;
  readonly headers?: Record<string, string>;
  readonly attachments?: readonly { name: string; contentType: string; content: Buffer }[];
}

export const newMessageId = () => `<${randomUUID()}@mail.example.org>`;

export function rawEmail(spec: MailSpec): string {
  const head = [
    `From: ${spec.from ?? 'Alice Example <alice@example.org>'}`,
    `To: ${spec.to ?? 'support@caseway.example'}`,
    `Subject: ${spec.subject ?? 'Printer on fire'}`,
    `Message-ID: ${spec.messageId ?? newMessageId()}`,
    'Date: Fri, 27 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    ...(spec.inReplyTo ? [`In-Reply-To: ${spec.inReplyTo}`] : []),
    ...(spec.references ? [`References: ${spec.references}`] : []),
    ...Object.entries(spec.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
  ];
  const text = spec.text ?? 'Smoke is coming out of tray 2.';
  if (!spec.attachments?.length)
    return [...head, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', text, ''].join('\r\n');
  const boundary = `b-${randomUUID()}`;
  const parts = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    ...spec.attachments.flatMap((a) => [
      `--${boundary}`,
      `Content-Type: ${a.contentType}; name="${a.name}"`,
      `Content-Disposition: attachment; filename="${a.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      a.content.toString('base64').replace(/.{76}/g, '$&\r\n'),
    ]),
    `--${boundary}--`,
    '',
  ];
  return [...head, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...parts].join('\r\n');
}

/** A delivery-status report as a mail server sends one back (RFC 3464). */
export function bounceReport(originalMessageId: string): string {
  const boundary = `r-${randomUUID()}`;
  return [
    'From: Mail Delivery Subsystem <mailer-daemon@mail.example.org>',
    'To: support@caseway.example',
    'Subject: Delivery Status Notification (Failure)',
    `Message-ID: ${newMessageId()}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain',
    '',
    'Delivery to the following recipient failed permanently: nobody@example.org',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mail.example.org',
    '',
    'Final-Recipient: rfc822; nobody@example.org',
    'Action: failed',
    'Status: 5.1.1',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    `Message-ID: ${originalMessageId}`,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
