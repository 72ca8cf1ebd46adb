// Typed calls for /api/recordings (list, one, search, delete) and the address of a recording's file.
import type { HostProtocol } from '../../shared/api-types';
import type { RecordingSearchResult, RecordingView } from '../../shared/recording-types';
import { request } from '../api/client';

export interface RecordingFilter {
  host?: string;
  user?: string;
  protocol?: HostProtocol;
  /** Only recordings started before this (ms): the next page after the last one shown. */
  before?: number;
  limit?: number;
}

/** How many recordings one page of the list asks for. */
export const PAGE_SIZE = 50;

const id = (value: string): string => encodeURIComponent(value);

function queryString(params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, String(value));
  const text = query.toString();
  return text ? `?${text}` : '';
}

export const recordingsApi = {
  list: (filter: RecordingFilter = {}) =>
    request<RecordingView[]>('GET', `/api/recordings${queryString({ host: filter.host, user: filter.user, protocol: filter.protocol, before: filter.before, limit: filter.limit ?? PAGE_SIZE })}`),
  get: (recordingId: string) => request<RecordingView>('GET', `/api/recordings/${id(recordingId)}`),
  search: (text: string, limit = 100, signal?: AbortSignal) =>
    request<RecordingSearchResult>('GET', `/api/recordings/search${queryString({ q: text, limit })}`, undefined, signal ? { signal } : {}),
  remove: (recordingId: string) => request<void>('DELETE', `/api/recordings/${id(recordingId)}`),
};

/** The raw recording; with `download`, the server adds Content-Disposition so the browser saves it. */
export function recordingFileUrl(recordingId: string, download = false): string {
  return `/api/recordings/${id(recordingId)}/file${download ? '?download=1' : ''}`;
}
