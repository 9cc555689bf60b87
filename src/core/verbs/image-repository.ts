/**
 * Whether `--image` names an image repository (no tag, no digest), checked in linear time: the
 * single regular expression it replaces backtracked on `a/a/a/...` (32 KB took 0.87 s, enough to
 * stall Lease renewals; issue 9, item 7).
 */

/** The docker reference grammar's longest name, and the length of one path component. */
const maxLength = 255;
// Separators never match [a-z0-9], so this backtracks at most once per character.
const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const hostWithPort = /^[a-z0-9]+(?:[.-][a-z0-9]+)*:\d{1,5}$/;

/** `mattermost/mattermost-team-edition`, `registry.example.com:5000/mm/mattermost`; never `repo:tag`. */
export function isImageRepository(value: string): boolean {
  if (value.length === 0 || value.length > maxLength) return false;
  const [first = '', ...rest] = value.split('/');
  // A port only on the registry host, and only when a path follows it (`repo:5000` would be a tag).
  const firstOk = pathComponent.test(first) || (rest.length > 0 && hostWithPort.test(first));
  return firstOk && rest.every((component) => pathComponent.test(component));
}
