// The audit page's filters (pure): read from and written to the page's address, and turned into /api/audit's query.

export interface AuditFilters {
  action: string;
  actor: string;
  host: string;
  q: string;
  /** Local calendar days, YYYY-MM-DD, both inclusive; '' for open-ended. */
  fromDate: string;
  toDate: string;
}

export const NO_FILTERS: AuditFilters = { action: '', actor: '', host: '', q: '', fromDate: '', toDate: '' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function filtersFromQuery(query: URLSearchParams): AuditFilters {
  const get = (key: string) => query.get(key)?.trim() ?? '';
  const day = (key: string) => (DAY.test(get(key)) ? get(key) : '');
  return { action: get('action'), actor: get('actor'), host: get('host'), q: get('q'), fromDate: day('from'), toDate: day('to') };
}

/** For the page's own address (shareable, survives a reload): only the filters that are set. */
export function pageQuery(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of [['action', filters.action], ['actor', filters.actor], ['host', filters.host], ['q', filters.q], ['from', filters.fromDate], ['to', filters.toDate]] as const) {
    if (value) params.set(key, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Midnight at the start of a local calendar day, epoch ms. */
function startOfDay(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime();
}

/** The API's query: days become a [from, to) range of epoch ms in the browser's time zone (the whole `to` day included). */
export function apiQuery(filters: AuditFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (filters.action) params.set('action', filters.action);
  if (filters.actor) params.set('actor', filters.actor);
  if (filters.host) params.set('host', filters.host);
  if (filters.q) params.set('q', filters.q);
  if (filters.fromDate) params.set('from', String(startOfDay(filters.fromDate)));
  if (filters.toDate) {
    const [y, m, d] = filters.toDate.split('-').map(Number) as [number, number, number];
    params.set('to', String(new Date(y, m - 1, d + 1).getTime()));
  }
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function hasFilters(filters: AuditFilters): boolean {
  return Object.values(filters).some((v) => v !== '');
}
