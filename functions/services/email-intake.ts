/**
 * Raw RFC 822 mail into the intake path: parsed with mailparser (MIME, encodings,
 * attachments), read into the plain `InboundEmail` the core classifies and
 * threads, then handed to `intake`. Both doors use it: `POST /channels/email`
 * locally and the SES -> S3 -> Lambda handler in AWS.
 */
import { simpleParser, type AddressObject, type HeaderValue, type ParsedMail } from 'mailparser';
import type { ChangeContext } from '#core/audit-event.js';
import { validationFailed } from '#core/errors.js';
import { sha256 } from '#core/fingerprint.js';
import { emailRequesterId } from '#core/intake/channel-message.js';
import { classifyEmail, replyText, threadHints, type EmailAddress, type InboundEmail } from '#core/intake/email.js';
import { storeMailFiles, type MailFile, type StoredFile } from './email-attachments.js';
import { intake, type IntakeResult } from './intake.js';

const addressesOf = (field: AddressObject | AddressObject[] | undefined): EmailAddress[] =>
  (Array.isArray(field) ? field : field ? [field] : [])
    .flatMap((group) => group.value)
    .filter((a) => typeof a.address === 'string' && a.address.includes('@'))
    .map((a) => ({ address: a.address!.toLowerCase(), ...(a.name ? { name: a.name } : {}) }));

function headerText(value: HeaderValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  if (value && typeof value === 'object' && 'value' in value) {
    const v = value as { value: unknown; params?: Record<string, string>; text?: string };
    if (typeof v.text === 'string') return v.text;
    const params = Object.entries(v.params ?? {})
      .map(([k, p]) => `; ${k}=${p}`)
      .join('');
    return `${typeof v.value === 'string' ? v.value : JSON.stringify(v.value)}${params}`;
  }
  return String(value);
}

/** RFC 5322 field names: printable ASCII without colon. mailparser reads a headerless text as one nameless line. */
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const validHeaderLines = (mail: ParsedMail) => mail.headerLines.filter((line) => FIELD_NAME.test(line.key));

const idsOf = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? value.split(/\s+/) : []).map((s) => s.trim()).filter((s) => s !== '');

export function toInboundEmail(mail: ParsedMail): InboundEmail {
  const headers: Record<string, string> = {};
  // The raw lines first: classification reads tokens (`<>`, `auto-replied`, `report-type=`) that
  // mailparser's structured values reshape (an empty Return-Path becomes an empty address list).
  for (const line of validHeaderLines(mail))
    headers[line.key.toLowerCase()] ??= line.line
      .slice(line.line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
  for (const [name, value] of mail.headers) headers[name.toLowerCase()] ??= headerText(value);
  return {
    messageId: mail.messageId,
    from: addressesOf(mail.from)[0],
    to: [...addressesOf(mail.to), ...addressesOf(mail.cc)],
    subject: mail.subject ?? '',
    text: mail.text ?? '',
    inReplyTo: idsOf(mail.inReplyTo),
    references: idsOf(mail.references),
    headers,
    contentType: headers['content-type'] ?? 'text/plain',
    attachments: mail.attachments.map((a) => ({ name: a.filename ?? 'attachment', contentType: a.contentType, size: a.size })),
  };
}

export async function parseEmail(raw: Buffer): Promise<{ email: InboundEmail; files: MailFile[] }> {
  if (raw.length === 0) throw validationFailed([{ field: 'body', rule: 'required', message: 'Send the raw message (RFC 822).' }]);
  const mail = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
  if (validHeaderLines(mail).length === 0)
    throw validationFailed([{ field: 'body', rule: 'rfc822', message: 'This is not an RFC 822 message: it has no headers.' }]);
  return {
    email: toInboundEmail(mail),
    files: mail.attachments.map((a) => ({ name: a.filename ?? 'attachment', contentType: a.contentType, content: a.content })),
  };
}

/**
 * Take one raw message through intake; then store the files it carried as the
 * case's attachments (idempotently: a replay answers the files stored the first time).
 */
export async function intakeEmail(raw: Buffer, ctx: ChangeContext): Promise<IntakeResult & { email: InboundEmail; files: StoredFile[] }> {
  const { email, files } = await parseEmail(raw);
  const classification = classifyEmail(email);
  const from = email.from;
  // A bounce may come without a usable sender; a person's mail may not.
  if (!from && classification.kind === 'person')
    throw validationFailed([{ field: 'body.from', rule: 'required', message: 'The message has no From address to answer.' }]);
  // Without a Message-ID a retry cannot be recognised by it: the content is the next best key.
  const deliveryId = email.messageId ?? `sha256:${sha256(raw.toString('base64'))}`;
  const requesterAddress = from?.address ?? 'mailer-daemon@unknown';
  const outcome = await intake(
    {
      channel: 'email',
      deliveryId,
      requester: {
        id: emailRequesterId(requesterAddress).replace(/[#\s]/g, '_').slice(0, 128),
        email: requesterAddress,
        ...(from?.name ? { name: from.name.slice(0, 200) } : {}),
      },
      subject: email.subject,
      text: email.text,
      replyText: replyText(email.text),
      attachments: email.attachments,
      classification,
      hints: threadHints(email),
      from: requesterAddress,
    },
    ctx,
  );
  const caseId = 'caseId' in outcome.result ? outcome.result.caseId : undefined;
  const stored = caseId && files.length > 0 ? await storeMailFiles(caseId, files, ctx) : [];
  return { ...outcome, email, files: stored };
}
