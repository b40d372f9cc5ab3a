/**
 * The files an email carried, stored as the case's attachments through the same
 * use cases a person's upload takes (grant, PUT to the signed URL, confirm): the
 * file store's checks (type, exact size, SHA-256) and the AttachmentAdded event
 * apply unchanged. Runs after the intake committed: a file the attachment rules
 * refuse (a type not allowed, too large) is reported and skipped, and the raw
 * message still holds it (in AWS, in the inbound-mail bucket until it expires).
 *
 * Storing is idempotent: a file the intake already stored on the case (same name,
 * same bytes) is answered with that attachment. So a redelivered message repeats the
 * first answer's list, and one whose first attempt died between the intake's commit
 * and its files gets them stored on the retry instead of never.
 */
import type { ChangeContext } from '#core/audit-event.js';
import { isDomainError } from '#core/errors.js';
import { sha256Hex } from '#core/intake/digest.js';
import { NewAttachmentBody } from '#core/attachment-declaration.js';
import { logger } from '../observability.js';
import { confirmUpload, listCaseAttachments, requestUpload } from './attachments.js';

export interface MailFile {
  readonly name: string;
  readonly contentType: string;
  readonly content: Buffer;
}

export type StoredFile = { readonly name: string; readonly attachmentId: string } | { readonly name: string; readonly skipped: string };

const INTAKE_CALLER = { sub: 'caseway-intake', name: 'Caseway intake', roles: ['integration'] } as const;

/** What the intake stored on the case before, by name and digest. */
async function storedByIntake(caseId: string): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  let cursor: string | undefined;
  do {
    const page = await listCaseAttachments(caseId, { ...INTAKE_CALLER, roles: [...INTAKE_CALLER.roles] }, 100, cursor);
    for (const attachment of page.items) {
      for (const v of attachment.versions)
        if (v.uploadedBy.sub === INTAKE_CALLER.sub && v.sha256) stored.set(`${v.fileName}\n${v.sha256}`, attachment.attachmentId);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return stored;
}

export async function storeMailFiles(caseId: string, files: readonly MailFile[], ctx: ChangeContext): Promise<StoredFile[]> {
  const system: ChangeContext = { ...ctx, channel: 'email', caller: { ...INTAKE_CALLER, roles: [...INTAKE_CALLER.roles] } };
  const already = await storedByIntake(caseId);
  const results: StoredFile[] = [];
  for (const file of files) {
    const request = NewAttachmentBody.safeParse({
      fileName: file.name,
      contentType: file.contentType.split(';')[0]!.trim().toLowerCase(),
      size: file.content.length,
      sha256: sha256Hex(file.content),
    });
    if (!request.success) {
      results.push({ name: file.name, skipped: request.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      continue;
    }
    const earlier = already.get(`${request.data.fileName}\n${request.data.sha256}`);
    if (earlier) {
      results.push({ name: file.name, attachmentId: earlier });
      continue;
    }
    try {
      const granted = await requestUpload(caseId, request.data, system);
      const put = await fetch(granted.upload.url, {
        method: granted.upload.method,
        headers: granted.upload.headers,
        body: new Uint8Array(file.content),
      });
      if (!put.ok) {
        results.push({ name: file.name, skipped: `the file store answered ${put.status}` });
        continue;
      }
      const done = await confirmUpload(caseId, granted.attachmentId, granted.uploadId, system);
      results.push({ name: file.name, attachmentId: done.attachment.attachmentId });
    } catch (error) {
      if (!isDomainError(error)) throw error;
      logger.warn('An emailed file was not stored', { caseId, name: file.name, problem: error.message });
      results.push({ name: file.name, skipped: error.message });
    }
  }
  return results;
}
