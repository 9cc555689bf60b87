/**
 * Mattermost refuses posts over 16,383 characters. Long text is cut into parts at line breaks,
 * keeping code fences balanced, each part under the limit with room for a "(part n/m)" marker.
 * Fences may be longer than three backticks (the renderer picks one longer than any run in the
 * text, escape-markdown.ts): a cut closes and reopens the very fence that is open.
 */
export const postLimit = 16_383;

/** Lines longer than a part are cut into pieces that fit. */
const pieces = (line: string, size: number): string[] => (line.length > size ? (line.match(new RegExp(`.{1,${size}}`, 'g')) ?? ['']) : [line]);

/** The fence a line opens or closes, if it is a fence line. */
const fenceOf = (line: string): string | undefined => /^\s*(`{3,})/.exec(line)?.[1];

/** The open fence after `line`: a fence opens when none is open, and closes on a line of at least as many backticks. */
function nextFence(open: string | undefined, line: string): string | undefined {
  const fence = fenceOf(line);
  if (fence === undefined) return open;
  if (open === undefined) return fence;
  return line.trim().length === fence.length && fence.length >= open.length ? undefined : open;
}

export function splitMessage(text: string, limit = postLimit - 40): string[] {
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  let current = '';
  let open: string | undefined;
  for (const piece of text.split('\n').flatMap((line) => pieces(line, limit - 10))) {
    const room = limit - 4 - (open?.length ?? 0) * 2;
    if (current.length + piece.length + 1 > room) {
      // Close an open code fence at the cut and reopen it in the next part.
      parts.push(open ? `${current}\n${open}` : current);
      current = open ?? '';
    }
    current = current ? `${current}\n${piece}` : piece;
    open = nextFence(open, piece);
  }
  if (current) parts.push(current);
  return parts.length > 1 ? parts.map((p, i) => `${p}\n_(part ${i + 1}/${parts.length})_`) : parts;
}
