/**
 * The runtime's own errors (settings, the systems file, task input, secrets, stored documents), in one file: what the
 * use cases' domain errors (./domain/errors.ts) are not. None of them is ever shown to a caller: at the HTTP edge they
 * become a generic 500 with the cause logged by name; in a workflow they fail the step by name.
 */

/** A setting (an environment variable from the stack or the twin) is missing or invalid. */
export class ConfigurationError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

/** The systems configuration file cannot be read or is invalid; the message names the file and every problem. */
export class SystemsConfigError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SystemsConfigError';
  }
}

/** A workflow step names a system the configuration does not have. */
export class UnknownSystemError extends Error {
  public constructor(systemId: string) {
    super(`system ${systemId} is not in the systems configuration`);
    this.name = 'UnknownSystemError';
  }
}

/** A manual system (connectors/config.ts) was handed to a step that needs a connector: it is asked through notices. */
export class ManualSystemError extends Error {
  public constructor(systemId: string) {
    super(`system ${systemId} is a manual system: it has no connector, its owner is asked instead`);
    this.name = 'ManualSystemError';
  }
}

/** A workflow task got input of the wrong shape (the message lists the failing paths, never values). */
export class InvalidTaskInputError extends Error {
  public constructor(paths: readonly string[], options?: { cause?: unknown }) {
    super(`invalid task input: ${paths.join(', ') || '(root)'}`, options);
    this.name = 'InvalidTaskInputError';
  }
}

/** The deployment's hash key cannot be had (neither given locally nor readable from Secrets Manager, or too short). */
export class HashKeyUnavailableError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HashKeyUnavailableError';
  }
}

/** A stored document could not be read as a stream. */
export class DocumentUnreadableError extends Error {
  public constructor(key: string, options?: { cause?: unknown }) {
    super(`stored document ${key} has no readable body`, options);
    this.name = 'DocumentUnreadableError';
  }
}

/**
 * An AWS dependency (DynamoDB, S3, SES, Step Functions) or the network failed transiently: throttling, a sending or
 * rate limit, a 5xx, a reset connection. Raised at the adapter edge (adapters/dependency-errors.ts) once the SDK's own
 * retries are spent; the one name every workflow step retries with backoff (infra/workflow/retries.ts). The message
 * names the service and operation only; the SDK's error (whose message may quote an address) stays in `cause`.
 */
export class DependencyUnavailableError extends Error {
  public constructor(service: string, operation: string, options?: { cause?: unknown }) {
    const reason = options?.cause instanceof Error ? ` (${options.cause.name})` : '';
    super(`${service} ${operation} failed transiently${reason}`, options);
    this.name = 'DependencyUnavailableError';
  }
}

/**
 * A recipient's webhook did not accept a notice: it answered with an error, kept answering 5xx/429 past the retries,
 * or did not answer in time. The message gives the status only (never the URL's query or the body).
 */
export class WebhookDeliveryError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookDeliveryError';
  }
}

/** The HMAC key of a webhook cannot be had (not among the twin's secrets, or not readable from Secrets Manager). */
export class WebhookSecretUnavailableError extends Error {
  public constructor(secretName: string, options?: { cause?: unknown }) {
    super(`webhook secret ${secretName} cannot be read`, options);
    this.name = 'WebhookSecretUnavailableError';
  }
}

/** The zip archive of a portability export could not be written (a compression failure: the step fails and retries). */
export class ArchiveWriteError extends Error {
  public constructor(entry: string, options?: { cause?: unknown }) {
    super(`could not write ${entry} into the archive`, options);
    this.name = 'ArchiveWriteError';
  }
}
