// A document goes straight to storage: the API answers a presigned PUT URL bound to the declared
// type and size, and the browser PUTs the file there (XMLHttpRequest: fetch reports no upload progress).
import { maxDocumentBytes, uploadContentTypes } from '../../shared/domain/document-rules.ts';

/** Why this file may not be uploaded (a code of zh.ts), or null: checked before asking the API. */
export function fileProblem(file: { type: string; size: number }): 'FILE_TYPE' | 'FILE_TOO_LARGE' | 'FILE_EMPTY' | null {
  if (!(uploadContentTypes as readonly string[]).includes(file.type)) return 'FILE_TYPE';
  if (file.size === 0) return 'FILE_EMPTY';
  if (file.size > maxDocumentBytes) return 'FILE_TOO_LARGE';
  return null;
}

export function putFile(url: string, file: File, onProgress: (percent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', url);
    request.setRequestHeader('content-type', file.type);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.floor((event.loaded / event.total) * 100));
    };
    request.onload = () => (request.status >= 200 && request.status < 300 ? resolve() : reject(new Error(`upload answered ${request.status}`)));
    request.onerror = () => reject(new Error('upload failed: network'));
    request.send(file);
  });
}
