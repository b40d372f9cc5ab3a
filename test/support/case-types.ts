/**
 * A case type made for tests, published through the admin API like any other:
 * plain fields (text, numbers, a tag list with many options) and a small workflow,
 * so tests about storage and concurrency do not depend on the shipped examples.
 */
import type { TestPlatform } from './platform.js';

export const LAB_TYPE = 'lab';

export const labType = {
  typeId: LAB_TYPE,
  name: 'Lab',
  defaultQueue: 'lab',
  fields: [
    { name: 'product', label: 'Product', type: 'text' },
    { name: 'seats', label: 'Seats', type: 'number', integer: true, min: 0 },
    { name: 'tags', label: 'Tags', type: 'multiEnum', options: Array.from({ length: 100 }, (_, n) => ({ value: `t${n}`, label: `Tag ${n}` })) },
    { name: 'note', label: 'Note', type: 'text', sensitivity: 'internal' },
    { name: 'secret', label: 'Secret', type: 'text', sensitivity: 'restricted' },
  ],
  intake: { questions: [{ field: 'product' }, { field: 'seats' }, { field: 'tags' }] },
  workflow: {
    initial: 'open',
    states: [
      { id: 'open', label: 'Open', category: 'active' },
      { id: 'working', label: 'Working', category: 'active' },
      { id: 'parked', label: 'Parked', category: 'waiting' },
      { id: 'done', label: 'Done', category: 'resolved' },
      { id: 'archived', label: 'Archived', category: 'closed', editable: false },
    ],
    transitions: [
      { id: 'start', label: 'Start', from: ['open', 'parked'], to: 'working' },
      { id: 'park', label: 'Park', from: ['open', 'working'], to: 'parked' },
      { id: 'finish', label: 'Finish', from: ['working'], to: 'done', guards: [{ kind: 'noOpenMandatoryTasks' }] },
      { id: 'archive', label: 'Archive', from: ['done'], to: 'archived' },
      { id: 'reopen', label: 'Reopen', from: ['done', 'archived'], to: 'open', reopen: true },
    ],
  },
};

/** Publish the lab type (once per platform; a second call finds it there). */
export async function ensureLabType(platform: TestPlatform): Promise<void> {
  const response = await platform.fetchAs('admin', '/case-types', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(labType),
  });
  if (response.status !== 201 && response.status !== 409)
    throw new Error(`could not publish the lab type: ${response.status} ${await response.text()}`);
}
