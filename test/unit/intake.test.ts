/** The pure parts of intake: similarity (property-tested against a plain set oracle), dedup decisions, email classification and threading. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acknowledgementOf } from '#core/intake/acknowledgement.js';
import { renderMessage } from '#core/templates.js';
import { subjectOf } from '#core/intake/channel-message.js';
import { findDuplicate, MAX_RECENT, remember, type RecentIntake } from '#core/intake/dedup.js';
import { classifyEmail, replyText, threadHints, type InboundEmail } from '#core/intake/email.js';
import { comparableText, jaccard, normaliseSubject, normaliseText, shingles, similarity } from '#core/intake/similarity.js';

/** The obviously-correct Jaccard: build both sets as arrays, count. */
function oracleJaccard(a: string[], b: string[]): number {
  const A = [...new Set(a)];
  const B = [...new Set(b)];
  if (A.length === 0 && B.length === 0) return 1;
  const inter = A.filter((x) => B.includes(x)).length;
  const union = [...new Set([...A, ...B])].length;
  return inter / union;
}

describe('similarity', () => {
  const words = fc
    .array(fc.constantFrom('printer', 'tray', 'smoke', 'fire', 'login', 'portal', 'the', 'is', 'on', '!', 'Ü', '42'), { maxLength: 20 })
    .map((w) => w.join(' '));

  it('jaccard equals the set oracle on any two sets', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3 }), { maxLength: 30 }), fc.array(fc.string({ maxLength: 3 }), { maxLength: 30 }), (a, b) => {
        expect(jaccard(new Set(a), new Set(b))).toBeCloseTo(oracleJaccard(a, b), 12);
      }),
    );
  });

  it('is symmetric, between 0 and 1, and 1 for a text with itself', () => {
    fc.assert(
      fc.property(words, words, (a, b) => {
        const x = comparableText('', a);
        const y = comparableText('', b);
        const s = similarity(x, y);
        expect(s).toBe(similarity(y, x));
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(similarity(x, x)).toBe(1);
      }),
    );
  });

  it('shingles are every k-long window of the normalised text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 5, maxLength: 40 }), (raw) => {
        const n = normaliseText(raw);
        const expected = n.length <= 4 ? (n ? [n] : []) : Array.from({ length: n.length - 3 }, (_, i) => n.slice(i, i + 4));
        expect([...shingles(n)].sort()).toEqual([...new Set(expected)].sort());
      }),
    );
  });

  it('ignores case, accents, punctuation and reply prefixes, but not different words', () => {
    expect(normaliseSubject('Re: FWD: Café   crashes!!')).toBe('cafe crashes');
    expect(similarity(comparableText('Printer on fire', 'Smoke from tray 2.'), comparableText('RE: printer on FIRE!', 'smoke from tray 2'))).toBe(1);
    expect(similarity(comparableText('Printer on fire', 'Smoke from tray 2'), comparableText('New laptop', 'Mine is old'))).toBeLessThan(0.2);
  });
});

describe('dedup decisions', () => {
  const now = '2026-11-27T12:00:00.000Z';
  const policy = { windowMinutes: 60, threshold: 0.8 };
  const text = comparableText('Cannot log in', 'Invalid password after reset');
  const entry = (caseId: string, minutesAgo: number, t = text): RecentIntake => ({
    caseId,
    at: new Date(Date.parse(now) - minutesAgo * 60_000).toISOString(),
    text: t,
  });

  it('matches the best open case inside the window and reports the evidence', () => {
    const match = findDuplicate(
      text,
      [entry('A', 10), entry('B', 5, comparableText('Cannot log in', 'Invalid password after a reset'))],
      now,
      policy,
      () => true,
    );
    expect(match).toMatchObject({ caseId: 'A', score: 1, windowMinutes: 60, threshold: 0.8 });
  });

  it('ignores entries outside the window, below the threshold, or whose case is no longer open', () => {
    expect(findDuplicate(text, [entry('A', 61)], now, policy, () => true)).toBeUndefined();
    expect(findDuplicate(text, [entry('A', 1, comparableText('Printer', 'on fire'))], now, policy, () => true)).toBeUndefined();
    expect(findDuplicate(text, [entry('A', 1)], now, policy, () => false)).toBeUndefined();
    // A twin that committed a moment "after" this request started is still inside.
    expect(findDuplicate(text, [entry('A', -0.01)], now, policy, () => true)?.caseId).toBe('A');
  });

  it('remembers at most MAX_RECENT, newest first, dropping expired ones', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 25 }), (ages) => {
        const recent = remember(
          ages.map((m, i) => entry(`C${i}`, m, `t${i}`)),
          entry('NEW', 0, 'new'),
          now,
          60,
        );
        expect(recent[0]!.caseId).toBe('NEW');
        expect(recent.length).toBeLessThanOrEqual(MAX_RECENT);
        expect(recent.every((e) => Date.parse(now) - Date.parse(e.at) <= 60 * 60_000)).toBe(true);
      }),
    );
  });
});

const email = (over: Partial<InboundEmail> = {}): InboundEmail => ({
  messageId: '<m1@x>',
  from: { address: 'alice@example.org' },
  to: [{ address: 'support@caseway.example' }],
  subject: 'Help',
  text: 'Hello',
  inReplyTo: [],
  references: [],
  headers: {},
  contentType: 'text/plain',
  attachments: [],
  ...over,
});

describe('email classification', () => {
  it.each([
    [{ contentType: 'multipart/report; report-type=delivery-status; boundary=x' }, 'bounce'],
    [{ contentType: 'multipart/report; report-type="disposition-notification"' }, 'autoReply'],
    [{ from: { address: 'MAILER-DAEMON@mx.example.org' } }, 'bounce'],
    [{ headers: { 'return-path': '<>' } }, 'bounce'],
    [{ headers: { 'auto-submitted': 'auto-replied' } }, 'autoReply'],
    [{ headers: { 'auto-submitted': 'auto-generated' } }, 'autoReply'],
    [{ headers: { 'x-autoreply': 'yes' } }, 'autoReply'],
    [{ headers: { 'x-autorespond': 'vacation' } }, 'autoReply'],
    [{ headers: { precedence: 'auto_reply' } }, 'autoReply'],
    [{ headers: { precedence: 'bulk' } }, 'bulk'],
    [{ headers: { 'list-id': '<news.example.org>' } }, 'bulk'],
    [{ subject: 'Undeliverable: Help' }, 'bounce'],
    [{ subject: 'Automatic reply: Help' }, 'autoReply'],
    [{ subject: 'Out of Office: back Monday' }, 'autoReply'],
    [{ headers: { 'auto-submitted': 'no' } }, 'person'],
    [{}, 'person'],
  ] as const)('%j is %s', (over, kind) => {
    expect(classifyEmail(email(over as Partial<InboundEmail>)).kind).toBe(kind);
  });
});

describe('threading', () => {
  it('reads our Message-IDs, plus-addresses and subject tokens, strongest first, each case once', () => {
    const hints = threadHints(
      email({
        subject: 'Re: [CASE-2026-000003] and [CASE-2026-000001]',
        inReplyTo: ['<CASE-2026-000001.n7@caseway.example>'],
        references: ['<other@x>', '<CASE-2026-000002.n1@caseway.example>'],
        to: [{ address: 'cases+case-2026-000004@caseway.example' }],
      }),
    );
    expect(hints).toEqual([
      { caseId: 'CASE-2026-000001', signal: 'inReplyTo' },
      { caseId: 'CASE-2026-000002', signal: 'references' },
      { caseId: 'CASE-2026-000004', signal: 'plusAddress' },
      { caseId: 'CASE-2026-000003', signal: 'subjectToken' },
    ]);
    expect(threadHints(email({ inReplyTo: ['<random@gmail.com>'], subject: 'CASE-2026-000001 without brackets' }))).toEqual([]);
  });

  it('keeps the new text of a reply, without the quoted history', () => {
    expect(replyText('Thanks, fixed.\n\nOn Fri, 27 Nov 2026 at 10:00, Caseway wrote:\n> Hello\n> more')).toBe('Thanks, fixed.');
    expect(replyText('Top\n> quoted\nbottom')).toBe('Top\nbottom');
    expect(replyText('-----Original Message-----\nFrom: x')).toBe('-----Original Message-----\nFrom: x');
  });
});

describe('acknowledgement text and subjects', () => {
  it('names the case and the target when there is one, and promises none when there is not', () => {
    const render = (data: Parameters<typeof acknowledgementOf>[0]) => {
      const { template, view } = acknowledgementOf(data);
      return renderMessage(template, data.caseId, view);
    };
    const withTarget = render({
      caseId: 'CASE-2026-000001',
      subject: 'Help',
      requesterName: 'Alice',
      firstResponseDueAt: '2026-11-27T14:00:00.000Z',
    });
    expect(withTarget.known).toBe(true);
    expect(withTarget.subject).toBe('[CASE-2026-000001] We received your request: Help');
    expect(withTarget.text).toContain('Hello Alice,');
    expect(withTarget.text).toContain('respond by 2026-11-27 14:00 UTC');
    expect(render({ caseId: 'CASE-2026-000001', subject: 'Help', firstResponseDueAt: null }).text).toContain('no response-time target');
    const repeat = render({ caseId: 'CASE-2026-000001', subject: 'Help', firstResponseDueAt: null, duplicate: { score: 0.9 } });
    expect(repeat.subject).toBe('[CASE-2026-000001] We already have your request: Help');
    expect(repeat.text).toContain('added it to your open case CASE-2026-000001');
  });

  it('makes a subject from the first line of a chat message', () => {
    expect(subjectOf('  Order missing\nmore text')).toBe('Order missing');
    expect(subjectOf('x'.repeat(300)).length).toBeLessThanOrEqual(120);
    expect(subjectOf('   ')).toBe('(no text)');
  });
});
