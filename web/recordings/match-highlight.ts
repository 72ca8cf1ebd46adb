// Splits a search hit's line into plain and matched parts, so the page can mark what matched (pure).

export interface LinePart {
  text: string;
  match: boolean;
}

/** Case-insensitive, every occurrence; an empty query or no occurrence gives the line as one plain part. */
export function splitMatches(line: string, query: string): LinePart[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [{ text: line, match: false }];
  const haystack = line.toLowerCase();
  const parts: LinePart[] = [];
  let from = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, from)) {
    if (at > from) parts.push({ text: line.slice(from, at), match: false });
    parts.push({ text: line.slice(at, at + needle.length), match: true });
    from = at + needle.length;
  }
  if (from < line.length || parts.length === 0) parts.push({ text: line.slice(from), match: false });
  return parts;
}
