/** A string or Buffer goes out as is; anything else as JSON. */
export function encodeValue(value: unknown): Buffer | string {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  return JSON.stringify(value);
}
