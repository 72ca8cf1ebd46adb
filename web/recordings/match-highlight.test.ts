// Which parts of a search hit's line are marked as the match.
import { describe, expect, it } from 'vitest';
import { splitMatches } from './match-highlight';

describe('splitMatches', () => {
  it.each([
    ['sudo rm -rf /tmp/x', 'rm -rf', [['sudo ', false], ['rm -rf', true], [' /tmp/x', false]]],
    ['RM -RF twice rm -rf', 'rm -rf', [['RM -RF', true], [' twice ', false], ['rm -rf', true]]],
    ['nothing here', 'rm', [['nothing here', false]]],
    ['abc', '', [['abc', false]]],
    ['abc', 'abc', [['abc', true]]],
    ['', 'x', [['', false]]],
  ])('%s / %s', (line, query, parts) => {
    expect(splitMatches(line, query).map((p) => [p.text, p.match])).toEqual(parts);
  });
});
