/** The twin's pipeline tables (a module of their own, so the CLI can name them without loading the twin). */
export const REQUESTS_TABLE = 'DsarRequests';
export const TOKENS_TABLE = 'DsarTokens';
export const SUPPRESSION_TABLE = 'DsarSuppression';
