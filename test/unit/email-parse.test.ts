/** mailparser output read into the core's InboundEmail: encoded words, address lists, message-id lists, raw header lines. */
import { describe, expect, it } from 'vitest';
import { classifyEmail, threadHints } from '#core/intake/email.js';
import { parseEmail } from '#services/email-intake.js';

const raw = (lines: string[]) => Buffer.from(lines.join('\r\n'));

describe('parseEmail', () => {
  it('decodes encoded-word subjects and names, lists every recipient, and keeps the message-id lists', async () => {
    const { email } = await parseEmail(
      raw([
        'From: =?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= <Juergen@Example.org>',
        'To: support@caseway.example, "Cases" <cases+CASE-2026-000007@caseway.example>',
        'Cc: boss@example.org',
        'Subject: =?UTF-8?Q?Re:_Drucker_br=C3=A4nnt_[CASE-2026-000007]?=',
        'Message-ID: <abc@example.org>',
        'In-Reply-To: <CASE-2026-000007.n1@caseway.example>',
        'References: <x@y> <CASE-2026-000007.n1@caseway.example>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Es brennt immer noch.',
        '',
      ]),
    );
    expect(email.from).toEqual({ address: 'juergen@example.org', name: 'Jürgen Müller' });
    expect(email.subject).toBe('Re: Drucker brännt [CASE-2026-000007]');
    expect(email.to.map((a) => a.address)).toEqual(['support@caseway.example', 'cases+case-2026-000007@caseway.example', 'boss@example.org']);
    expect(email.inReplyTo).toEqual(['<CASE-2026-000007.n1@caseway.example>']);
    expect(email.references).toEqual(['<x@y>', '<CASE-2026-000007.n1@caseway.example>']);
    // Three signals name one case: it is hinted once, by the strongest.
    expect(threadHints(email)).toEqual([{ caseId: 'CASE-2026-000007', signal: 'inReplyTo' }]);
    expect(email.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(classifyEmail(email).kind).toBe('person');
  });

  it('sees the headers that mark machines, whatever shape mailparser gives them', async () => {
    const headers = async (extra: string[]) =>
      classifyEmail(
        (await parseEmail(raw(['From: a@example.org', 'Subject: Hello', 'Message-ID: <m@x>', ...extra, 'Content-Type: text/plain', '', 'x', ''])))
          .email,
      );
    expect(await headers(['Return-Path: <>'])).toMatchObject({ kind: 'bounce' });
    expect(await headers(['Auto-Submitted: auto-replied (vacation)'])).toMatchObject({ kind: 'autoReply' });
    expect(await headers(['Precedence: bulk'])).toMatchObject({ kind: 'bulk' });
    expect(await headers(['List-Id: News <news.example.org>'])).toMatchObject({ kind: 'bulk' });
    expect(await headers(['X-Autoreply: yes'])).toMatchObject({ kind: 'autoReply' });
    expect(await headers([])).toMatchObject({ kind: 'person' });
  });

  it('refuses what has no headers, and an empty body', async () => {
    await expect(parseEmail(Buffer.alloc(0))).rejects.toMatchObject({ issues: [{ field: 'body', rule: 'required' }] });
    await expect(parseEmail(Buffer.from('just words'))).rejects.toMatchObject({ issues: [{ field: 'body', rule: 'rfc822' }] });
  });
});
