/** The shell's user-facing text, in one place (ready for translation). */
export const text = {
  appName: 'Caseway',
  skipToContent: 'Skip to main content',
  signingIn: 'Signing you in…',
  signOut: 'Sign out',
  signedInAs: 'Signed in as',
  mainNav: 'Main',
  nav: {
    myCases: 'My cases',
    newCase: 'Open a case',
    inbox: 'Inbox',
  },
  roles: {
    requester: 'Requester',
    agent: 'Agent',
    supervisor: 'Supervisor',
    admin: 'Administrator',
    integration: 'Integration',
  },
  notFound: 'There is no page here.',
  notFoundDetail: 'The link may be old. Use the navigation above.',
  loading: 'Loading…',
  tryAgain: 'Try again',
  reference: 'Reference',
  errorSupport: 'If this keeps happening, quote this reference to support.',
  shortcutsHelp: 'Keyboard shortcuts',
};
