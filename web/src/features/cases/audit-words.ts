/**
 * Every audit event of a case in words a case worker reads: who was made owner (by name where
 * the console knows the agent), which task was completed, which file was attached and how big,
 * which case this one is now related to. Pure: the event and what the console already knows
 * (the case type, the agents, the tasks, the articles) in, lines out. A line is words with two
 * kinds of hole the timeline fills: another case (drawn as a link to it) and an instant (drawn
 * in the viewer's locale and time zone). Nothing here ever prints an object: a value the words
 * do not cover is named, never dumped as JSON.
 */
import { text } from './text.js';

const words = text.story;

/** A piece of a line: words, another case (a link), or an instant (the viewer's time). */
export type Part = string | { readonly case: string } | { readonly at: string };
export type Line = readonly Part[];

/** The parts of the API's AuditEvent read here (pure, so no import of the generated schema). */
export interface AuditEventLike {
  readonly action: string;
  readonly changes: readonly { readonly field: string; readonly before?: unknown; readonly after?: unknown }[];
  readonly target?: { readonly kind: string; readonly id: string };
  readonly transition?: { readonly from: string; readonly to: string; readonly reopen: boolean };
  readonly reason?: string;
  readonly routing?: { readonly step: string };
  readonly automation?: unknown;
  readonly visibility?: string;
  readonly handoff?: unknown;
}

/** The parts of a case type read here: labels of its fields, their options, and its states. */
export interface CaseTypeLike {
  readonly fields: readonly {
    readonly name: string;
    readonly label: string;
    readonly type: string;
    readonly options?: readonly { readonly value: string; readonly label: string }[];
  }[];
  readonly workflow?: { readonly states: readonly { readonly id: string; readonly label: string }[] };
}

/** What the console already knows that turns ids into names; every part optional (an id shows then). */
export interface Known {
  readonly type?: CaseTypeLike;
  /** Agent id to display name. */
  readonly agents?: ReadonlyMap<string, string>;
  /** Task id to title. */
  readonly tasks?: ReadonlyMap<string, string>;
  /** Article id to title. */
  readonly articles?: ReadonlyMap<string, string>;
}

export interface EventWords {
  readonly lines: readonly Line[];
  /** The reason to quote under the lines; left out where the lines already say it. */
  readonly reason?: string;
}

const REDACTED = '[redacted]';
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const MAX_VALUE = 80;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isEmpty = (value: unknown) => value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
const clip = (s: string) => (s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** "5.1 kB" in the viewer's locale. */
export function fileSize(bytes: number): string {
  const units = [
    ['byte', 1],
    ['kilobyte', 1024],
    ['megabyte', 1024 ** 2],
    ['gigabyte', 1024 ** 3],
  ] as const;
  const [unit, size] = [...units].reverse().find(([, n]) => bytes >= n) ?? units[0];
  return new Intl.NumberFormat(undefined, { style: 'unit', unit, unitDisplay: unit === 'byte' ? 'long' : 'short', maximumFractionDigits: 1 }).format(
    bytes / size,
  );
}

/** A plain value as one part: an instant stays an instant, an object is named by its name or title, never printed. */
function valuePart(value: unknown): Part {
  if (isEmpty(value)) return words.empty;
  if (value === REDACTED) return words.hidden;
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return ISO_INSTANT.test(value) ? { at: value } : clip(value);
  if (Array.isArray(value)) return clip(value.map((v) => plain([valuePart(v)], (iso) => iso)).join(', '));
  if (isRecord(value)) {
    const named = str(value.name) ?? str(value.title) ?? str(value.label) ?? str(value.id);
    return named ? clip(named) : words.details;
  }
  return words.details;
}

const agentName = (id: unknown, known: Known): string => (typeof id === 'string' ? (known.agents?.get(id) ?? id) : words.unassigned);
const stateLabel = (id: string, known: Known) => known.type?.workflow?.states.find((s) => s.id === id)?.label ?? id;

/** A field's label (the case type's for a custom field) and its values in words. */
function fieldWords(field: string, known: Known): { label: string; value: (v: unknown) => Part } {
  if (field.startsWith('fields.')) {
    const name = field.slice('fields.'.length);
    const def = known.type?.fields.find((f) => f.name === name);
    const option = (v: unknown) => (typeof v === 'string' ? (def?.options?.find((o) => o.value === v)?.label ?? v) : v);
    return {
      label: def?.label ?? name,
      value: (v) => (Array.isArray(v) ? valuePart(v.map(option)) : valuePart(option(v))),
    };
  }
  const label = words.labels[field] ?? field;
  switch (field) {
    case 'owner':
      return { label, value: (v) => agentName(v, known) };
    case 'status':
      return { label, value: (v) => (typeof v === 'string' ? stateLabel(v, known) : valuePart(v)) };
    case 'priority':
      return { label, value: (v) => (typeof v === 'string' ? (words.priorities[v] ?? v) : valuePart(v)) };
    case 'priorityScore':
      return {
        label,
        value: (v) =>
          isRecord(v) && typeof v.score === 'number' ? words.score(v.score, words.priorities[String(v.band)] ?? String(v.band)) : valuePart(v),
      };
    case 'parentId':
    case 'mergedInto':
    case 'merged':
      return { label, value: (v) => (typeof v === 'string' ? { case: v } : valuePart(v)) };
    default:
      return { label, value: valuePart };
  }
}

/** One field change as a line: set, cleared, or before → after. */
export function changeLine(change: AuditEventLike['changes'][number], known: Known): Line {
  if (change.field === 'description') return [words.descriptionEdited];
  const { label, value } = fieldWords(change.field, known);
  const { before, after } = change;
  if (before === REDACTED || after === REDACTED) return [words.changed(label), ` ${words.hidden}`];
  if (isEmpty(before) && !isEmpty(after)) return [`${label} set to `, value(after)];
  if (!isEmpty(before) && isEmpty(after)) return [`${label} cleared (was `, value(before), ')'];
  return [`${label}: `, value(before), ' → ', value(after)];
}

/** Changes the lines around them already say, or that say nothing to a case worker. */
const IMPLIED = new Set(['status', 'statusCategory', 'reopenCount', 'resolvedAt', 'typeVersion', 'parentId', 'links']);

function changeLines(event: AuditEventLike, known: Known, skip: ReadonlySet<string> = new Set()): Line[] {
  return event.changes.filter((c) => !skip.has(c.field)).map((c) => changeLine(c, known));
}

function taskLines(event: AuditEventLike, known: Known): Line[] {
  const id = event.target?.id;
  const renamed = event.changes.find((c) => c.field === 'task.title');
  const title = known.tasks?.get(id ?? '') ?? str(renamed?.after) ?? words.task.unknown;
  const t = words.task;
  if (event.action === 'TaskAdded') {
    const task = event.changes.find((c) => c.field === 'task')?.after;
    const named = isRecord(task) ? (str(task.title) ?? title) : title;
    const details: Part[] = [];
    const add = (...parts: Part[]) => details.push(...(details.length ? ['; '] : []), ...parts);
    if (isRecord(task)) {
      if (task.mandatory === true) add(t.mandatory);
      if (typeof task.assignee === 'string') add(t.assignedTo(agentName(task.assignee, known)));
      if (typeof task.dueAt === 'string') add(`${t.due} `, { at: task.dueAt });
    }
    return [[t.added(named), ...(details.length ? [' (', ...details, ')'] : [])]];
  }
  return event.changes.map((c): Line => {
    switch (c.field) {
      case 'task.status':
        if (c.after === 'done') return [t.done(title)];
        if (c.after === 'cancelled') return [t.cancelled(title)];
        if (c.after === 'in_progress') return [t.started(title)];
        return [t.reopened(title)];
      case 'task.assignee':
        return [typeof c.after === 'string' ? t.assigned(title, agentName(c.after, known)) : t.unassigned(title)];
      case 'task.dueAt':
        return typeof c.after === 'string' ? [`${t.dueNow(title)} `, { at: c.after }] : [t.noDue(title)];
      case 'task.title':
        return [t.renamed(String(valuePart(c.before)), String(valuePart(c.after)))];
      case 'task.description':
        return [t.described(title)];
      case 'task.mandatory':
        return [c.after === true ? t.madeMandatory(title) : t.madeOptional(title)];
      case 'task.checklist': {
        const items = Array.isArray(c.after) ? c.after : [];
        return [t.checklist(title, items.filter((i) => isRecord(i) && i.done === true).length, items.length)];
      }
      default:
        return changeLine(c, known);
    }
  });
}

function attachmentLines(event: AuditEventLike): Line[] {
  const after = event.changes.find((c) => c.field === 'attachment')?.after;
  const file = isRecord(after) ? after : {};
  const name = str(file.name) ?? words.file.unknown;
  const size = typeof file.size === 'number' ? fileSize(file.size) : words.empty;
  const visibility = str(file.visibility) ?? event.visibility;
  const shown = visibility === 'internal' ? words.file.internal : visibility === 'public' ? words.file.public : undefined;
  const head =
    event.action === 'AttachmentVersionAdded' && typeof file.latestVersion === 'number'
      ? words.file.version(name, String(file.latestVersion), size)
      : words.file.added(name, size);
  return [[shown ? `${head}, ${shown}` : head]];
}

function linkLines(event: AuditEventLike): Line[] {
  const change = event.changes.find((c) => c.field === 'links');
  const link = isRecord(change?.after) ? change.after : isRecord(change?.before) ? change.before : {};
  const other = event.target?.id ?? str(link.targetId);
  const kind = words.link.kinds[String(link.kind)] ?? words.link.other;
  const said = event.action === 'CaseUnlinked' ? words.link.unlinked(kind) : words.link.linked(kind);
  return [other ? [`${said} `, { case: other }] : [said]];
}

function mergeLines(event: AuditEventLike): Line[] {
  const other = event.target?.id ?? str(event.changes.find((c) => c.field === 'mergedInto' || c.field === 'merged')?.after);
  if (event.action === 'MergeReceived') return [other ? [{ case: other }, ` ${words.mergeReceived}`] : [words.mergeReceived]];
  const lines: Line[] = [other ? [`${words.mergedInto} `, { case: other }, words.mergedClosed] : [words.mergedInto]];
  const cancelled = event.changes.find((c) => c.field === 'tasks.cancelled')?.after;
  if (Array.isArray(cancelled) && cancelled.length > 0) lines.push([words.tasksCancelled(cancelled.length)]);
  return lines;
}

function handoffEditedLines(event: AuditEventLike): Line[] {
  const change = event.changes.find((c) => c.field === 'handoff');
  const before = isRecord(change?.before) ? change.before : {};
  const after = isRecord(change?.after) ? change.after : {};
  const parts = Object.keys(words.handoffParts).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  return [[words.handoffEdited(parts.map((k) => words.handoffParts[k]).join(', '))]];
}

function duplicateLines(event: AuditEventLike): Line[] {
  const evidence = event.changes.find((c) => c.field === 'intake.duplicate')?.after;
  const e = isRecord(evidence) ? evidence : {};
  const lines: Line[] = [[words.duplicate(str(e.channel) ?? words.empty)]];
  if (typeof e.score === 'number' && typeof e.threshold === 'number') lines.push([words.similarity(e.score.toFixed(2), e.threshold.toFixed(2))]);
  return lines;
}

/** "SomethingHappened" → "Something happened": an action the console has no words for yet. */
const spaced = (action: string) => action.replace(/([a-z])([A-Z])/g, (_m, a: string, b: string) => `${a} ${b.toLowerCase()}`);

/** The event in words; the SLA events have their own reading (sla-events.ts) and come here only without their state. */
export function eventWords(event: AuditEventLike, known: Known = {}): EventWords {
  const reason = event.reason || undefined;
  switch (event.action) {
    case 'CaseCreated': {
      const parent = str(event.changes.find((c) => c.field === 'parentId')?.after);
      return { lines: [parent ? [`${words.openedAsChild} `, { case: parent }] : [words.opened]], reason };
    }
    case 'CaseUpdated':
      return { lines: [...changeLines(event, known), ...(event.handoff ? [[words.handoffWritten]] : [])], reason };
    case 'Transitioned': {
      const t = event.transition;
      const head: Line[] = t ? [[(t.reopen ? words.reopened : words.moved)(stateLabel(t.from, known), stateLabel(t.to, known))]] : [];
      return {
        lines: [
          ...head,
          ...changeLines(event, known, IMPLIED),
          ...(event.automation ? [[words.byWorkflow]] : []),
          ...(event.handoff ? [[words.handoffWritten]] : []),
        ],
        reason,
      };
    }
    case 'TypeMigrated': {
      const version = event.changes.find((c) => c.field === 'typeVersion')?.after;
      const status = event.changes.find((c) => c.field === 'status');
      return { lines: [[words.migrated(String(version ?? '?'))], ...(status ? [changeLine(status, known)] : [])], reason };
    }
    case 'CommentAdded':
      return { lines: [[words.commented]], reason };
    case 'TaskAdded':
    case 'TaskUpdated':
      return { lines: taskLines(event, known), reason };
    case 'AttachmentAdded':
    case 'AttachmentVersionAdded':
      return { lines: attachmentLines(event), reason };
    case 'CaseLinked':
    case 'CaseUnlinked':
      return { lines: linkLines(event), reason };
    case 'CaseMerged':
    case 'MergeReceived':
      return { lines: mergeLines(event), reason };
    case 'HandoffEdited':
      return { lines: handoffEditedLines(event), reason };
    case 'ArticleLinked': {
      const id = event.target?.id ?? str(event.changes.find((c) => c.field === 'articles')?.after) ?? '';
      return { lines: [[words.article(known.articles?.get(id) ?? id)]], reason };
    }
    case 'DuplicateIntake':
      // The reason restates the evidence the lines give.
      return { lines: duplicateLines(event) };
    case 'RoutingDecided': {
      const step = event.routing?.step ?? '';
      return { lines: [[words.routing[step] ?? words.routingStep(step)], ...changeLines(event, known)], reason };
    }
    default:
      if (event.action.startsWith('Sla')) return { lines: [[words.slaChecked]], reason };
      return { lines: [[words.generic(spaced(event.action))], ...changeLines(event, known)], reason };
  }
}

/** One item of a record shown in full (routing's why): a label and a value in words, or the items inside it. */
export interface Fact {
  readonly label: string;
  readonly value?: Part;
  readonly facts?: readonly Fact[];
}

const humanKey = (key: string) => {
  const said = spaced(key).replace(/_/g, ' ');
  return said.charAt(0).toUpperCase() + said.slice(1);
};

function factOf(label: string, value: unknown): Fact {
  if (Array.isArray(value) && value.some((v) => isRecord(v) || Array.isArray(v)))
    return { label, facts: value.map((v, i) => factOf(String(i + 1), v)) };
  if (isRecord(value)) return { label, facts: factsOf(value) };
  return { label, value: valuePart(value) };
}

/** A record (routing's why: the rules that fired, the facts they saw) as labelled items, nested, never as JSON. */
export function factsOf(record: Readonly<Record<string, unknown>>): Fact[] {
  // The step first, as the summary it is; the rest in the record's order.
  const entries = Object.entries(record).sort(([a], [b]) => Number(b === 'step') - Number(a === 'step'));
  return entries.map(([key, value]) => factOf(humanKey(key), value));
}

/** A line as plain text, instants through `time` (the timeline draws them as <time>, cases as links). */
export function plain(line: Line, time: (iso: string) => string): string {
  return line.map((part) => (typeof part === 'string' ? part : 'case' in part ? part.case : time(part.at))).join('');
}
