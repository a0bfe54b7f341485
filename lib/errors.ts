/** A failure the caller can act on; the API maps each subclass to one HTTP status. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request is well-formed JSON but breaks a business rule. */
export class ValidationError extends AppError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(400, code, message, details);
  }
}

/** 401: no valid credentials. */
export class AuthError extends AppError {
  constructor(code = 'unauthorized', message = 'Authentication required') {
    super(401, code, message);
  }
}

/** 403: authenticated but not allowed to touch this resource. */
export class ForbiddenError extends AppError {
  constructor(code = 'forbidden', message = 'You do not have access to this resource') {
    super(403, code, message);
  }
}

/** 404: the resource does not exist (or is not visible to the caller). */
export class NotFoundError extends AppError {
  constructor(code = 'not_found', message = 'Not found') {
    super(404, code, message);
  }
}

/** 409: the request conflicts with the current state. */
export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(409, code, message, details);
  }
}

/** 503: a dependency the request needs is unreachable; `retryAfterSeconds` becomes the `Retry-After` header. */
export class UnavailableError extends AppError {
  constructor(code: string, message: string, readonly retryAfterSeconds?: number) {
    super(503, code, message);
  }
}
