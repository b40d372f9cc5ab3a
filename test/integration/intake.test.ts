/**
 * Channel intake over real HTTP against DynamoDB Local: email opens cases and
 * threads replies, machines are recorded and never answered, chat threads open
 * and append, near-identical repeats join the open case with their evidence in
 * the trail, and retries (in parallel) never write twice.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLabType, LAB_TYPE } from '../support/case-types.js';
import { bounceReport, newMessageId, rawEmail, type MailSpec } from '../support/emails.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
  await ensureLabType(platform);
});
afterAll(async () => {
  await platform?.stop();
});

async function read(response: Response) {
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body, headers: response.headers };
}

const sendEmail = async (spec: MailSpec | string, who: 'integration' | 'requester' | 'agent' = 'integration', contentType = 'message/rfc822') =>
  read(
    await platform.fetchAs(who, '/channels/email', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: typeof spec === 'string' ? spec : rawEmail(spec),
    }),
  );

const sendMessage = async (message: Body, who: 'integration' | 'requester' = 'integration') =>
  read(
    await platform.fetchAs(who, '/channels/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
    }),
  );

const getAs = async (path: string) => read(await platform.fetchAs('agent', path));
const post = async (path: string, body: unknown) =>
  read(await platform.fetchAs('agent', path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));

const commentsOf = async (caseId: string) => (await getAs(`/cases/${caseId}/comments`)).body.items as Body[];
const historyOf = async (caseId: string) => (await getAs(`/cases/${caseId}/history`)).body.items as Body[];
const casesOf = async (requester: string) => (await getAs(`/cases?requester=${encodeURIComponent(requester)}&limit=100`)).body.items as Body[];

async function intakeRecords(caseId: string): Promise<Body[]> {
  const out = await platform.dynamodb.client.send(
    new QueryCommand({
      TableName: platform.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':sk': 'INTAKE#' },
    }),
  );
  return out.Items ?? [];
}

let sender = 0;
/** A fresh sender per test, so one test's cases never count as another's duplicates. */
const freshSender = (name = 'Alice') => `${name.toLowerCase()}${++sender}-${Date.now()}@example.org`;

describe('email', () => {
  it('opens a case from a new email, with the sender as requester and the attachments recorded', async () => {
    const from = freshSender();
    const pdf = Buffer.alloc(3000, 7);
    const created = await sendEmail({
      from: `Alice <${from}>`,
      subject: 'Invoice 4411 is wrong',
      text: 'The total counts the licence twice.',
      attachments: [{ name: 'invoice-4411.pdf', contentType: 'application/pdf', content: pdf }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ outcome: 'created', replayed: false });
    const caseId = created.body.caseId as string;
    expect(created.headers.get('location')).toBe(`/cases/${caseId}`);

    const opened = (await getAs(`/cases/${caseId}`)).body;
    expect(opened).toMatchObject({
      channel: 'email',
      subject: 'Invoice 4411 is wrong',
      requester: { id: `email:${from}`, email: from, name: 'Alice' },
    });
    expect(opened.description).toContain('counts the licence twice');
    const [record] = await intakeRecords(caseId);
    expect(record).toMatchObject({
      outcome: 'created',
      channel: 'email',
      attachments: [{ name: 'invoice-4411.pdf', contentType: 'application/pdf', size: 3000 }],
    });
    expect((await historyOf(caseId)).map((e) => [e.action, e.channel])).toEqual([
      ['CaseCreated', 'email'],
      ['AttachmentAdded', 'email'],
    ]);

    // The file itself is the case's attachment, stored through the attachment store, byte for byte.
    expect(created.body.attachments).toEqual([{ name: 'invoice-4411.pdf', attachmentId: expect.any(String) }]);
    const listed = (await getAs(`/cases/${caseId}/attachments`)).body.items as Body[];
    expect(listed).toMatchObject([
      {
        attachmentId: created.body.attachments[0].attachmentId,
        visibility: 'public',
        versions: [{ fileName: 'invoice-4411.pdf', contentType: 'application/pdf', size: 3000, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }],
      },
    ]);
    const download = (await getAs(`/cases/${caseId}/attachments/${listed[0]!.attachmentId}`)).body;
    const bytes = Buffer.from(await (await fetch(download.download.url)).arrayBuffer());
    expect(bytes.equals(pdf)).toBe(true);
  });

  it('a redelivered email repeats the first answer, attachments included, and stores no file twice', async () => {
    const mail = rawEmail({
      from: `Bob <${freshSender('Bob')}>`,
      subject: 'Photos of the damage',
      text: 'Two photos attached.',
      attachments: [
        { name: 'front.png', contentType: 'image/png', content: Buffer.alloc(2048, 3) },
        { name: 'back.png', contentType: 'image/png', content: Buffer.alloc(1024, 4) },
      ],
    });
    const first = await sendEmail(mail);
    expect(first.status).toBe(201);
    expect(first.body.attachments).toEqual([
      { name: 'front.png', attachmentId: expect.any(String) },
      { name: 'back.png', attachmentId: expect.any(String) },
    ]);
    const again = await sendEmail(mail);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ caseId: first.body.caseId, replayed: true });
    expect(again.body.attachments).toEqual(first.body.attachments);
    expect((await getAs(`/cases/${first.body.caseId}/attachments`)).body.items).toHaveLength(2);
  });

  it('skips a file the attachment rules refuse, says why, and still takes the message in', async () => {
    const created = await sendEmail({
      from: freshSender(),
      subject: 'Setup file',
      text: 'Here is the installer.',
      attachments: [{ name: 'setup.exe', contentType: 'application/x-msdownload', content: Buffer.alloc(10, 1) }],
    });
    expect(created.status).toBe(201);
    expect(created.body.attachments).toEqual([{ name: 'setup.exe', skipped: expect.stringContaining('contentType') }]);
    expect((await getAs(`/cases/${created.body.caseId}/attachments`)).body.items).toEqual([]);
    expect((await intakeRecords(created.body.caseId))[0]!.attachments).toEqual([
      { name: 'setup.exe', contentType: 'application/x-msdownload', size: 10 },
    ]);
  });

  it('threads a reply onto its case by In-Reply-To, References, plus-address or subject token, as a public comment by the requester', async () => {
    const from = freshSender('Bob');
    const created = await sendEmail({ from, subject: 'VPN drops every hour', text: 'Since Monday the VPN disconnects hourly.' });
    const caseId = created.body.caseId as string;
    const ours = `<${caseId}.n1@caseway.example>`;

    const replies: MailSpec[] = [
      {
        from,
        subject: 'Re: We received your request',
        inReplyTo: ours,
        text: 'It happened again at 10:00.\n\nOn Fri, 27 Nov 2026 Caseway wrote:\n> Thank you for contacting us.',
      },
      { from, subject: 'Re: something', references: `<x@elsewhere> ${ours}`, text: 'And at 11:00.' },
      { from, to: `cases+${caseId}@caseway.example`, subject: 'more', text: 'Logs attached soon.' },
      { from, subject: `Re: [${caseId}] We received your request`, text: 'Still broken.' },
    ];
    const vias: string[] = [];
    for (const reply of replies) {
      const answered = await sendEmail(reply);
      expect(answered.status).toBe(200);
      expect(answered.body).toMatchObject({ outcome: 'appended', caseId });
      vias.push(answered.body.via as string);
    }
    expect(vias).toEqual(['inReplyTo', 'references', 'plusAddress', 'subjectToken']);

    const comments = await commentsOf(caseId);
    expect(comments.map((c) => c.body)).toEqual(['It happened again at 10:00.', 'And at 11:00.', 'Logs attached soon.', 'Still broken.']);
    expect(comments.every((c) => c.visibility === 'public' && c.author.sub === `email:${from}` && c.author.roles[0] === 'requester')).toBe(true);
    expect(await casesOf(`email:${from}`)).toHaveLength(1);
    expect((await getAs(`/cases/${caseId}/history/verify`)).body.valid).toBe(true);
  });

  it("does not thread a stranger onto someone else's case: a case token from another sender opens a new case", async () => {
    const owner = freshSender('Carol');
    const caseId = (await sendEmail({ from: owner, subject: 'Laptop screen cracked', text: 'Dropped it.' })).body.caseId as string;
    const stranger = freshSender('Mallory');
    const other = await sendEmail({ from: stranger, subject: `Re: [${caseId}] hello`, text: 'Let me in.' });
    expect(other.body).toMatchObject({ outcome: 'created' });
    expect(other.body.caseId).not.toBe(caseId);
    expect(await commentsOf(caseId)).toEqual([]);
  });

  it('records bounces and auto-replies without opening a case or answering them', async () => {
    const from = freshSender('Dave');
    const caseId = (await sendEmail({ from, subject: 'Password reset does not arrive', text: 'Tried three times.' })).body.caseId as string;
    const machines: [string, string | MailSpec][] = [
      ['bounce', bounceReport(`<${caseId}.n1@caseway.example>`)],
      [
        'autoReply',
        {
          from,
          subject: `Automatic reply: [${caseId}] We received your request`,
          headers: { 'Auto-Submitted': 'auto-replied' },
          text: 'I am out of office.',
        },
      ],
      [
        'autoReply',
        { from, subject: 'Out of Office', headers: { 'X-Autoreply': 'yes' }, inReplyTo: `<${caseId}.n1@caseway.example>`, text: 'Back on Monday.' },
      ],
      ['bulk', { from, subject: 'Newsletter', headers: { Precedence: 'bulk' }, text: 'News.' }],
      ['autoReply', { from, subject: 'Away', headers: { Precedence: 'auto_reply' }, text: 'Away.' }],
      ['bounce', { from: 'MAILER-DAEMON@mail.example.org', subject: 'Undelivered Mail Returned to Sender', text: 'Could not deliver.' }],
    ];
    for (const [kind, mail] of machines) {
      const answered = await sendEmail(mail);
      expect(answered.status, kind).toBe(200);
      expect(answered.body, kind).toMatchObject({ outcome: 'ignored', kind });
      expect(answered.body.caseId).toBeUndefined();
    }
    expect(await commentsOf(caseId)).toEqual([]);
    expect(await casesOf(`email:${from}`)).toHaveLength(1);
    // Only the one CaseCreated: nothing on the case's trail that an acknowledger could answer.
    expect((await historyOf(caseId)).map((e) => e.action)).toEqual(['CaseCreated']);
  });

  it('replays a retried email by its Message-ID, even when the retries run in parallel', async () => {
    const from = freshSender('Erin');
    const raw = rawEmail({ from, messageId: newMessageId(), subject: 'Badge reader broken', text: 'Door 3 does not open.' });
    const answers = await Promise.all(Array.from({ length: 8 }, () => sendEmail(raw)));
    // A replay repeats the first answer, 201 included, marked as a replay.
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    const created = answers.filter((a) => a.body.replayed === false);
    expect(created).toHaveLength(1);
    expect(answers.filter((a) => a.body.replayed === true && a.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    expect(new Set(answers.map((a) => a.body.caseId)).size).toBe(1);
    expect(await casesOf(`email:${from}`)).toHaveLength(1);

    // A retried reply adds its comment once.
    const reply = rawEmail({ from, inReplyTo: `<${created[0]!.body.caseId}.n1@caseway.example>`, subject: 'Re: x', text: 'Door 4 too.' });
    const replies = await Promise.all(Array.from({ length: 6 }, () => sendEmail(reply)));
    expect(replies.filter((r) => r.body.replayed === false)).toHaveLength(1);
    expect(await commentsOf(created[0]!.body.caseId as string)).toHaveLength(1);
  });

  it('refuses what is not an email, and callers that are not connectors, writing nothing', async () => {
    expect((await sendEmail({ subject: 'x' }, 'requester')).status).toBe(403);
    expect((await sendEmail({ subject: 'x' }, 'agent')).status).toBe(403);
    const wrongType = await sendEmail({ subject: 'x' }, 'integration', 'text/plain');
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.errors[0]).toMatchObject({ field: 'header.content-type', rule: 'media_type' });
    const noHeaders = await sendEmail('just some words, no headers at all', 'integration');
    expect(noHeaders.status).toBe(400);
    const noSender = await sendEmail('Subject: hi\r\nMessage-ID: <n@x>\r\n\r\nhello\r\n');
    expect(noSender.status).toBe(400);
    expect(noSender.body.errors[0]).toMatchObject({ field: 'body.from', rule: 'required' });
  });
});

describe('chat and social', () => {
  const message = (over: Body = {}) => ({
    channel: 'chat',
    deliveryId: `d-${Math.random()}`,
    externalThreadId: `t-${Math.random()}`,
    author: { id: `u${++sender}`, name: 'Fay' },
    text: 'My order never arrived',
    ...over,
  });

  it("opens a case for a new thread and appends the thread's next messages to it", async () => {
    const first = message({ type: LAB_TYPE, attachments: [{ name: 'receipt.png', contentType: 'image/png', size: 5120 }] });
    const opened = await sendMessage(first);
    expect(opened.status).toBe(201);
    const caseId = opened.body.caseId as string;
    expect((await getAs(`/cases/${caseId}`)).body).toMatchObject({
      channel: 'chat',
      type: LAB_TYPE,
      subject: 'My order never arrived',
      requester: { id: `chat:${first.author.id}`, name: 'Fay' },
    });

    const next = await sendMessage({ ...first, deliveryId: `d-${Math.random()}`, text: 'Order number is 7781.', attachments: [] });
    expect(next.body).toMatchObject({ outcome: 'appended', caseId, via: 'thread' });
    expect((await commentsOf(caseId)).map((c) => [c.body, c.author.sub])).toEqual([['Order number is 7781.', `chat:${first.author.id}`]]);
    expect((await intakeRecords(caseId)).map((r) => r.outcome).sort()).toEqual(['appended', 'created']);
    expect((await intakeRecords(caseId)).find((r) => r.outcome === 'created')!.attachments).toEqual([
      { name: 'receipt.png', contentType: 'image/png', size: 5120 },
    ]);
  });

  it("opens a new case, related to the old one, when the thread's case is closed", async () => {
    const first = message({ type: LAB_TYPE, channel: 'social', text: 'Your app logs me out' });
    const oldId = (await sendMessage(first)).body.caseId as string;
    for (const to of ['working', 'done', 'archived']) expect((await post(`/cases/${oldId}/transitions`, { to })).status).toBe(200);

    const later = await sendMessage({ ...first, deliveryId: `d-${Math.random()}`, text: 'It is happening again' });
    expect(later.status).toBe(201);
    expect(later.body).toMatchObject({ outcome: 'created', relatedTo: oldId });
    const newId = later.body.caseId as string;
    expect(newId).not.toBe(oldId);
    const linksOfNew = (await getAs(`/cases/${newId}/links`)).body.items as Body[];
    expect(linksOfNew.map((l) => [l.targetId, l.kind])).toEqual([[oldId, 'related']]);

    // The thread now belongs to the new case.
    const after = await sendMessage({ ...first, deliveryId: `d-${Math.random()}`, text: 'Any news?' });
    expect(after.body).toMatchObject({ outcome: 'appended', caseId: newId });
  });

  it('one thread, many first messages at once: one case, the rest appended', async () => {
    const thread = `t-${Math.random()}`;
    const author = { id: `u${++sender}` };
    const texts = ['Hello?', 'Anyone there', 'My card was charged twice', 'for order 55', 'please help'];
    const answers = await Promise.all(texts.map((text) => sendMessage(message({ externalThreadId: thread, author, text }))));
    expect(answers.filter((a) => a.body.outcome === 'created')).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body.caseId)).size).toBe(1);
    expect(await commentsOf(answers[0]!.body.caseId as string)).toHaveLength(4);
  });

  it('replays a redelivered message by its deliveryId, in parallel, writing once', async () => {
    const once = message();
    const answers = await Promise.all(Array.from({ length: 8 }, () => sendMessage(once)));
    // Every answer is the first one's (201), seven of them marked as replays.
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(answers.filter((a) => a.body.replayed)).toHaveLength(7);
    expect(await casesOf(`chat:${once.author.id}`)).toHaveLength(1);
  });

  it('refuses a malformed message naming the field, and non-connectors', async () => {
    const bad = await sendMessage({ ...message(), channel: 'pigeon' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'body.channel' });
    const noText = await sendMessage({ ...message(), text: '   ' });
    expect(noText.body.errors[0]).toMatchObject({ field: 'body.text' });
    expect((await sendMessage(message(), 'requester')).status).toBe(403);
  });
});

describe('duplicate detection', () => {
  it('joins a near-identical repeat to the open case, tells why in the trail (score, case, window), and keeps different requests apart', async () => {
    const from = freshSender('Gina');
    const first = await sendEmail({
      from,
      subject: 'Cannot log in to the portal',
      text: 'I get "invalid password" although I reset it twice today.',
    });
    const caseId = first.body.caseId as string;
    const again = await sendEmail({
      from,
      subject: 'Cannot log in to the portal!',
      text: 'I get "invalid password" although I reset it twice today',
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'duplicate', caseId });
    expect(again.body.score).toBeGreaterThanOrEqual(0.8);

    const history = await historyOf(caseId);
    expect(history.map((e) => e.action)).toEqual(['CaseCreated', 'CommentAdded', 'DuplicateIntake']);
    const decision = history[2]!;
    expect(decision.changes[0]).toMatchObject({
      field: 'intake.duplicate',
      after: {
        matchedCaseId: caseId,
        score: again.body.score,
        threshold: 0.8,
        windowMinutes: 60,
        method: 'jaccard/char-4-shingles',
        channel: 'email',
      },
    });
    expect(decision.reason).toMatch(/within 60 minutes/);
    expect((await getAs(`/cases/${caseId}/history/verify`)).body.valid).toBe(true);

    const different = await sendEmail({ from, subject: 'New laptop request', text: 'My laptop is five years old, can I get a new one?' });
    expect(different.body.outcome).toBe('created');
    // Someone else with the same words is someone else's case.
    const other = await sendEmail({
      from: freshSender('Hank'),
      subject: 'Cannot log in to the portal',
      text: 'I get "invalid password" although I reset it twice today.',
    });
    expect(other.body.outcome).toBe('created');
  });

  it('two near-identical messages at once open one case (the per-requester guard serialises them)', async () => {
    const author = { id: `u${++sender}`, name: 'Ivy' };
    const texts = [
      'The mobile app crashes when I open settings',
      'The mobile app crashes when I open settings!',
      'the mobile app crashes when i open settings',
      'The mobile app crashes when I open the settings',
    ];
    const answers = await Promise.all(
      texts.map((text, i) =>
        sendMessage({ channel: 'chat', deliveryId: `dup-${author.id}-${i}`, externalThreadId: `thread-${author.id}-${i}`, author, text }),
      ),
    );
    expect(answers.filter((a) => a.body.outcome === 'created')).toHaveLength(1);
    expect(answers.filter((a) => a.body.outcome === 'duplicate')).toHaveLength(3);
    expect(await casesOf(`chat:${author.id}`)).toHaveLength(1);
  });

  it('does not join a repeat to a closed case', async () => {
    const author = { id: `u${++sender}` };
    const text = 'Please cancel my subscription at the end of the month';
    const firstId = (
      await sendMessage({ channel: 'chat', deliveryId: `c-${author.id}-1`, externalThreadId: `ct-${author.id}-1`, author, text, type: LAB_TYPE })
    ).body.caseId as string;
    for (const to of ['working', 'done', 'archived']) expect((await post(`/cases/${firstId}/transitions`, { to })).status).toBe(200);
    const again = await sendMessage({ channel: 'chat', deliveryId: `c-${author.id}-2`, externalThreadId: `ct-${author.id}-2`, author, text });
    expect(again.body.outcome).toBe('created');
  });

  it('keeps the delivery record of every outcome, so a replay answers the first decision', async () => {
    const from = freshSender('Jo');
    const messageId = newMessageId();
    await sendEmail({ from, subject: 'Printer jam', text: 'Tray 1 jams on every page.' });
    const dup = await sendEmail({ from, messageId, subject: 'Printer jam', text: 'Tray 1 jams on every page.' });
    expect(dup.body.outcome).toBe('duplicate');
    const replay = await sendEmail({ from, messageId, subject: 'Printer jam', text: 'Tray 1 jams on every page.' });
    expect(replay.body).toMatchObject({ outcome: 'duplicate', caseId: dup.body.caseId, replayed: true });
    const items = await platform.dynamodb.client.send(
      new GetCommand({ TableName: platform.tableName, Key: { pk: `INTAKE#email:${from}`, sk: 'INTAKE' } }),
    );
    // The same text to the same case is remembered once, at its latest time.
    expect(items.Item?.recent).toEqual([expect.objectContaining({ caseId: dup.body.caseId, at: expect.any(String) })]);
  });
});

describe('POST /cases through intake (Prefer: dedup)', () => {
  const create = async (who: { sub: string; roles: ['requester'] }, body: Body, headers: Record<string, string> = {}) =>
    read(
      await platform.fetchAs(who, '/cases', {
        method: 'POST',
        headers: { 'content-type': 'application/json', prefer: 'dedup', ...headers },
        body: JSON.stringify(body),
      }),
    );
  const person = () => ({ sub: `web-${++sender}`, roles: ['requester'] as ['requester'] });

  it('joins a web-form repeat to the open case with 200 and Caseway-Duplicate-Of, and leaves creates without the preference alone', async () => {
    const me = person();
    const first = await create(me, { subject: 'Scanner shows error E42', description: 'Since this morning, every scan stops with E42.' });
    expect(first.status).toBe(201);
    expect(first.headers.get('preference-applied')).toBe('dedup');
    const again = await create(me, { subject: 'Scanner shows error E42', description: 'Since this morning every scan stops with E42!' });
    expect(again.status).toBe(200);
    expect(again.body.caseId).toBe(first.body.caseId);
    expect(again.headers.get('caseway-duplicate-of')).toBe(first.body.caseId);
    expect(Number(again.headers.get('caseway-duplicate-score'))).toBeGreaterThanOrEqual(0.8);
    expect((await historyOf(first.body.caseId)).map((e) => e.action)).toEqual(['CaseCreated', 'CommentAdded', 'DuplicateIntake']);

    const plain = read(
      await platform.fetchAs(me, '/cases', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'Scanner shows error E42', description: 'Since this morning, every scan stops with E42.' }),
      }),
    );
    expect((await plain).status).toBe(201);
    expect((await plain).body.caseId).not.toBe(first.body.caseId);
  });

  it('opens one case for near-identical web requests at once, and keeps the Idempotency-Key contract under parallel retries', async () => {
    const me = person();
    const answers = await Promise.all(
      ['Monitor flickers', 'Monitor flickers!', 'monitor flickers', 'Monitor  flickers'].map((subject) =>
        create(me, { subject, description: 'The left monitor flickers every few seconds.' }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
    expect(new Set(answers.map((a) => a.body.caseId)).size).toBe(1);

    const other = person();
    const body = { subject: 'Desk phone dead', description: 'No dial tone on extension 2231.' };
    const keyed = await Promise.all(Array.from({ length: 6 }, () => create(other, body, { 'idempotency-key': 'phone-2231' })));
    expect(keyed.every((k) => k.status === 201)).toBe(true);
    expect(keyed.filter((k) => k.headers.get('idempotent-replayed') === 'true')).toHaveLength(5);
    expect(new Set(keyed.map((k) => k.body.caseId)).size).toBe(1);
    const reused = await create(other, { ...body, description: 'Something else entirely.' }, { 'idempotency-key': 'phone-2231' });
    expect(reused.status).toBe(422);
    expect(reused.body.errors[0]).toMatchObject({ field: 'header.idempotency-key', rule: 'reused_with_different_body' });
  });
});
