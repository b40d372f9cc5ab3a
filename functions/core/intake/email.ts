/**
 * Inbound email as plain data: what kind of message it is (a person writing, an
 * auto-reply, a bounce, bulk mail), which case it answers, and the new text of
 * a reply without the quoted history. The MIME parsing itself (mailparser)
 * happens in the service; this sees only the parsed parts.
 */

export interface EmailAddress {
  readonly address: string;
  readonly name?: string;
}

export interface InboundAttachment {
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
}

export interface InboundEmail {
  readonly messageId: string | undefined;
  readonly from: EmailAddress | undefined;
  readonly to: readonly EmailAddress[];
  readonly subject: string;
  readonly text: string;
  readonly inReplyTo: readonly string[];
  readonly references: readonly string[];
  /** Header names lower-cased; a repeated header keeps its first value. */
  readonly headers: Readonly<Record<string, string>>;
  /** The top-level media type with its parameters, e.g. `multipart/report; report-type=delivery-status`. */
  readonly contentType: string;
  readonly attachments: readonly InboundAttachment[];
}

export type EmailKind = 'person' | 'autoReply' | 'bounce' | 'bulk';

export interface EmailClass {
  readonly kind: EmailKind;
  /** The signal that decided it, for the record. */
  readonly reason: string;
}

const DAEMON_SENDERS = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;
const AUTO_REPLY_SUBJECT = /^\s*(auto(matic)?[ -]?(reply|response)|out of (the )?office|abwesenheitsnotiz|r[ée]ponse automatique)\b/i;
const BOUNCE_SUBJECT =
  /^\s*(undeliverable|undelivered mail|delivery status notification|mail delivery (failed|failure|subsystem)|returned mail|failure notice)\b/i;

/**
 * Never answer a machine: RFC 3834 Auto-Submitted, the de-facto X-Autoreply
 * family and Precedence, delivery-status reports (RFC 3464) and daemon senders.
 * Headers are checked before subjects: subjects are a last-resort heuristic.
 */
export function classifyEmail(email: InboundEmail): EmailClass {
  const h = email.headers;
  const contentType = email.contentType.toLowerCase();
  if (contentType.startsWith('multipart/report')) {
    const report = /report-type\s*=\s*"?([\w-]+)/.exec(contentType)?.[1] ?? 'unknown';
    return report === 'disposition-notification'
      ? { kind: 'autoReply', reason: 'multipart/report; report-type=disposition-notification' }
      : { kind: 'bounce', reason: `multipart/report; report-type=${report}` };
  }
  if (email.from && DAEMON_SENDERS.test(email.from.address)) return { kind: 'bounce', reason: `From: ${email.from.address}` };
  if (h['return-path'] !== undefined && h['return-path'].replace(/\s/g, '') === '<>') return { kind: 'bounce', reason: 'Return-Path: <>' };
  const autoSubmitted = h['auto-submitted']?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return { kind: 'autoReply', reason: `Auto-Submitted: ${autoSubmitted}` };
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-auto-reply']) {
    if (h[name] !== undefined) return { kind: 'autoReply', reason: `${name}: ${h[name]}` };
  }
  const precedence = h.precedence?.trim().toLowerCase();
  if (precedence === 'auto_reply') return { kind: 'autoReply', reason: 'Precedence: auto_reply' };
  if (precedence === 'bulk' || precedence === 'junk' || precedence === 'list') return { kind: 'bulk', reason: `Precedence: ${precedence}` };
  if (h['list-id'] !== undefined || h['list-unsubscribe'] !== undefined)
    return { kind: 'bulk', reason: h['list-id'] !== undefined ? 'List-Id' : 'List-Unsubscribe' };
  if (BOUNCE_SUBJECT.test(email.subject)) return { kind: 'bounce', reason: `Subject: ${email.subject.slice(0, 80)}` };
  if (AUTO_REPLY_SUBJECT.test(email.subject)) return { kind: 'autoReply', reason: `Subject: ${email.subject.slice(0, 80)}` };
  return { kind: 'person', reason: 'no automation signal' };
}

/** Case ids as `formatCaseId` makes them: PREFIX-YYYY-NNNNNN. */
const CASE_ID = '[A-Z][A-Z0-9]{1,9}-\\d{4}-\\d{6,}';
const SUBJECT_TOKEN = new RegExp(`\\[(${CASE_ID})\\]`, 'g');
const PLUS_ADDRESS = new RegExp(`^[^@+]+\\+(${CASE_ID})@`, 'i');
/** Our outbound Message-IDs: `<{caseId}.{id}@{domain}>`. */
const OUR_MESSAGE_ID = new RegExp(`^<?(${CASE_ID})\\.[^@>\\s]+@[^>\\s]+>?$`);

export type ThreadSignal = 'subjectToken' | 'plusAddress' | 'inReplyTo' | 'references';

export interface ThreadHint {
  readonly caseId: string;
  readonly signal: ThreadSignal;
}

/**
 * The cases this email says it answers, strongest signal first: In-Reply-To
 * names the very message answered, References the thread, a plus-address the
 * case the reply was sent to, and the subject token survives clients that drop
 * the headers. The service takes the first that names a case that exists.
 */
export function threadHints(email: InboundEmail): ThreadHint[] {
  const hints: ThreadHint[] = [];
  const add = (caseId: string | undefined, signal: ThreadSignal) => {
    if (caseId && !hints.some((h) => h.caseId === caseId)) hints.push({ caseId, signal });
  };
  for (const id of email.inReplyTo) add(OUR_MESSAGE_ID.exec(id.trim())?.[1], 'inReplyTo');
  for (const id of [...email.references].reverse()) add(OUR_MESSAGE_ID.exec(id.trim())?.[1], 'references');
  for (const to of email.to) add(PLUS_ADDRESS.exec(to.address)?.[1]?.toUpperCase(), 'plusAddress');
  for (const match of email.subject.matchAll(SUBJECT_TOKEN)) add(match[1], 'subjectToken');
  return hints;
}

/** Lines that start the quoted history clients append below a reply. */
const QUOTE_HEADER = [
  /^On .{1,200} wrote:\s*$/,
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^_{10,}\s*$/,
  /^From: .+$/,
  /^Am .{1,200} schrieb .{1,200}:\s*$/,
  /^Le .{1,200} a écrit\s*:\s*$/,
];

/** The new text of a reply: everything above the quoted history, without `>` lines. */
export function replyText(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (QUOTE_HEADER.some((pattern) => pattern.test(line.trim()))) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  const reply = kept.join('\n').trim();
  // A reply that is nothing but quote (top-posting clients that put it all below a marker) keeps the whole text.
  return reply === '' ? text.trim() : reply;
}
