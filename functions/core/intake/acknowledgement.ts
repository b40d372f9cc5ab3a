/**
 * The words of the automatic acknowledgement: the case number, and the expected
 * response time when the case's SLA runs a first-response clock (contract 4).
 * Without one the message promises nothing rather than invent a target.
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

export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
}

/** A target as a person reads it, in UTC so it means the same to everyone who reads the mail. */
const spokenTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export function renderAck(template: string, data: AckData): RenderedMessage {
  const hello = `Hello${data.requesterName ? ` ${data.requesterName}` : ''},`;
  const target = data.firstResponseDueAt
    ? `We aim to respond by ${spokenTime(data.firstResponseDueAt)}.`
    : 'This case has no response-time target, but it is in our queue and we will answer as soon as we can.';
  if (template === DUPLICATE_TEMPLATE) {
    return {
      subject: `[${data.caseId}] We already have your request: ${data.subject}`,
      text: [hello, '', `Your message looks like a request you sent us shortly before, so we added it to your open case ${data.caseId} instead of opening a new one.`, target, '', `Reply to this email to add to case ${data.caseId}.`].join('\n'),
    };
  }
  return {
    subject: `[${data.caseId}] We received your request: ${data.subject}`,
    text: [hello, '', `Thank you for contacting us. Your case number is ${data.caseId}.`, target, '', `Reply to this email to add to case ${data.caseId}.`].join('\n'),
  };
}
