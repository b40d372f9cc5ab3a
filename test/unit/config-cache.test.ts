/**
 * The one cache of versioned configuration and its one rule: a published version
 * is kept for the container's life, a miss or a failed read is not; what is
 * current is kept for at most the kind's age limit (0: read once per request) and a
 * publish in this container drops that kind's current entries, and only them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cachedCurrent, cachedVersion, forgetCurrent } from '#adapters/config-cache.js';
import { inRequestScope } from '#functions/request-scope.js';

/** A read that counts how often it ran and answers what it is told. */
function reader<T>(answer: () => T | Promise<T>) {
  const read = vi.fn(async () => answer());
  return read;
}

let unique = 0;
const kindName = () => `test-kind-${++unique}`;

afterEach(() => {
  vi.useRealTimers();
});

describe('published versions', () => {
  it('are read once per container, and concurrent readers share the read', async () => {
    const kind = kindName();
    const read = reader(() => ({ id: 'a', version: 1 }));
    const [first, second] = await Promise.all([cachedVersion(kind, 'a', 1, read), cachedVersion(kind, 'a', 1, read)]);
    expect(await cachedVersion(kind, 'a', 1, read)).toEqual({ id: 'a', version: 1 });
    expect(first).toBe(second);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('are told apart by kind, id and version', async () => {
    const kind = kindName();
    const other = kindName();
    const read = reader(() => ({}));
    await cachedVersion(kind, 'a', 1, read);
    await cachedVersion(kind, 'a', 2, read);
    await cachedVersion(kind, 'b', 1, read);
    await cachedVersion(other, 'a', 1, read);
    expect(read).toHaveBeenCalledTimes(4);
  });

  it('are not remembered as missing: a version published later is found', async () => {
    const kind = kindName();
    const table: { stored?: { version: number } } = {};
    const read = reader(() => table.stored);
    expect(await cachedVersion(kind, 'a', 2, read)).toBeUndefined();
    table.stored = { version: 2 };
    expect(await cachedVersion(kind, 'a', 2, read)).toEqual({ version: 2 });
  });

  it('are read again after a failed read', async () => {
    const kind = kindName();
    let fail = true;
    const read = reader(() => {
      if (fail) throw new Error('throttled');
      return { version: 1 };
    });
    await expect(cachedVersion(kind, 'a', 1, read)).rejects.toThrow('throttled');
    fail = false;
    expect(await cachedVersion(kind, 'a', 1, read)).toEqual({ version: 1 });
  });

  it('outlive a publish of their kind', async () => {
    const kind = kindName();
    const read = reader(() => ({ version: 1 }));
    await cachedVersion(kind, 'a', 1, read);
    forgetCurrent(kind);
    await cachedVersion(kind, 'a', 1, read);
    expect(read).toHaveBeenCalledTimes(1);
  });
});

describe('what is current', () => {
  it('is read every time when the kind keeps it for 0 ms', async () => {
    const kind = kindName();
    let version = 1;
    const read = reader(() => version);
    expect(await cachedCurrent(kind, 'a', 0, read)).toBe(1);
    version = 2;
    expect(await cachedCurrent(kind, 'a', 0, read)).toBe(2);
  });

  it('is kept for at most the age limit, then read again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2026-12-03T10:00:00Z'));
    const kind = kindName();
    let version = 1;
    const read = reader(() => version);
    expect(await cachedCurrent(kind, 'a', 10_000, read)).toBe(1);
    version = 2;
    vi.setSystemTime(Date.parse('2026-12-03T10:00:10Z'));
    expect(await cachedCurrent(kind, 'a', 10_000, read)).toBe(1);
    vi.setSystemTime(Date.parse('2026-12-03T10:00:10.001Z'));
    expect(await cachedCurrent(kind, 'a', 10_000, read)).toBe(2);
  });

  it('is dropped by a publish of its kind, and only of its kind', async () => {
    const kind = kindName();
    const other = kindName();
    let version = 1;
    const read = reader(() => version);
    await cachedCurrent(kind, 'a', 60_000, read);
    await cachedCurrent(kind, '*', 60_000, read);
    await cachedCurrent(other, 'a', 60_000, read);
    version = 2;
    forgetCurrent(kind);
    expect(await cachedCurrent(kind, 'a', 60_000, read)).toBe(2);
    expect(await cachedCurrent(kind, '*', 60_000, read)).toBe(2);
    expect(await cachedCurrent(other, 'a', 60_000, read)).toBe(1);
  });

  it('is read again after a failed read', async () => {
    const kind = kindName();
    let fail = true;
    const read = reader(() => {
      if (fail) throw new Error('throttled');
      return 1;
    });
    await expect(cachedCurrent(kind, 'a', 60_000, read)).rejects.toThrow('throttled');
    fail = false;
    expect(await cachedCurrent(kind, 'a', 60_000, read)).toBe(1);
  });
});

describe('read every time (an age limit of 0)', () => {
  const scope = (name: string) => ({ operation: name, correlationId: `c-${name}` });

  it("is read once per request: a request's checks share one answer, the next request reads again", async () => {
    const kind = kindName();
    let version = 1;
    const read = reader(() => ({ version }));
    const inOne = await inRequestScope(scope('one'), async () => [await cachedCurrent(kind, 'a', 0, read), await cachedCurrent(kind, 'a', 0, read)]);
    expect(inOne).toEqual([{ version: 1 }, { version: 1 }]);
    expect(read).toHaveBeenCalledTimes(1);
    version = 2;
    expect(await inRequestScope(scope('two'), () => cachedCurrent(kind, 'a', 0, read))).toEqual({ version: 2 });
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('outside a request, every call reads', async () => {
    const kind = kindName();
    const read = reader(() => 'current');
    await cachedCurrent(kind, 'a', 0, read);
    await cachedCurrent(kind, 'a', 0, read);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('a publish in the request is seen by the rest of that request', async () => {
    const kind = kindName();
    let version = 1;
    const read = reader(() => version);
    const seen = await inRequestScope(scope('publish'), async () => {
      const before = await cachedCurrent(kind, 'a', 0, read);
      version = 2;
      forgetCurrent(kind);
      return [before, await cachedCurrent(kind, 'a', 0, read)];
    });
    expect(seen).toEqual([1, 2]);
  });
});
