/**
 * Message templates, as data: a subject and a plain-text body per template id, in
 * Mustache (logic-less: a template can show values, never run code). Case types
 * name these ids in their `notify` effects. Values are never HTML-escaped in text
 * mail (there is no HTML to break); the HTML part escapes every value.
 *
 * Every subject carries `[{caseId}]`, so a reply threads to its case even when a
 * mail client drops the In-Reply-To header.
 */
import Mustache from 'mustache';

export interface MessageTemplate {
  readonly subject: string;
  readonly text: string;
}

export const TEMPLATES: Readonly<Record<string, MessageTemplate>> = {
  'waiting-on-you': {
    subject: 'We need something from you: {{subject}}',
    text: 'Hello {{requesterName}},\n\nWe are waiting on you to continue with your case {{caseId}} ("{{subject}}").\nReply to this email to answer; it will be added to your case.\n\nThank you.',
  },
  'documents-needed': {
    subject: 'Documents needed: {{subject}}',
    text: 'Hello {{requesterName}},\n\nTo go on with your case {{caseId}} ("{{subject}}") we need further documents from you.\nReply to this email with them attached.\n\nThank you.',
  },
  'customer-replied': {
    subject: 'The requester replied: {{subject}}',
    text: 'The requester of case {{caseId}} ("{{subject}}") has replied; the case is back in review.',
  },
  resolved: {
    subject: 'Resolved: {{subject}}',
    text: 'Hello {{requesterName}},\n\nYour case {{caseId}} ("{{subject}}") has been resolved.\nIf it is not, reply to this email and we will reopen it.',
  },
  reopened: {
    subject: 'Reopened: {{subject}}',
    text: 'Case {{caseId}} ("{{subject}}") was reopened.',
  },
  'claim-rejected': {
    subject: 'Your claim: {{subject}}',
    text: 'Hello {{requesterName}},\n\nWe are sorry: your claim {{caseId}} ("{{subject}}") was not accepted.{{#reason}}\nReason: {{reason}}{{/reason}}\nYou may appeal by replying to this email.',
  },
  'claim-paid': {
    subject: 'Your claim was paid: {{subject}}',
    text: 'Hello {{requesterName}},\n\nYour claim {{caseId}} ("{{subject}}") has been paid.',
  },
  'appeal-received': {
    subject: 'Appeal received: {{subject}}',
    text: 'An appeal was received on case {{caseId}} ("{{subject}}").',
  },
  referred: {
    subject: 'Case referred: {{subject}}',
    text: 'Case {{caseId}} ("{{subject}}") was referred to law enforcement.',
  },
  // Intake's acknowledgements: `target` is the sentence about the response time (core/intake/acknowledgement.ts).
  'intake-acknowledgement': {
    subject: 'We received your request: {{subject}}',
    text: 'Hello {{requesterName}},\n\nThank you for contacting us. Your case number is {{caseId}}.\n{{target}}\n\nReply to this email to add to case {{caseId}}.',
  },
  'intake-duplicate': {
    subject: 'We already have your request: {{subject}}',
    text: 'Hello {{requesterName}},\n\nYour message looks like a request you sent us shortly before, so we added it to your open case {{caseId}} instead of opening a new one.\n{{target}}\n\nReply to this email to add to case {{caseId}}.',
  },
};

/** For a template id no one has written yet: the message still goes, and says what happened. */
export const FALLBACK_TEMPLATE: MessageTemplate = {
  subject: 'Update on {{subject}}',
  text: 'Hello {{requesterName}},\n\nThere is an update on your case {{caseId}} ("{{subject}}"): {{template}}.',
};

export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** False when the template id was unknown and the fallback was used. */
  readonly known: boolean;
}

const noEscape = { escape: (value: unknown) => String(value) };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Render a template for a case; `data` values are shown, never interpreted. */
export function renderMessage(
  templateId: string,
  caseId: string,
  data: Readonly<Record<string, unknown>>,
  templates: Readonly<Record<string, MessageTemplate>> = TEMPLATES,
): RenderedMessage {
  const known = Object.hasOwn(templates, templateId);
  const template = known ? templates[templateId]! : FALLBACK_TEMPLATE;
  const view = { requesterName: 'there', subject: caseId, ...data, caseId, template: templateId };
  // One line: a header cannot carry a line break (header injection).
  const subjectLine = Mustache.render(template.subject, view, {}, noEscape)
    .replace(/[\r\n]+/g, ' ')
    .trim();
  const subject = subjectLine.includes(`[${caseId}]`) ? subjectLine : `[${caseId}] ${subjectLine}`;
  const text = Mustache.render(template.text, view, {}, noEscape);
  const html = `<!doctype html><html><body>${text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('')}</body></html>`;
  return { subject, text, html, known };
}
