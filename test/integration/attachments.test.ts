/**
 * Attachments over real HTTP: the API grants signed URLs, the file goes to the local
 * gateway's file store (the stand-in for S3) exactly as a client sends it to S3,
 * and the confirmation commits the attachment with its audit event in DynamoDB Local.
 */
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_LIMITS } from '#topology/attachments.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { tableSnapshot } from '../support/table-snapshot.js';

let platform: TestPlatform;
type Who = Parameters<TestPlatform['fetchAs']>[0];

interface Granted {
  attachmentId: string;
  uploadId: string;
  complete: string;
  upload: { method: string; url: string; headers: Record<string, string>; expiresAt: string };
}
interface AttachmentBody {
  attachmentId: string;
  visibility: string;
  retentionClass: string;
  versions: { version: number; fileName: string; size: number; sha256: string | null; contentType: string }[];
}

const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  // Through Prism: every answer (201 for a new attachment, 200 for a new version) must be one the OpenAPI document describes.
  platform = await startTestPlatform({ validateResponses: true });
});
afterAll(async () => {
  await platform?.stop();
});

async function newCase(who: Who = 'requester'): Promise<string> {
  const response = await platform.fetchAs(who, '/cases', {
    method: 'POST',
    ...json({
      subject: 'Broken screen',
      description: 'Photo attached',
      ...(who === 'requester' || who === 'requester2' ? {} : { requester: { id: 'demo-requester' } }),
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { caseId: string }).caseId;
}

async function grant(who: Who, caseId: string, file: Buffer, extra: Record<string, unknown> = {}): Promise<Granted> {
  const response = await platform.fetchAs(who, `/cases/${caseId}/attachments`, {
    method: 'POST',
    ...json({ fileName: 'photo.png', contentType: 'image/png', size: file.length, ...extra }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Granted;
}

const put = (granted: Granted, body: Buffer, headers: Record<string, string> = granted.upload.headers) =>
  fetch(granted.upload.url, { method: 'PUT', headers, body });

const complete = (who: Who, caseId: string, granted: Granted) =>
  platform.fetchAs(who, `${granted.complete}`, { method: 'POST', ...json({ uploadId: granted.uploadId }) });

async function attach(who: Who, caseId: string, file: Buffer, extra: Record<string, unknown> = {}): Promise<AttachmentBody> {
  const granted = await grant(who, caseId, file, extra);
  expect((await put(granted, file)).status).toBe(200);
  const done = await complete(who, caseId, granted);
  expect(done.status, await done.clone().text()).toBe(201);
  return (await done.json()) as AttachmentBody;
}

async function download(
  who: Who,
  caseId: string,
  attachmentId: string,
  query = '',
): Promise<{ status: number; bytes?: Buffer; body?: { version: number } }> {
  const response = await platform.fetchAs(who, `/cases/${caseId}/attachments/${attachmentId}${query}`);
  if (response.status !== 200) return { status: response.status };
  const body = (await response.json()) as { version: number; download: { url: string } };
  const file = await fetch(body.download.url);
  expect(file.status).toBe(200);
  return { status: 200, bytes: Buffer.from(await file.arrayBuffer()), body };
}

describe('upload, confirm, list, download', () => {
  it('round-trips a file through signed URLs, and records it on the case and in its audited history', async () => {
    const caseId = await newCase();
    const file = Buffer.from('\x89PNG fake image bytes for the roundtrip');
    const granted = await grant('requester', caseId, file, { sha256: sha256(file) });
    expect(granted.upload).toMatchObject({
      method: 'PUT',
      headers: { 'content-type': 'image/png', 'x-amz-checksum-sha256': Buffer.from(sha256(file), 'hex').toString('base64') },
    });
    expect(new URL(granted.upload.url).pathname.startsWith('/_files/standard/')).toBe(true);

    expect((await put(granted, file)).status).toBe(200);
    const done = await complete('requester', caseId, granted);
    expect(done.status).toBe(201);
    const attachment = (await done.json()) as AttachmentBody;
    expect(attachment).toMatchObject({ attachmentId: granted.attachmentId, visibility: 'public', retentionClass: 'standard' });
    expect(attachment.versions).toEqual([
      expect.objectContaining({ version: 1, fileName: 'photo.png', size: file.length, sha256: sha256(file), contentType: 'image/png' }),
    ]);
    expect(attachment.versions[0]).not.toHaveProperty('key');

    const listed = (await (await platform.fetchAs('requester', `/cases/${caseId}/attachments`)).json()) as { items: AttachmentBody[] };
    expect(listed.items.map((a) => a.attachmentId)).toEqual([granted.attachmentId]);

    const got = await download('requester', caseId, granted.attachmentId);
    expect(got.bytes?.equals(file)).toBe(true);

    const theCase = (await (await platform.fetchAs('agent', `/cases/${caseId}`)).json()) as { attachments: unknown[]; version: number };
    expect(theCase.attachments).toEqual([
      expect.objectContaining({ attachmentId: granted.attachmentId, name: 'photo.png', size: file.length, latestVersion: 1 }),
    ]);
    // Like a comment, an attachment leaves the case record (and its ETag) as it was.
    expect(theCase.version).toBe(1);
    // The summary sits beside the case item, so status changes do not copy it into every index entry.
    const raw = async (sk: string) =>
      (await platform.dynamodb.client.send(new GetCommand({ TableName: platform.tableName, Key: { pk: `CASE#${caseId}`, sk } }))).Item;
    expect((await raw('#CASE'))!.attachments).toBeUndefined();
    expect((await raw('#ATTACHMENTS'))!.attachments).toEqual(theCase.attachments);
    const mine = (await (await platform.fetchAs('requester', '/cases?limit=100')).json()) as { items: { caseId: string; attachments?: unknown }[] };
    expect(mine.items.find((c) => c.caseId === caseId)).not.toHaveProperty('attachments');

    const history = (await (await platform.fetchAs('agent', `/cases/${caseId}/history`)).json()) as {
      items: { action: string; target?: { id: string } }[];
    };
    expect(history.items.map((e) => e.action)).toEqual(['CaseCreated', 'AttachmentAdded']);
    expect(history.items[1]!.target).toEqual({ kind: 'attachment', id: granted.attachmentId });
    expect(((await (await platform.fetchAs('agent', `/cases/${caseId}/history/verify`)).json()) as { valid: boolean }).valid).toBe(true);
  });

  it('keeps every version: a new one is AttachmentVersionAdded, and each downloads as it was', async () => {
    const caseId = await newCase();
    const first = Buffer.from('version one');
    const attachment = await attach('agent', caseId, first, { contentType: 'text/plain', fileName: 'notes.txt', retentionClass: 'transient' });

    const second = Buffer.from('version two, a little longer');
    const response = await platform.fetchAs('agent', `/cases/${caseId}/attachments/${attachment.attachmentId}/versions`, {
      method: 'POST',
      ...json({ fileName: 'notes-v2.txt', contentType: 'text/plain', size: second.length }),
    });
    expect(response.status).toBe(201);
    const granted = (await response.json()) as Granted;
    expect(granted.attachmentId).toBe(attachment.attachmentId);
    expect(new URL(granted.upload.url).pathname.startsWith('/_files/transient/')).toBe(true);
    expect((await put(granted, second)).status).toBe(200);
    const done = await complete('agent', caseId, granted);
    expect(done.status).toBe(200);
    expect(((await done.json()) as AttachmentBody).versions.map((v) => [v.version, v.fileName])).toEqual([
      [1, 'notes.txt'],
      [2, 'notes-v2.txt'],
    ]);

    expect((await download('agent', caseId, attachment.attachmentId)).bytes?.toString()).toBe(second.toString());
    expect((await download('agent', caseId, attachment.attachmentId, '?version=1')).bytes?.toString()).toBe(first.toString());
    expect((await download('agent', caseId, attachment.attachmentId, '?version=3')).status).toBe(404);

    const history = (await (await platform.fetchAs('agent', `/cases/${caseId}/history`)).json()) as { items: { action: string }[] };
    expect(history.items.map((e) => e.action)).toEqual(['CaseCreated', 'AttachmentAdded', 'AttachmentVersionAdded']);
    expect(((await (await platform.fetchAs('agent', `/cases/${caseId}/history/verify`)).json()) as { valid: boolean }).valid).toBe(true);
  });

  it('confirms versions uploaded in parallel one after another: none lost, numbered without gaps, the chain intact', async () => {
    const caseId = await newCase('agent');
    const attachment = await attach('agent', caseId, Buffer.from('v1'), { contentType: 'text/plain' });
    const files = Array.from({ length: 6 }, (_, n) => Buffer.from(`parallel version ${n}`));
    const granted = await Promise.all(
      files.map(async (file) => {
        const response = await platform.fetchAs('agent', `/cases/${caseId}/attachments/${attachment.attachmentId}/versions`, {
          method: 'POST',
          ...json({ fileName: 'p.txt', contentType: 'text/plain', size: file.length }),
        });
        const g = (await response.json()) as Granted;
        expect((await put(g, file)).status).toBe(200);
        return g;
      }),
    );
    const confirmed = await Promise.all(granted.map((g) => complete('agent', caseId, g)));
    expect(confirmed.map((r) => r.status)).toEqual(files.map(() => 200));
    const listed = (await (await platform.fetchAs('agent', `/cases/${caseId}/attachments`)).json()) as { items: AttachmentBody[] };
    expect(listed.items[0]!.versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(
      listed.items[0]!.versions.slice(1)
        .map((v) => v.size)
        .sort(),
    ).toEqual(files.map((f) => f.length).sort());
    const history = (await (await platform.fetchAs('agent', `/cases/${caseId}/history`)).json()) as { items: { action: string }[] };
    expect(history.items.filter((e) => e.action === 'AttachmentVersionAdded')).toHaveLength(6);
    expect(((await (await platform.fetchAs('agent', `/cases/${caseId}/history/verify`)).json()) as { valid: boolean }).valid).toBe(true);
  });

  it('keeps a pending upload only until it is confirmed, and lets DynamoDB expire it otherwise (TTL)', async () => {
    const caseId = await newCase();
    const file = Buffer.from('pending');
    const granted = await grant('requester', caseId, file, { contentType: 'text/plain' });
    const pendingItem = async () =>
      (
        await platform.dynamodb.client.send(
          new GetCommand({ TableName: platform.tableName, Key: { pk: `CASE#${caseId}`, sk: `UPLOAD#${granted.uploadId}` }, ConsistentRead: true }),
        )
      ).Item;
    const item = await pendingItem();
    expect(item).toMatchObject({
      entity: 'PendingUpload',
      requestedBy: 'demo-requester',
      size: file.length,
      key: expect.stringMatching(/^standard\//),
    });
    expect(item!.expiresAt).toBeGreaterThan(Date.parse(granted.upload.expiresAt) / 1000);
    expect(item!.expiresAt).toBeLessThan(Date.parse(granted.upload.expiresAt) / 1000 + 3 * 3600);
    expect((await put(granted, file)).status).toBe(200);
    expect((await complete('requester', caseId, granted)).status).toBe(201);
    expect(await pendingItem()).toBeUndefined();
  });

  it('confirms an upload once: a second confirmation finds nothing pending', async () => {
    const caseId = await newCase();
    const file = Buffer.from('once');
    const granted = await grant('requester', caseId, file, { contentType: 'text/plain' });
    expect((await put(granted, file)).status).toBe(200);
    const results = await Promise.all([complete('requester', caseId, granted), complete('requester', caseId, granted)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 404]);
    const history = (await (await platform.fetchAs('agent', `/cases/${caseId}/history`)).json()) as { items: { action: string }[] };
    expect(history.items.filter((e) => e.action === 'AttachmentAdded')).toHaveLength(1);
  });
});

describe('limits: refused with a problem naming the field and rule, nothing written', () => {
  it.each([
    ['too large', { size: ATTACHMENT_LIMITS.maxBytes + 1 }, 'body.size', 'too_big'],
    ['empty', { size: 0 }, 'body.size', 'too_small'],
    ['a media type not allowed', { contentType: 'application/x-msdownload' }, 'body.contentType', 'invalid_value'],
    ['an unknown retention class', { retentionClass: 'forever' }, 'body.retentionClass', 'invalid_value'],
    ['a path in the file name', { fileName: '../etc/passwd' }, 'body.fileName', 'invalid_format'],
    ['a malformed SHA-256', { sha256: 'abc' }, 'body.sha256', 'invalid_format'],
  ])('%s', async (_what, override, field, rule) => {
    const caseId = await newCase();
    const before = await tableSnapshot(platform);
    const response = await platform.fetchAs('agent', `/cases/${caseId}/attachments`, {
      method: 'POST',
      ...json({ fileName: 'a.png', contentType: 'image/png', size: 10, retentionClass: 'standard', ...override }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { errors: { field: string; rule: string }[] }).errors).toEqual([expect.objectContaining({ field, rule })]);
    expect(await tableSnapshot(platform)).toBe(before);
  });

  it('the store refuses an upload of another size, type, or other bytes than signed, and a tampered or replayed-late URL', async () => {
    const caseId = await newCase();
    const file = Buffer.from('exactly these bytes');
    const granted = await grant('requester', caseId, file, { contentType: 'text/plain', sha256: sha256(file) });
    expect((await put(granted, Buffer.concat([file, Buffer.from('!')]))).status).toBe(403); // content-length differs from the signed one
    expect((await put(granted, file, { ...granted.upload.headers, 'content-type': 'text/csv' })).status).toBe(403);
    const sameLengthOtherBytes = Buffer.from(file.toString().toUpperCase());
    expect((await put(granted, sameLengthOtherBytes)).status).toBe(400);
    const tampered = granted.upload.url.replace(/len=\d+/, `len=${file.length + 1}`);
    expect((await fetch(tampered, { method: 'PUT', headers: granted.upload.headers, body: Buffer.concat([file, Buffer.from('!')]) })).status).toBe(
      403,
    );
  });

  it('confirmation refuses a file that is not there yet, and leaves the table as it was', async () => {
    const caseId = await newCase();
    const granted = await grant('requester', caseId, Buffer.from('never sent'), { contentType: 'text/plain' });
    const before = await tableSnapshot(platform);
    const response = await complete('requester', caseId, granted);
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await tableSnapshot(platform)).toBe(before);
  });
});

describe('who may do what', () => {
  it('a requester adds only public attachments, only on their own case, and never sees internal ones', async () => {
    const caseId = await newCase();
    const before = await tableSnapshot(platform);
    const internal = await platform.fetchAs('requester', `/cases/${caseId}/attachments`, {
      method: 'POST',
      ...json({ fileName: 'x.png', contentType: 'image/png', size: 3, visibility: 'internal' }),
    });
    expect(internal.status).toBe(403);
    expect(internal.headers.get('content-type')).toBe('application/problem+json');
    expect(await tableSnapshot(platform)).toBe(before);

    const elsewhere = await platform.fetchAs('requester2', `/cases/${caseId}/attachments`, {
      method: 'POST',
      ...json({ fileName: 'x.png', contentType: 'image/png', size: 3 }),
    });
    expect(elsewhere.status).toBe(404);
    expect((await platform.fetchAs('requester2', `/cases/${caseId}/attachments`)).status).toBe(404);

    const note = await attach('agent', caseId, Buffer.from('fraud check notes'), { contentType: 'text/plain', visibility: 'internal' });
    const shared = await attach('agent', caseId, Buffer.from('your receipt'), { contentType: 'text/plain' });
    const asRequester = (await (await platform.fetchAs('requester', `/cases/${caseId}/attachments`)).json()) as { items: AttachmentBody[] };
    expect(asRequester.items.map((a) => a.attachmentId)).toEqual([shared.attachmentId]);
    expect((await download('requester', caseId, note.attachmentId)).status).toBe(404);
    const caseAsRequester = (await (await platform.fetchAs('requester', `/cases/${caseId}`)).json()) as { attachments: { attachmentId: string }[] };
    expect(caseAsRequester.attachments.map((a) => a.attachmentId)).toEqual([shared.attachmentId]);
    const asAgent = (await (await platform.fetchAs('agent', `/cases/${caseId}/attachments`)).json()) as { items: AttachmentBody[] };
    expect(asAgent.items.map((a) => a.attachmentId).sort()).toEqual([note.attachmentId, shared.attachmentId].sort());

    // Versions: only of their own attachments; an internal one does not exist for them.
    const versionOf = (id: string) =>
      platform.fetchAs('requester', `/cases/${caseId}/attachments/${id}/versions`, {
        method: 'POST',
        ...json({ fileName: 'v.txt', contentType: 'text/plain', size: 2 }),
      });
    expect((await versionOf(shared.attachmentId)).status).toBe(403);
    expect((await versionOf(note.attachmentId)).status).toBe(404);
  });

  it('only the uploader confirms an upload; to anyone else it is not there', async () => {
    const caseId = await newCase();
    const file = Buffer.from('mine');
    const granted = await grant('requester', caseId, file, { contentType: 'text/plain' });
    expect((await put(granted, file)).status).toBe(200);
    expect((await complete('agent', caseId, granted)).status).toBe(404);
    expect((await complete('requester', caseId, granted)).status).toBe(201);
  });

  it('nothing is added to a closed case', async () => {
    const caseId = await newCase();
    const withdrawn = await platform.fetchAs('requester', `/cases/${caseId}/transitions`, {
      method: 'POST',
      ...json({ to: 'closed', reason: 'Sorted' }),
    });
    expect(withdrawn.status).toBe(200);
    const before = await tableSnapshot(platform);
    const response = await platform.fetchAs('requester', `/cases/${caseId}/attachments`, {
      method: 'POST',
      ...json({ fileName: 'late.png', contentType: 'image/png', size: 3 }),
    });
    expect(response.status).toBe(409);
    expect(await tableSnapshot(platform)).toBe(before);
  });
});

describe('merged cases', () => {
  it("a duplicate's attachments stay on it, show from the survivor with includeMerged, and it takes no new ones", async () => {
    const [survivor, duplicate] = [await newCase(), await newCase()];
    const onSurvivor = await attach('agent', survivor, Buffer.from('survivor log'), { fileName: 'a.pdf', contentType: 'application/pdf' });
    const onDuplicate = await attach('requester', duplicate, Buffer.from('duplicate photo'));
    const internal = await attach('agent', duplicate, Buffer.from('internal note'), {
      fileName: 'n.pdf',
      contentType: 'application/pdf',
      visibility: 'internal',
    });
    const merged = await platform.fetchAs('agent', `/cases/${duplicate}/merge`, {
      method: 'POST',
      ...json({ survivorId: survivor, reason: 'Same broken screen' }),
    });
    expect(merged.status).toBe(200);

    const list = async (who: Who, query: string) =>
      (
        (await (await platform.fetchAs(who, `/cases/${survivor}/attachments${query}`)).json()) as { items: (AttachmentBody & { caseId: string })[] }
      ).items.map((a) => [a.caseId, a.attachmentId]);
    expect(await list('agent', '')).toEqual([[survivor, onSurvivor.attachmentId]]);
    expect(await list('agent', '?includeMerged=true')).toEqual([
      [survivor, onSurvivor.attachmentId],
      [duplicate, onDuplicate.attachmentId],
      [duplicate, internal.attachmentId],
    ]);
    expect(await list('requester', '?includeMerged=true')).toEqual([
      [survivor, onSurvivor.attachmentId],
      [duplicate, onDuplicate.attachmentId],
    ]);
    // The bytes are where they were: downloadable through the duplicate.
    expect((await download('agent', duplicate, onDuplicate.attachmentId)).bytes?.toString()).toBe('duplicate photo');

    const before = await tableSnapshot(platform);
    const refused = await platform.fetchAs('agent', `/cases/${duplicate}/attachments`, {
      method: 'POST',
      ...json({ fileName: 'x.png', contentType: 'image/png', size: 3, retentionClass: 'standard' }),
    });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { detail: string }).detail).toContain(survivor);
    expect(await tableSnapshot(platform)).toEqual(before);
  });
});
