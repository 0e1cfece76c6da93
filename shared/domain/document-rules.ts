// What a caseworker may upload, checked by the API and, before the upload, by the console
// (no imports: the console bundles this module).

/** Scans and photos. */
export const uploadContentTypes = ['application/pdf', 'image/jpeg', 'image/png'] as const;
/** 10 MiB per document. */
export const maxDocumentBytes = 10 * 1024 * 1024;
