import { describe, expect, it } from 'vitest';
import { InMemorySearchIndex } from '../../functions/adapters/search.js';
import { LocalTimerStarter, type TimerRequest } from '../../functions/adapters/timers.js';

describe('local timers', () => {
  it('fire once per name, and never after stop', async () => {
    const fired: string[] = [];
    const timers = new LocalTimerStarter((t: TimerRequest) => void fired.push(t.name));
    const soon = () => new Date(Date.now() + 5);
    await timers.start({ name: 'a', fireAt: soon(), input: {} });
    await timers.start({ name: 'a', fireAt: soon(), input: {} });
    await timers.start({ name: 'b', fireAt: soon(), input: {} });
    await timers.stop('b');
    expect(timers.running()).toEqual(['a']);
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toEqual(['a']);
    expect(timers.running()).toEqual([]);
  });
});

describe('in-memory search index', () => {
  it('ranks by weighted term matches and says which terms matched', async () => {
    const index = new InMemorySearchIndex();
    await index.upsert([
      { id: 'reset', title: 'Reset your password', body: 'Use the forgot password link.' },
      { id: 'card', title: 'Card declined', body: 'Your card may be blocked; check the password of your banking app.' },
      { id: 'other', title: 'Opening hours', body: 'We are open daily.' },
    ]);
    const hits = await index.search('forgot password', 5);
    expect(hits.map((h) => h.id)).toEqual(['reset', 'card']);
    expect(hits[0]!.matchedTerms).toEqual(['forgot', 'password']);
    await index.remove(['reset']);
    expect((await index.search('forgot', 5)).map((h) => h.id)).toEqual([]);
  });
});
