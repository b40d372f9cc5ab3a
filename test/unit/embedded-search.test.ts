import { describe, expect, it } from 'vitest';
import { EmbeddedSearchIndex } from '#adapters/embedded-search.js';
import type { KnowledgeDocument } from '#adapters/search.js';
import { knowledgeDocumentOf } from '#core/knowledge/document.js';

const article = (over: Partial<KnowledgeDocument> & Pick<KnowledgeDocument, 'id' | 'title'>): KnowledgeDocument => ({
  body: '',
  category: 'general',
  tags: [],
  visibility: 'public',
  status: 'published',
  learned: [],
  ...over,
});

/** A small hand-written knowledge base: printers, VPN, passwords, invoices. */
const base: KnowledgeDocument[] = [
  article({
    id: 'printer-jam',
    title: 'Clearing a paper jam in the office printer',
    body: 'Open tray 2, remove the jammed paper, close the tray and print a test page.',
    category: 'hardware',
    tags: ['printer', 'paper'],
  }),
  article({
    id: 'printer-driver',
    title: 'Installing the printer driver on a laptop',
    body: 'Download the driver from the intranet and restart the laptop before printing.',
    category: 'hardware',
    tags: ['printer', 'driver'],
  }),
  article({
    id: 'vpn',
    title: 'Connecting to the VPN from home',
    body: 'Start the VPN client, sign in with your badge number and approve the push notification.',
    category: 'network',
    visibility: 'internal',
  }),
  article({
    id: 'password',
    title: 'Resetting a forgotten password',
    body: 'Use the self-service portal to reset your password; the link expires after one hour.',
    category: 'accounts',
  }),
  article({
    id: 'invoice',
    title: 'Downloading an invoice as PDF',
    body: 'Invoices are listed under Billing; choose one and download the PDF.',
    category: 'billing',
    status: 'draft',
  }),
];

async function indexOf(documents: readonly KnowledgeDocument[]) {
  const index = new EmbeddedSearchIndex();
  await index.upsert(documents);
  return index;
}

const ids = (hits: { id: string }[]) => hits.map((h) => h.id);

describe('EmbeddedSearchIndex', () => {
  it('ranks the article about the words asked, with the words of the query that matched', async () => {
    const index = await indexOf(base);
    const hits = await index.search({ text: 'Printer jams with paper', limit: 5 });
    expect(hits[0]!.id).toBe('printer-jam');
    expect(hits[0]!.matchedTerms).toEqual(['printer', 'jams', 'paper']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(await index.search({ text: 'the and of', limit: 5 })).toEqual([]);
  });

  it('filters by visibility, status and category', async () => {
    const index = await indexOf(base);
    const text = 'vpn printer password invoice pdf';
    expect(ids(await index.search({ text, limit: 10 })).sort()).toEqual(['invoice', 'password', 'printer-driver', 'printer-jam', 'vpn']);
    expect(ids(await index.search({ text, limit: 10, filter: { visibility: ['public'] } }))).not.toContain('vpn');
    expect(ids(await index.search({ text, limit: 10, filter: { status: ['published'] } }))).not.toContain('invoice');
    expect(ids(await index.search({ text, limit: 10, filter: { category: 'hardware' } })).sort()).toEqual(['printer-driver', 'printer-jam']);
    expect(ids(await index.search({ text, limit: 10, filter: { visibility: ['internal'], status: ['published'], category: 'network' } }))).toEqual([
      'vpn',
    ]);
  });

  it('highlights matched words in title, body, tags and learned cases, as written', async () => {
    const index = await indexOf([{ ...base[0]!, learned: ['Printer says paper jam in tray 2', 'Screen is flickering'] }, ...base.slice(1)]);
    const [hit] = await index.search({ text: 'paper jammed', limit: 1 });
    expect(hit!.highlights).toEqual([
      { field: 'title', fragment: 'Clearing a <mark>paper</mark> <mark>jam</mark> in the office printer' },
      { field: 'body', fragment: 'Open tray 2, remove the <mark>jammed</mark> <mark>paper</mark>, close the tray and print a test page.' },
      { field: 'tags', fragment: '<mark>paper</mark>' },
      { field: 'learned', fragment: 'Printer says <mark>paper</mark> <mark>jam</mark> in tray 2' },
    ]);
  });

  it('tolerates a typo in a long word and reports the query term it matched', async () => {
    const index = await indexOf(base);
    const [hit] = await index.search({ text: 'pasword forgoten', limit: 1 });
    expect(hit!.id).toBe('password');
    expect(hit!.matchedTerms).toEqual(['pasword', 'forgoten']);
    expect(hit!.highlights[0]).toEqual({ field: 'title', fragment: 'Resetting a <mark>forgotten</mark> <mark>password</mark>' });
  });

  it('finds a compound written as two words, reporting the two words as matched', async () => {
    const mailbox = article({ id: 'mailbox-backup', title: 'Making a backup of the mailbox', body: 'Export the mailbox to a PST file.' });
    const index = await indexOf([...base, mailbox]);
    const [hit] = await index.search({ text: 'how do I back up?', limit: 3 });
    expect(hit!.id).toBe('mailbox-backup');
    expect(hit!.matchedTerms).toEqual(['back', 'up']);
    expect(hit!.highlights[0]).toEqual({ field: 'title', fragment: 'Making a <mark>backup</mark> of the mailbox' });
  });

  it('learned case texts lift the article they were linked to', async () => {
    // The customer's words share nothing with the VPN article; "office" points at the printer.
    const question = 'cannot reach the office intranet, tunnel keeps dropping';
    const before = ids(await (await indexOf(base)).search({ text: question, limit: 5 }));
    expect(before[0]).toBe('printer-jam');
    expect(before).not.toContain('vpn');

    const withMemory = base.map((doc) =>
      doc.id === 'vpn'
        ? knowledgeDocumentOf(doc, ['Tunnel to the office intranet drops every few minutes', 'Cannot reach intranet from the train'])
        : doc,
    );
    const after = await (await indexOf(withMemory)).search({ text: question, limit: 5 });
    expect(after[0]!.id).toBe('vpn');
    expect(after[0]!.matchedTerms).toEqual(['cannot', 'reach', 'office', 'intranet', 'tunnel', 'dropping']);
    expect(after[0]!.highlights.some((h) => h.field === 'learned')).toBe(true);
  });

  it('upsert replaces the whole document, learned cases included', async () => {
    const index = await indexOf([{ ...base[3]!, learned: ['locked out after too many attempts'] }]);
    expect(ids(await index.search({ text: 'locked out', limit: 5 }))).toEqual(['password']);

    await index.upsert([{ ...base[3]!, title: 'Unlocking an account', learned: [] }]);
    expect(await index.search({ text: 'locked out', limit: 5 })).toEqual([]);
    expect(await index.search({ text: 'forgotten', limit: 5 })).toEqual([]);
    expect(ids(await index.search({ text: 'self-service portal', limit: 5 }))).toEqual(['password']);
    expect(ids(await index.search({ text: 'unlocking', limit: 5 }))).toEqual(['password']);
    expect(index.size).toBe(1);
  });

  it('remove drops documents and ignores unknown ids', async () => {
    const index = await indexOf(base);
    await index.remove(['printer-jam', 'no-such-article']);
    expect(ids(await index.search({ text: 'printer', limit: 5 }))).toEqual(['printer-driver']);
    expect(index.size).toBe(base.length - 1);
  });
});
