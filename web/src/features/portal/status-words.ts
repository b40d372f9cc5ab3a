/**
 * A case's status as a requester would say it: the workflow state's category (which every
 * case type declares for each state) in plain words, and the type's own label for the state.
 */
import type { Case, CaseType } from '../../api/types';
import { text } from './text';

export function statusWords(
  kase: Pick<Case, 'status' | 'statusCategory'>,
  type: CaseType | undefined,
): { words: string; label: string | undefined; explained: string } {
  const category = kase.statusCategory ?? 'active';
  const label = type?.workflow?.states.find((state) => state.id === kase.status)?.label;
  return { words: text.status[category], label, explained: text.statusExplained[category] };
}
