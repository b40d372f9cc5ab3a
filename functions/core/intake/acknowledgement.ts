/**
 * What the automatic acknowledgement says: the case number, and the expected
 * response time when the case's SLA runs a first-response clock. Without one the
 * message promises nothing rather than invent a target. The wording around it is
 * a template like any other (`core/templates.ts`), sent through the notifier.
 */

export const ACK_TEMPLATE = 'intake-acknowledgement';
export const DUPLICATE_TEMPLATE = 'intake-duplicate';

export interface AckData {
  readonly caseId: string;
  readonly subject: string;
  readonly requesterName?: string;
  /** ISO instant of the first-response target, or null when the case has none. */
  readonly firstResponseDueAt: string | null;
  /** Set for a message that was recognised as a repeat of this case. */
  readonly duplicate?: { readonly score: number };
}

/** A target as a person reads it, in UTC so it means the same to everyone who reads the mail. */
const spokenTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The template and the values it shows. */
export function acknowledgementOf(data: AckData): { template: string; view: Record<string, unknown> } {
  const target = data.firstResponseDueAt
    ? `We aim to respond by ${spokenTime(data.firstResponseDueAt)}.`
    : 'This case has no response-time target, but it is in our queue and we will answer as soon as we can.';
  return {
    template: data.duplicate ? DUPLICATE_TEMPLATE : ACK_TEMPLATE,
    view: {
      subject: data.subject,
      ...(data.requesterName ? { requesterName: data.requesterName } : {}),
      target,
      ...(data.duplicate ? { score: data.duplicate.score } : {}),
    },
  };
}
