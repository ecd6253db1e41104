// The framework's refusals, thrown by domain code (service, deployments, scheduler) and turned into
// Marathon's statuses and bodies only by api/. Invalid definitions are AppValidationError
// (validation.ts), lost writes StorageError (store.ts).

/** What a request names does not exist (an app, a task, a group, a deployment, a version). */
export class NotFoundError extends Error {}

/** The change contradicts what exists: an app or group that is already there. */
export class ConflictError extends Error {}

/** Apps being deployed refuse another change unless it is forced. */
export class AppLockedError extends ConflictError {
  constructor(readonly deploymentIds: string[]) {
    super(`App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/${deploymentIds[0]}'.`);
  }
}
