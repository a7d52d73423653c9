/**
 * Placeholder for the scheduled sweeper (the owner replaces it): the stack needs an entry to bundle.
 */
export const handler = async () => ({});
