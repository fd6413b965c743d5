// Typed errors shared by every service (STYLE.md 7): one mapper per transport turns them into
// HTTP statuses or consumer actions; anything else counts as transient until proven otherwise.

/** The input can never succeed as it is: dead-letter it (consumers) or answer 4xx (HTTP). */
export class ValidationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A dependency is down or slow: retry later, do not commit the offset. */
export class TransientError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
