/**
 * Errors that the person running the platform can fix themselves (install Java,
 * free a port, ...). Their message says what to do, so `npm start` prints the
 * message alone instead of a stack trace.
 */
export class SetupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SetupError';
  }
}
