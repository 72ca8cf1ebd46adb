// The CSRF header contract: zod-free so the page can import it without bundling the validators.

/** State-changing requests made with the session cookie must carry this header (CSRF defence). */
export const CSRF_HEADER = 'x-porthole-csrf';
export const CSRF_HEADER_VALUE = '1';
