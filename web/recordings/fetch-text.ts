// Fetches a recording's file as text while reporting how much has arrived, so a long recording shows progress instead of a blank.
import { ApiRequestError } from '../api/client';

export type ProgressListener = (loaded: number, total: number | null) => void;

/** Rejects with an ApiRequestError carrying the server's message when the answer is not 2xx. */
export async function fetchText(url: string, onProgress: ProgressListener, signal?: AbortSignal): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin', cache: 'no-store', signal: signal ?? null });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiRequestError(0, 'network', 'The gateway could not be reached. Check your connection to the tailnet.');
  }
  if (!response.ok) throw await errorOf(response);
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  if (!response.body) return response.text();
  const reader = response.body.getReader();
  // Decoding as a stream keeps a multi-byte character split across chunks intact.
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let loaded = 0;
  onProgress(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    loaded += value.byteLength;
    parts.push(decoder.decode(value, { stream: true }));
    onProgress(loaded, total);
  }
  parts.push(decoder.decode());
  return parts.join('');
}

async function errorOf(response: Response): Promise<ApiRequestError> {
  let message = `The gateway answered ${response.status} ${response.statusText}`.trim();
  let code = `http-${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    message = body.error?.message ?? message;
    code = body.error?.code ?? code;
  } catch {
    // Not JSON (a proxy's page): the status line says enough.
  }
  return new ApiRequestError(response.status, code, message);
}
