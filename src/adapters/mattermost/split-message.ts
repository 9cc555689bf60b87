/**
 * Mattermost refuses posts over 16,383 characters. Long text is cut into parts at line breaks,
 * keeping code fences balanced, each part under the limit with room for a "(part n/m)" marker.
 */
export const postLimit = 16_383;

/** Lines longer than a part are cut into pieces that fit. */
const pieces = (line: string, size: number): string[] => (line.length > size ? line.match(new RegExp(`.{1,${size}}`, 'g')) ?? [''] : [line]);

export function splitMessage(text: string, limit = postLimit - 40): string[] {
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  let current = '';
  let inFence = false;
  for (const piece of text.split('\n').flatMap((line) => pieces(line, limit - 10))) {
    if (current.length + piece.length + 1 > limit - 4) {
      // Close an open code fence at the cut and reopen it in the next part.
      parts.push(inFence ? `${current}\n\`\`\`` : current);
      current = inFence ? '```' : '';
    }
    current = current ? `${current}\n${piece}` : piece;
    if (piece.trimStart().startsWith('```')) inFence = !inFence;
  }
  if (current) parts.push(current);
  return parts.length > 1 ? parts.map((p, i) => `${p}\n_(part ${i + 1}/${parts.length})_`) : parts;
}
