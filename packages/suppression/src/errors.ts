import { ValidationError } from '@sp/contracts';

/** A ValidationError that names the event and the field (the batch commits nothing). */
export function invalid(eventId: string, field: string, message: string): ValidationError {
  const err = new ValidationError(`event ${eventId}: ${field}: ${message}`);
  Object.assign(err, { eventId, field });
  return err;
}
