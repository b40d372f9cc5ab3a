import { describe, expect, it } from 'vitest';
import { knowledgeDocumentOf } from '#core/knowledge/document.js';
import { GramScorer } from '#core/knowledge/gram-scorer.js';
import { highlightFragment } from '#core/knowledge/highlight.js';
import { markdownToText } from '#core/knowledge/markdown.js';
import { fuseScores, neighbourScore } from '#core/knowledge/ranking.js';
import { compoundsOf, gramsOf, normaliseWord, termsOf } from '#core/knowledge/text.js';

describe('knowledge text analysis', () => {
  it('lower-cases, drops stop words and possessives, and stems', () => {
    expect(termsOf("How do I reset the Router's passwords?")).toEqual(['reset', 'router', 'password']);
    expect(termsOf('Printing printed prints')).toEqual(['print', 'print', 'print']);
    expect(termsOf("It's not working, I'd say it won't retry")).toEqual(['not', 'work', 'sai', 'not', 'retri']);
  });

  it('keeps digits and letters outside ASCII', () => {
    expect(termsOf('Error 0x80070005 in Zürich')).toEqual(['error', '0x80070005', 'zürich']);
    expect(normaliseWord('the')).toBeUndefined();
  });

  it('makes padded character 4-grams of the terms', () => {
    expect(gramsOf('mails')).toEqual(['_mai', 'mail', 'ail_']);
    const joined = new Set(gramsOf('strikethrough'));
    expect(gramsOf('strike through').filter((g) => joined.has(g)).length).toBeGreaterThanOrEqual(6);
  });
});

describe('compounds', () => {
  it('joins adjacent content words that stem to a word of their own', () => {
    expect(compoundsOf("How do I back up my e-mail? I can't log in")).toEqual([
      { joined: 'backup', term: 'backup', parts: ['back', 'up'] },
      { joined: 'email', term: 'email', parts: ['e', 'mail'] },
    ]);
    expect(compoundsOf('Strike through').map((c) => c.joined)).toEqual(['Strikethrough']);
    // A join that only inflects one of its words ("support" + "e") is no compound.
    expect(compoundsOf('support e')).toEqual([]);
  });
});

describe('markdown to text', () => {
  it('keeps what a reader sees and drops the markup', () => {
    const md = [
      '# Reset a **router**',
      '',
      '1. Open [the admin page](https://192.168.0.1) and `Settings`',
      '- Hold ~~the~~ *reset* button <br/> for 10 s',
      '> Note: ![diagram](x.png) shows it',
      '```sh',
      'reboot --now',
      '```',
    ].join('\n');
    expect(markdownToText(md)).toBe(
      'Reset a router\n\nOpen the admin page and Settings\nHold the reset button for 10 s\nNote: diagram shows it\n\nreboot --now',
    );
  });
});

describe('knowledgeDocumentOf', () => {
  it('turns an article and its linked case texts into the indexed document', () => {
    const doc = knowledgeDocumentOf(
      {
        id: 'kb-1',
        title: ' Reset  a router ',
        body: 'Hold **reset**.',
        category: 'network',
        tags: ['wifi', ' wifi', ''],
        visibility: 'public',
        status: 'published',
      },
      ['My  wifi is dead', 'my wifi is dead', '  ', 'Router blinks red'],
    );
    expect(doc).toEqual({
      id: 'kb-1',
      title: 'Reset a router',
      body: 'Hold reset.',
      category: 'network',
      tags: ['wifi'],
      visibility: 'public',
      status: 'published',
      learned: ['My wifi is dead', 'Router blinks red'],
    });
  });
});

describe('highlight fragments', () => {
  it('marks matched words as written, escapes HTML, and cuts around the matches', () => {
    const text = `${'padding words here '.repeat(20)}<b>Prints</b> print badly when printing & more ${'tail text '.repeat(20)}`;
    const fragment = highlightFragment(text, new Set(['print']))!;
    expect(fragment).toContain('&lt;b&gt;<mark>Prints</mark>&lt;/b&gt; <mark>print</mark> badly when <mark>printing</mark> &amp; more');
    expect(fragment.startsWith('…')).toBe(true);
    expect(fragment.endsWith('…')).toBe(true);
    // 160 characters of the text, counted as a reader sees them.
    expect(fragment.replace(/<\/?mark>/g, '').replace(/&[a-z]+;/g, '&').length).toBeLessThanOrEqual(162);
    expect(highlightFragment('nothing here', new Set(['print']))).toBeUndefined();
  });
});

describe('score fusion', () => {
  it('counts the best few cases with decay and mixes normalised signals', () => {
    expect(neighbourScore([1, 4, 2], { neighbours: 2, neighbourDecay: 0.5 })).toBe(5);
    const fused = fuseScores(
      new Map([
        ['a', 10],
        ['b', 5],
      ]),
      new Map([['b', 2]]),
      0.5,
    );
    expect(fused).toEqual([
      { id: 'b', score: 0.75 },
      { id: 'a', score: 0.5 },
    ]);
  });
});

describe('gram scorer', () => {
  it('scores statements by shared grams, rarer grams counting more, and forgets removed statements', () => {
    const grams = new GramScorer();
    for (const text of ['strikethrough text on github', 'delete my account', 'export my emails', 'account settings']) grams.add(text);
    const score = grams.forQuery('strike through in github');
    expect(score('strikethrough text on github')).toBeGreaterThan(score('export my emails'));
    expect(score('delete my account')).toBe(0);

    const forMail = grams.forQuery('mails');
    const before = forMail('export my emails');
    expect(before).toBeGreaterThan(0);
    grams.add('emails bounce');
    grams.add('emails are slow');
    // "mail" grams are commoner now, so each match says less.
    expect(grams.forQuery('mails')('export my emails')).toBeLessThan(before);
    grams.remove('emails bounce');
    grams.remove('emails are slow');
    expect(grams.forQuery('mails')('export my emails')).toBeCloseTo(before, 10);
  });
});
