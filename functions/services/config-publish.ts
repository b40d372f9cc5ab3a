/**
 * The one publish use case of versioned configuration. Every kind goes through
 * the same steps, in the same order (so a request with several faults is refused
 * for the same one whatever the kind):
 *
 * 1. who may publish (403);
 * 2. the input alone, with the kind's pure validator (422), before anything is read;
 * 3. the version in force, read fresh (404 where the kind needs one; a create reads
 *    nothing and learns at the write that the id is taken: 409);
 * 4. `If-Match` against it (412, with `currentVersion`);
 * 5. the input against the version it replaces (422 or 403: a case type's migration
 *    and access rule, a policy's calendar);
 * 6. the draft: the input stamped with its id, the next version, who and when (the
 *    record of each publish is its own immutable version item);
 * 7. one conditional write; losing a race to another publisher is 412.
 *
 * The store drops the kind's cached current entries in this container once written.
 */
import type { Caller } from '#core/caller.js';
import type { ChangeContext } from '#core/audit-event.js';
import { conflict, notFound, preconditionFailed } from '#core/errors.js';
import type { ConfigStore } from '#adapters/dynamodb/config-store.js';

export interface Publishing<T extends { readonly version: number }, Input> {
  readonly store: ConfigStore<T, unknown>;
  /** Throws Forbidden unless `caller` may publish this kind. */
  readonly authorise: (caller: Caller) => void;
  /** Throws ValidationFailed if the input is not well formed on its own. */
  readonly checkInput?: (input: Input, id: string) => void;
  /** Throws if the input may not follow `previous` (none: the first version). */
  readonly checkAgainst?: (input: Input, previous: T | undefined, ctx: ChangeContext) => void | Promise<void>;
  /** The version to write. */
  readonly draft: (input: Input, id: string, version: number, previous: T | undefined, ctx: ChangeContext) => T;
  /** What the refusals say. */
  readonly says: {
    readonly exists?: (id: string) => string;
    readonly missing?: (id: string) => string;
    readonly notAt: (id: string, current: number, ifMatch: number) => string;
    readonly raced: (id: string) => string;
  };
}

/** `create`: version 1, 409 if the id exists; `next`: a new version of one that exists (404 if not); `upsert`: either. */
export type PublishMode = 'create' | 'next' | 'upsert';

export interface Published<T> {
  readonly published: T;
  /** The version it replaced. */
  readonly previous: T | undefined;
}

export async function publishConfig<T extends { readonly version: number }, Input>(
  kind: Publishing<T, Input>,
  id: string,
  input: Input,
  mode: PublishMode,
  ifMatch: number | undefined,
  ctx: ChangeContext,
): Promise<Published<T>> {
  kind.authorise(ctx.caller);
  kind.checkInput?.(input, id);
  const previous = mode === 'create' ? undefined : await kind.store.current(id, 'fresh');
  if (mode === 'next' && !previous) throw notFound(kind.says.missing!(id));
  const at = previous?.version ?? 0;
  if (ifMatch !== undefined && ifMatch !== at) throw preconditionFailed(kind.says.notAt(id, at, ifMatch), { currentVersion: at });
  await kind.checkAgainst?.(input, previous, ctx);
  const published = kind.draft(input, id, at + 1, previous, ctx);
  if ((await kind.store.publish(published)) === 'stale')
    throw mode === 'create' ? conflict(kind.says.exists!(id)) : preconditionFailed(kind.says.raced(id));
  return { published, previous };
}

/** Who and when, as every version records them. */
export const publishedBy = (ctx: ChangeContext) => ({ publishedAt: ctx.now, publishedBy: ctx.caller.sub });
