/** The intake form's user-facing text, in one place (ready for translation). */
export const text = {
  title: 'Open a case',
  intro: 'Tell us what you need. Fields marked * are required.',
  caseType: 'What is it about?',
  subject: 'Subject',
  subjectHelp: 'A short summary, e.g. "Cannot sign in on the mobile app".',
  description: 'Describe it',
  descriptionHelp: 'What happened, what you expected, and what you have tried.',
  required: 'required',
  choose: 'Choose…',
  yes: 'Yes',
  no: 'No',
  submit: 'Open the case',
  submitting: 'Opening…',
  fixErrors: 'Some answers need a change: see the messages at the fields.',
  noTypes: 'There is nothing you can open a case for yet.',
};
