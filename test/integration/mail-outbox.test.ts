/**
 * Local mail, end to end: a case opened by email goes through the table stream, the outbox publisher
 * and the local bus to the `intake-ack` consumer, loaded with only the settings its declaration's uses
 * bring (as in AWS), and the acknowledgement lands as an .eml file in the data directory's outbox.
 * Before the consumer declared `email: 'send'` it had no outbox directory (nor, in AWS, SES mode or
 * permission): the acknowledgement was recorded beside the case and sent nowhere.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { rawEmail } from '../support/emails.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

let platform: TestPlatform;
const dataDir = mkdtempSync(join(tmpdir(), 'caseway-mail-'));
const outbox = join(dataDir, 'outbox');

beforeAll(async () => {
  platform = await startTestPlatform({ inMemory: false, dataDir });
});
afterAll(async () => {
  await platform?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const messages = (): string[] => {
  try {
    return readdirSync(outbox)
      .filter((f) => f.endsWith('.eml'))
      .map((f) => readFileSync(join(outbox, f), 'utf8'));
  } catch {
    return [];
  }
};

describe('the intake acknowledgement, locally', () => {
  it('is written to the outbox as an .eml file to the requester, naming the case', async () => {
    const response = await platform.fetchAs('integration', '/channels/email', {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: rawEmail({ from: 'Kim <kim.mail@example.org>', subject: 'Badge reader dead', text: 'The badge reader at door 2 does nothing.' }),
    });
    expect(response.status).toBe(201);
    const { caseId } = (await response.json()) as { caseId: string };
    const ack = await eventually(() => messages().find((m) => m.includes(`X-Caseway-Case: ${caseId}`)), `the acknowledgement of ${caseId}`, 60_000);
    expect(ack).toMatch(/^From: caseway@example\.com$/m);
    expect(ack).toMatch(/^To: .*kim\.mail@example\.org/m);
    expect(ack).toContain(caseId);
  }, 90_000);
});
