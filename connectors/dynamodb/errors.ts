import { sdkErrorTranslator } from '../sdk-errors';

/** DynamoDB errors → connector errors (see ../sdk-errors): which names are worth a retry, which are not. */
export const translateDynamoDbError = sdkErrorTranslator({
  service: 'DynamoDB',
  transient: [
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'InternalServerError',
    'ServiceUnavailable',
    'TimeoutError',
    'RequestTimeout',
    'RequestTimeoutException',
    'TransactionInProgressException',
  ],
  permanent: [
    'ResourceNotFoundException',
    'AccessDeniedException',
    'ValidationException',
    'UnrecognizedClientException',
    'InvalidSignatureException',
    'MissingAuthenticationTokenException',
  ],
});
