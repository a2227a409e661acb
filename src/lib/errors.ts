/**
 * Domain errors. The web layer maps each to one status code, page and JSON body.
 */
export type FieldErrors = Record<string, string>;

export class DomainError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: every bad field named, keyed by its path (e.g. "name", "address.postcode"). */
export class ValidationError extends DomainError {
  constructor(
    readonly fields: FieldErrors,
    message = 'There is a problem with the information you gave',
  ) {
    super(message, 'validation_failed', 400);
  }
}

export class NotFoundError extends DomainError {
  constructor(message = 'Page not found') {
    super(message, 'not_found', 404);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You do not have permission to do that') {
    super(message, 'forbidden', 403);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Sign in to continue') {
    super(message, 'unauthenticated', 401);
  }
}

/**
 * Someone else changed the record since it was read. Carries both versions so the
 * person can see what changed and choose.
 */
export class ConflictError extends DomainError {
  constructor(
    message: string,
    readonly current: Record<string, unknown> | null,
    readonly submitted: Record<string, unknown> | null,
  ) {
    super(message, 'conflict', 409);
  }
}

/** A value that must be unique already exists (e.g. an e-mail address). */
export class DuplicateError extends ValidationError {
  constructor(field: string, message: string) {
    super({ [field]: message }, message);
  }
}
