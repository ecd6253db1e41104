// The one way domain code (master, agent, frameworks) says no: it throws a Refusal whose kind says why
// in domain terms. Only the HTTP layers turn a kind into a status code (through
// runtime/common/refusal-status.ts); anything else thrown is a bug, and a 500.
export type RefusalKind =
  | 'invalid' // the request contradicts the rules or the state it names (Mesos answers 400 Bad Request)
  | 'not_found' // it names something that does not exist
  | 'forbidden' // the caller may not do this
  | 'conflict' // the state changed under it (e.g. the resources are no longer there)
  | 'unavailable'; // not now (e.g. no leading master)

export class Refusal extends Error {
  constructor(readonly kind: RefusalKind, message: string) {
    super(message);
  }
}
