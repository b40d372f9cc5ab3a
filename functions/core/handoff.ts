/**
 * The handoff brief: when a case moves to another queue or owner, whoever
 * receives it gets a short, structured account built from the case itself (what
 * is asked), its recent history and comments (what was tried) and its open work
 * (what is pending). Pure: the service supplies the recent items.
 *
 * Every staff member who can read the case can read its brief, whatever their
 * clearance, so a brief is built only from what all staff may read: restricted
 * fields, and restricted values in the history, never enter it.
 */
import type { Case, HandoffBrief } from './case.js';
import type { AuditEvent } from './audit-event.js';
import type { Comment } from './comment.js';
import { fieldOf, stateOf, type CaseType } from './case-type.js';
import { isOpenTask, type Task } from './task.js';

/** What the service reads for a brief: the latest events and comments (oldest first) and the case's tasks. */
export interface HandoffSource {
  readonly events: readonly AuditEvent[];
  readonly comments: readonly Comment[];
  readonly tasks: readonly Task[];
}

/** How many lines each part keeps: a brief is read in a minute, not scrolled. */
export const BRIEF_LINES = 10;
const TEXT = 280;

const clip = (text: string, max = TEXT) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};
const day = (iso: string) => iso.slice(0, 10);
const who = (actor: { sub: string; name?: string }) => actor.name ?? actor.sub;
const show = (value: unknown) => (Array.isArray(value) ? value.join(', ') : String(value));

/** Custom fields every staff reader may see, labelled, in the order the type defines them. */
function readableFacts(type: CaseType, fields: Case['fields']): string[] {
  return type.fields
    .filter((f) => f.sensitivity !== 'restricted' && fields[f.name] !== undefined)
    .map((f) => `${f.label ?? f.name}: ${show(fields[f.name])}`);
}

function stateLabel(type: CaseType, id: string): string {
  return stateOf(type, id)?.label ?? id;
}

/** One line of what was done, from one audit event; undefined for events that say nothing to a successor. */
function triedLine(event: AuditEvent, type: CaseType): string | undefined {
  const by = `${day(event.at)} ${who(event.actor)}`;
  const because = event.reason ? `: ${clip(event.reason, 160)}` : '';
  switch (event.action) {
    case 'Transitioned':
      return event.transition
        ? `${by} moved it from ${stateLabel(type, event.transition.from)} to ${stateLabel(type, event.transition.to)}${because}`
        : undefined;
    case 'CaseUpdated': {
      // The score travels with the band: naming the band is enough for a reader.
      const visible = event.changes
        .filter((c) => c.sensitivity !== 'restricted' && c.field !== 'priorityScore')
        .map((c) => (c.field.startsWith('fields.') ? (fieldOf(type, c.field.slice(7))?.label ?? c.field.slice(7)) : c.field));
      return visible.length ? `${by} changed ${visible.join(', ')}${because}` : undefined;
    }
    case 'TaskUpdated': {
      const done = event.changes.find((c) => c.field === 'task.status' && c.after === 'done');
      return done && event.target ? `${by} completed task ${event.target.id}` : undefined;
    }
    case 'CaseLinked':
      return event.target ? `${by} linked ${event.target.id}${because}` : undefined;
    case 'MergeReceived':
      return event.target ? `${by} merged ${event.target.id} into it${because}` : undefined;
    default:
      return undefined;
  }
}

export interface HandoffInput {
  readonly before: Pick<Case, 'queue' | 'owner'>;
  readonly after: Case;
  readonly type: CaseType;
  readonly source: HandoffSource;
  readonly now: string;
}

/** The brief for a case that moves from `before`'s queue and owner to `after`'s. */
export function buildHandoff({ before, after, type, source, now }: HandoffInput): HandoffBrief {
  const facts = readableFacts(type, after.fields);
  const asked = clip(`${after.subject}. ${after.description}${facts.length ? ` (${facts.join('; ')})` : ''}`, 1000);

  const events = source.events.slice(-50);
  const fromEvents = events.map((e) => ({ at: e.at, line: triedLine(e, type), eventId: e.eventId })).filter((e) => e.line !== undefined);
  const staffNotes = source.comments
    .filter((c) => c.author.sub !== after.requester.id)
    .map((c) => ({
      at: c.createdAt,
      line: `${day(c.createdAt)} ${who(c.author)} wrote${c.visibility === 'internal' ? ' (internal)' : ''}: ${clip(c.body, 200)}`,
      eventId: undefined,
    }));
  const tried = [...fromEvents, ...staffNotes]
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
    .slice(-BRIEF_LINES)
    .map((t) => t.line!);

  const pending: string[] = [];
  const state = stateOf(type, after.status);
  if (after.statusCategory === 'waiting') pending.push(`The case is waiting: ${state?.label ?? after.status}.`);
  const lastComment = source.comments.at(-1);
  if (lastComment && lastComment.author.sub === after.requester.id) {
    pending.push(`Answer the requester's latest message (${day(lastComment.createdAt)}): ${clip(lastComment.body, 200)}`);
  }
  for (const task of source.tasks.filter(isOpenTask)) {
    const details = [
      task.mandatory ? 'mandatory' : undefined,
      task.assignee ? `assigned to ${task.assignee}` : 'unassigned',
      task.dueAt ? `due ${day(task.dueAt)}` : undefined,
    ].filter(Boolean);
    pending.push(`Task: ${clip(task.title, 160)} (${details.join(', ')})`);
  }

  return {
    generatedAt: now,
    generatedFrom: fromEvents.map((e) => e.eventId),
    from: { queue: before.queue, owner: before.owner },
    to: { queue: after.queue, owner: after.owner },
    asked,
    tried,
    pending: pending.slice(0, BRIEF_LINES),
  };
}

/** Whether a change hands the case to someone else: a new queue or a new owner. */
export const handsOver = (before: Pick<Case, 'queue' | 'owner'>, after: Pick<Case, 'queue' | 'owner'>): boolean =>
  before.queue !== after.queue || before.owner !== after.owner;

export interface HandoffEdit {
  readonly asked: string;
  readonly tried: readonly string[];
  readonly pending: readonly string[];
}
