/**
 * Outbound messages without sending any: templates render as data (values shown,
 * never interpreted; subjects carry the case id and no line breaks), recipients are
 * chosen from the case, and the SES transport's SendEmail requests have the shape
 * SES v2 takes (intercepting `client.send`, the boundary we cannot reach here).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import {
  headerText,
  LocalOutboxTransport,
  messageIdHeaderOf,
  RecordingNotifier,
  SesTransport,
  type Email,
  type EmailTransport,
  type NotificationStore,
} from '#adapters/notifications.js';
import type { NotificationRecord } from '#adapters/dynamodb/notification-repository.js';
import { assertMayReadNotifications, recipientOf } from '#core/notifications.js';
import { renderMessage, TEMPLATES } from '#core/templates.js';

describe('templates', () => {
  it('render every shipped template with the case id in the subject', () => {
    for (const id of Object.keys(TEMPLATES)) {
      const out = renderMessage(id, 'CASE-2026-000042', { subject: 'Printer on fire', requesterName: 'Ada' });
      expect(out.known, id).toBe(true);
      expect(out.subject.startsWith('[CASE-2026-000042] '), id).toBe(true);
      expect(out.text, id).not.toMatch(/\{\{|\}\}/);
    }
    expect(renderMessage('waiting-on-you', 'CASE-2026-000042', { subject: 'Printer on fire', requesterName: 'Ada' }).text).toContain('Hello Ada');
  });

  it('fall back, saying which template, for an id nobody wrote', () => {
    const out = renderMessage('brand-new-template', 'CASE-2026-000001', { subject: 'S' });
    expect(out.known).toBe(false);
    expect(out.text).toContain('brand-new-template');
  });

  it('show values as text, never as template code, HTML or extra headers', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (subject, name) => {
        const out = renderMessage('waiting-on-you', 'CASE-2026-000001', { subject, requesterName: name });
        expect(out.subject).not.toMatch(/[\r\n]/);
        expect(out.text).toContain(subject);
        expect(out.html).not.toMatch(/<script/i);
      }),
    );
    const out = renderMessage('resolved', 'CASE-2026-000001', {
      subject: '{{caseId}} <script>alert(1)</script>',
      requesterName: 'x\r\nBcc: evil@example.com',
    });
    expect(out.text).toContain('{{caseId}} <script>');
    expect(out.html).toContain('&lt;script&gt;');
    expect(out.subject).toBe('[CASE-2026-000001] Resolved: {{caseId}} <script>alert(1)</script>');
  });
});

describe('recipients and readers', () => {
  it('mail the requester at the address on the case, and skip who has no address', () => {
    const effect = { kind: 'notify', template: 'waiting-on-you', to: 'requester' } as const;
    expect(recipientOf(effect, { requester: { id: 'r', email: 'r@example.com', name: 'R' } })).toEqual({
      kind: 'address',
      address: 'r@example.com',
      name: 'R',
    });
    expect(recipientOf(effect, { requester: { id: 'r' } }).kind).toBe('none');
    expect(recipientOf({ ...effect, to: 'owner' }, { requester: { id: 'r', email: 'r@example.com' } }).kind).toBe('none');
  });

  it('let agents, supervisors and admins read what was sent', () => {
    for (const role of ['agent', 'supervisor', 'admin'] as const) expect(() => assertMayReadNotifications({ sub: 'x', roles: [role] })).not.toThrow();
    for (const role of ['requester', 'integration'] as const)
      expect(() => assertMayReadNotifications({ sub: 'x', roles: [role] })).toThrow(/Only agents/);
  });
});

const email: Email = {
  from: 'support@cases.example.org',
  to: { address: 'ada@example.com', name: 'Ada "the" Lovelace' },
  subject: '[CASE-2026-000042] Resolved: Printer',
  text: 'Hello',
  html: '<p>Hello</p>',
  messageIdHeader: messageIdHeaderOf('CASE-2026-000042', 'CASE-2026-000042/7/Notify/requester/resolved', 'cases.example.org'),
  caseId: 'CASE-2026-000042',
};

describe('the SES transport', () => {
  it('sends one SendEmail with subject, text and HTML bodies, threading headers and the configuration set', async () => {
    const client = new SESv2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const sent: SendEmailCommand[] = [];
    client.send = (async (command: SendEmailCommand) => {
      sent.push(command);
      return { MessageId: '0102018c-ses-id' };
    }) as typeof client.send;
    const out = await new SesTransport(client, 'caseway').deliver(email);
    expect(out).toEqual({ providerMessageId: '0102018c-ses-id' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(SendEmailCommand);
    expect(sent[0]!.input).toEqual({
      FromEmailAddress: 'support@cases.example.org',
      Destination: { ToAddresses: ['"Ada \\"the\\" Lovelace" <ada@example.com>'] },
      Content: {
        Simple: {
          Subject: { Data: '[CASE-2026-000042] Resolved: Printer', Charset: 'UTF-8' },
          Body: { Text: { Data: 'Hello', Charset: 'UTF-8' }, Html: { Data: '<p>Hello</p>', Charset: 'UTF-8' } },
          Headers: [
            { Name: 'X-Caseway-Case', Value: 'CASE-2026-000042' },
            { Name: 'X-Caseway-Message-Id', Value: '<CASE-2026-000042.CASE-2026-000042_7_Notify_requester_resolved@cases.example.org>' },
            { Name: 'References', Value: '<CASE-2026-000042.CASE-2026-000042_7_Notify_requester_resolved@cases.example.org>' },
          ],
        },
      },
      EmailTags: [{ Name: 'case', Value: 'CASE-2026-000042' }],
      ConfigurationSetName: 'caseway',
    });
  });

  it('fails loudly when SES answers without a message id', async () => {
    const client = new SESv2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    client.send = (async () => ({})) as typeof client.send;
    await expect(new SesTransport(client).deliver(email)).rejects.toThrow(/no MessageId/);
  });
});

describe('the recording notifier', () => {
  it('sends a message id once, and records it with its Message-ID', async () => {
    const records = new Map<string, NotificationRecord>();
    const store: NotificationStore = {
      find: async (_caseId, id) => records.get(id),
      record: async (r) => (records.has(r.messageId) ? false : (records.set(r.messageId, r), true)),
    };
    const delivered: Email[] = [];
    const transport: EmailTransport = { deliver: async (e) => (delivered.push(e), { providerMessageId: `p-${delivered.length}` }) };
    const notifier = new RecordingNotifier(transport, { from: 'support@cases.example.org', messageIdDomain: 'cases.example.org' }, store);
    const message = {
      id: 'CASE-2026-000042/7/Notify/requester/resolved',
      caseId: 'CASE-2026-000042',
      to: { address: 'ada@example.com' },
      template: 'resolved',
      data: { subject: 'Printer' },
      channel: 'email' as const,
    };
    const first = await notifier.send(message);
    const again = await notifier.send(message);
    expect(first).toEqual(again);
    expect(first.messageId).toBe('<CASE-2026-000042.CASE-2026-000042_7_Notify_requester_resolved@cases.example.org>');
    expect(delivered).toHaveLength(1);
    expect(records.get(message.id)).toMatchObject({
      caseId: 'CASE-2026-000042',
      template: 'resolved',
      providerMessageId: 'p-1',
      subject: '[CASE-2026-000042] Resolved: Printer',
    });
  });
});

/** Text built to break headers: line breaks of every kind, a would-be header after them, quotes, non-ASCII. */
const hostile = fc.string({
  unit: fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '\r\n',
        '\r',
        '\n',
        '\r\nBcc: evil@x',
        '\n\n',
        '\u0085',
        '\u2028',
        '\t',
        '\u0000',
        '"',
        '\\',
        '<',
        '>',
        ':',
        '=?',
        'é',
        '数',
        '😀',
      ),
    },
    { weight: 5, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 40,
});

const hostileEmail = (subject: string, name: string, caseId = 'CASE-2026-000042'): Email => ({
  ...email,
  subject,
  to: { address: 'ada@example.com', name },
  caseId,
});

describe('outbound headers (no header injection)', () => {
  const HEADERS = ['From', 'To', 'Subject', 'Message-ID', 'X-Caseway-Case', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding'];

  async function writtenBy(message: Email): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'caseway-outbox-'));
    try {
      await new LocalOutboxTransport(dir).deliver(message);
      const [file] = readdirSync(dir);
      return readFileSync(join(dir, file!), 'utf8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('the local outbox writes a CRLF in the subject or name as a space, never as a header of its own', async () => {
    const eml = await writtenBy(hostileEmail('Printer\r\nBcc: evil@x', 'Ada\r\nCc: evil@y'));
    const head = eml.slice(0, eml.indexOf('\r\n\r\n'));
    expect(head).not.toMatch(/^(Bcc|Cc):/im);
    const parsed = await simpleParser(eml);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.cc).toBeUndefined();
    expect(parsed.subject).toBe('Printer Bcc: evil@x');
    expect(parsed.text?.trim()).toBe('Hello');
  });

  it('property: whatever subject, name or case id, the .eml has exactly its own headers, each on one line, and the subject reads back', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (subject, name, caseId) => {
        const eml = await writtenBy(hostileEmail(subject, name, caseId));
        const head = eml.slice(0, eml.indexOf('\r\n\r\n'));
        const lines = head.split('\r\n');
        expect(lines.map((line) => line.slice(0, line.indexOf(':')))).toEqual(HEADERS);
        // eslint-disable-next-line no-control-regex
        for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f]/);
        const parsed = await simpleParser(eml);
        expect(parsed.bcc).toBeUndefined();
        // Readers fold runs of white space in a header; the words themselves must come back as written.
        const words = (text: string) => text.replace(/\s+/g, ' ').trim();
        expect(words(parsed.subject ?? '')).toBe(words(headerText(subject)));
      }),
      { numRuns: 150 },
    );
  });

  it('property: SES gets no line break in the subject, the recipient or any header value', async () => {
    const client = new SESv2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const sent: SendEmailCommand[] = [];
    client.send = (async (command: SendEmailCommand) => (sent.push(command), { MessageId: 'id' })) as typeof client.send;
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (subject, name, caseId) => {
        sent.length = 0;
        await new SesTransport(client).deliver(hostileEmail(subject, name, caseId));
        const simple = sent[0]!.input.Content!.Simple!;
        const values = [simple.Subject!.Data!, ...sent[0]!.input.Destination!.ToAddresses!, ...simple.Headers!.map((h) => h.Value!)];
        for (const value of values) expect(value).not.toMatch(/[\r\n\u0085\u2028\u2029]/);
      }),
    );
  });
});
