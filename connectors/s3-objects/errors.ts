import { sdkErrorTranslator } from '../sdk-errors';

/** S3 (and body-stream) errors → connector errors (see ../sdk-errors): which names are worth a retry, which are not. */
export const translateS3Error = sdkErrorTranslator({
  service: 'S3',
  transient: [
    'SlowDown',
    'ServiceUnavailable',
    'InternalError',
    'RequestTimeout',
    'RequestTimeTooSkewed',
    'ThrottlingException',
    'TooManyRequestsException',
    'TimeoutError',
    // If-Match failed: the object changed since the census read it; the next attempt reads the new content
    'PreconditionFailed',
    // a conditional write raced another write to the same key
    'ConditionalRequestConflict',
  ],
  permanent: [
    'NoSuchBucket',
    'AccessDenied',
    'AllAccessDisabled',
    'InvalidAccessKeyId',
    'SignatureDoesNotMatch',
    'InvalidBucketName',
    'PermanentRedirect',
    'AuthorizationHeaderMalformed',
    'InvalidObjectState',
  ],
});

/** The object went away between listing and reading it: nothing of anyone's is in it any more. */
export function isNoSuchKey(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NoSuchVersion');
}
