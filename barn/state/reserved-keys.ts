// Keys under `/barn/` belong to Barn itself (the member book: `/barn/members/<id>`, written by the apply
// transaction of a configuration change). Clients may read them but not write them: a client write that puts,
// deletes or range-deletes anything under the reserved prefix is refused before it is proposed, with
// BARN_RESERVED_KEY. Compares (reads inside a txn) are allowed. Pure.
import type { Command, Op } from './commands.ts';
import { stateError, type StateError } from './errors.ts';

export const RESERVED_PREFIX = '/barn/';

/** The refusal of a client command that writes under RESERVED_PREFIX, or undefined when it writes none. */
export function reservedKeyError(command: Command): StateError | undefined {
  switch (command.type) {
    case 'put':
    case 'delete':
    case 'delete-range':
      return opError(command);
    case 'txn':
      for (const op of [...command.success, ...command.failure]) {
        const e = opError(op);
        if (e !== undefined) return e;
      }
      return undefined;
    case 'compact':
      return undefined;
  }
}

function opError(op: Op): StateError | undefined {
  switch (op.type) {
    case 'put':
    case 'delete':
      return op.key.startsWith(RESERVED_PREFIX) ? refuse(`${op.type} ${JSON.stringify(op.key)}`) : undefined;
    case 'delete-range':
      // A prefix overlaps the reserved range when either is a prefix of the other ('/' or '/ba' cover it too).
      return op.prefix.startsWith(RESERVED_PREFIX) || RESERVED_PREFIX.startsWith(op.prefix)
        ? refuse(`delete-range of prefix ${JSON.stringify(op.prefix)}`)
        : undefined;
  }
}

function refuse(what: string): StateError {
  return stateError('BARN_RESERVED_KEY', `${what} writes under ${RESERVED_PREFIX}, which is reserved for Barn's own records (the member book); use GET/POST/DELETE /v1/members to change members`);
}
