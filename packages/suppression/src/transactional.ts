// R-EM-5: the only kinds of message exempt from an email opt-out. A template declares one of these
// to be sent as `kind: 'transactional'`; callers cannot just claim it (DESIGN.md "Check").
import { TransactionalType } from '@sp/contracts';

/**
 * CAN-SPAM (16 CFR 316.3) transactional or relationship messages:
 * - `transaction`: completing or confirming an agreed transaction;
 * - `safety`: warranty, recall, safety or security information;
 * - `account`: notices about an account, subscription or membership (terms, standing, statements);
 * - `employment`: employment relationship or benefit plan;
 * - `delivery`: delivery of goods or services already bought, including updates.
 */
export const TRANSACTIONAL_TYPES: readonly TransactionalType[] = TransactionalType.options;
export { TransactionalType };

export function isTransactionalType(x: unknown): x is TransactionalType {
  return typeof x === 'string' && (TRANSACTIONAL_TYPES as readonly string[]).includes(x);
}
