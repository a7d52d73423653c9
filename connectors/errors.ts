/** Errors raised at the connector edge. Their `name` is what the workflow's Retry/Catch match on. */
export class ConnectorError extends Error {
  public readonly systemId: string;

  public constructor(systemId: string, message: string, options?: { cause?: unknown }) {
    super(`${systemId}: ${message}`, options);
    this.name = 'ConnectorError';
    this.systemId = systemId;
  }
}

/** Transient: throttling, timeouts, a network failure. The workflow retries these with backoff. */
export class ConnectorUnavailableError extends ConnectorError {
  public constructor(systemId: string, message: string, options?: { cause?: unknown }) {
    super(systemId, message, options);
    this.name = 'ConnectorUnavailableError';
  }
}

/** Permanent: the system is misconfigured (no such table, access denied, bad data). Not retried. */
export class ConnectorConfigError extends ConnectorError {
  public constructor(systemId: string, message: string, options?: { cause?: unknown }) {
    super(systemId, message, options);
    this.name = 'ConnectorConfigError';
  }
}

/**
 * A keyed hash was asked for without a key. Erasure checks the key before it starts (`requireAnonymizationKey`), so
 * this is a programming error, not a system's fault: it has no system, and hashing with an empty key would give a
 * hash anyone could recompute.
 */
export class AnonymizationKeyError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AnonymizationKeyError';
  }
}
