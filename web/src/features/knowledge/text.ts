/** Knowledge suggestions' user-facing text, in one place (ready for translation). */
export const text = {
  title: 'These articles might answer it',
  intro: 'While you write, we look for articles that may already solve it.',
  read: 'Read',
  hide: 'Hide',
  solved: 'This solved it',
  solvedThanks: 'Glad that helped. You do not need to open a case.',
  backToMyCases: 'Back to my cases',
  none: 'No articles match yet.',
};
