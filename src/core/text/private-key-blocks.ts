/**
 * Masks PEM private keys (`-----BEGIN RSA PRIVATE KEY-----` ... `-----END RSA PRIVATE KEY-----`,
 * EC, OPENSSH, ENCRYPTED, PKCS#8): a key spans lines, so the line-by-line patterns of redact.ts see
 * only base64 and miss it. A block is masked whole between its markers; a block whose END was cut
 * off (a log tail's window) is masked to the end of the text, and one whose BEGIN was cut off is
 * masked from the first of the base64 lines that run up to its END. Certificates and public keys
 * are left as they are. Linear: every marker is found by indexOf from where the last one ended, and
 * each line before an END is walked back over at most once.
 */
import { secretMask } from './secret-mask.ts';

const begin = '-----BEGIN ';
const end = '-----END ';
const dashes = '-----';
/** What a marker's label must end with to be a private key. */
const privateKey = /PRIVATE KEY$/;
/** A line of a key's body: base64, or a header such as `Proc-Type: 4,ENCRYPTED` of an old PEM. */
const bodyLine = /^[A-Za-z0-9+/=]{8,}$|^[A-Za-z-]+: [^\n]{1,200}$/;
/** A label longer than this is no marker (`-----BEGIN` in prose). */
const maxLabel = 40;

interface Marker {
  at: number;
  /** Just past its closing dashes. */
  to: number;
  label: string;
}

function markerAt(text: string, at: number, word: string): Marker | undefined {
  const labelStart = at + word.length;
  const close = text.indexOf(dashes, labelStart);
  if (close < 0 || close - labelStart > maxLabel) return undefined;
  const label = text.slice(labelStart, close);
  return /^[A-Z0-9 ]+$/.test(label) ? { at, to: close + dashes.length, label } : undefined;
}

/** Where the run of key body lines that ends just before `at` (a line start) begins, not before `floor`. */
function bodyStart(text: string, at: number, floor: number): number {
  let start = at;
  while (start > floor) {
    const lineEnd = start - 1; // the newline before `start`
    if (text[lineEnd] !== '\n') break;
    const lineStart = Math.max(floor, text.lastIndexOf('\n', lineEnd - 1) + 1);
    if (!bodyLine.test(text.slice(lineStart, lineEnd).replace(/\r$/, ''))) break;
    start = lineStart;
  }
  return start;
}

/** The text masked so far: `out` holds text[0, last) as it leaves; the scan goes on from `from`. */
interface Scan {
  out: string;
  last: number;
  from: number;
}

/** A BEGIN marker at `b`: a private key's block is masked to its END (or to the end of the text). */
function atBegin(text: string, b: number, scan: Scan): void {
  const open = markerAt(text, b, begin);
  if (!open || !privateKey.test(open.label)) {
    scan.from = b + begin.length;
    return;
  }
  const close = text.indexOf(`${end}${open.label}${dashes}`, open.to);
  scan.out += `${text.slice(scan.last, open.to)}\n${secretMask}\n`;
  // Its END cut off: the rest of the text is the key.
  scan.last = close < 0 ? text.length : close;
  scan.from = close < 0 ? text.length : close + end.length;
}

/** An END marker at `e` with no BEGIN before it (cut off): the body lines running up to it are the key. */
function atEnd(text: string, e: number, scan: Scan): void {
  const shut = markerAt(text, e, end);
  scan.from = e + end.length;
  if (!shut || !privateKey.test(shut.label)) return;
  const lineStart = text.lastIndexOf('\n', e - 1) + 1;
  const start = bodyStart(text, lineStart, scan.last);
  if (start === lineStart) return;
  scan.out += `${text.slice(scan.last, start)}${secretMask}\n`;
  scan.last = lineStart;
}

export function maskPrivateKeyBlocks(text: string): string {
  if (!text.includes('PRIVATE KEY')) return text;
  const scan: Scan = { out: '', last: 0, from: 0 };
  // The next BEGIN and END at or after `from`, found again only once passed (-1: none left), so
  // markers of one kind do not make each step search the whole text for the other.
  let b = text.indexOf(begin);
  let e = text.indexOf(end);
  for (;;) {
    if (b >= 0 && b < scan.from) b = text.indexOf(begin, scan.from);
    if (e >= 0 && e < scan.from) e = text.indexOf(end, scan.from);
    if (b < 0 && e < 0) break;
    if (b >= 0 && (e < 0 || b < e)) atBegin(text, b, scan);
    else atEnd(text, e, scan);
  }
  return scan.out + text.slice(scan.last);
}
