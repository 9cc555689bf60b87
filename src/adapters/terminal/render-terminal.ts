/**
 * Renders a reply for a terminal: kubectl-style aligned tables, fields in a column, and colour only
 * when the output is a TTY (plain text when piped, so scripts and golden files stay clean).
 */
import type { Block, Reply, Tone } from '../../core/reply.ts';

export interface TerminalStyle {
  color: boolean;
}

const ansi = { bold: '\u001b[1m', dim: '\u001b[2m', red: '\u001b[31m', green: '\u001b[32m', yellow: '\u001b[33m', cyan: '\u001b[36m', reset: '\u001b[0m' };
const toneColor: Record<Tone, string> = { good: ansi.green, warning: ansi.yellow, danger: ansi.red, info: ansi.cyan, neutral: '' };

function paint(value: string, code: string, style: TerminalStyle): string {
  return style.color && code ? `${code}${value}${ansi.reset}` : value;
}

export function renderTable(columns: string[], rows: string[][]): string {
  const all = [columns.map((c) => c.toUpperCase()), ...rows];
  const widths = columns.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

function renderBlock(block: Block, tone: Tone, style: TerminalStyle): string {
  switch (block.kind) {
    case 'heading':
      return paint(block.text, `${ansi.bold}${toneColor[tone]}`, style);
    case 'text':
      return block.text;
    case 'fields': {
      const width = Math.max(...block.fields.map((f) => f.label.length));
      return block.fields.map((f) => `${paint(`${f.label}:`.padEnd(width + 1), ansi.dim, style)}  ${f.value}`).join('\n');
    }
    case 'table':
      return renderTable(block.columns, block.rows);
    case 'code':
      return block.text;
    case 'actions':
      return ''; // the terminal asks instead of showing buttons (see repl.ts and exit code 3)
  }
}

export function renderTerminal(reply: Reply, style: TerminalStyle): string {
  const parts = reply.blocks.map((b) => renderBlock(b, reply.tone, style)).filter((p) => p !== '');
  if (reply.error && parts[0] !== undefined) parts[0] = paint(parts[0], toneColor[reply.tone], style);
  return parts.join('\n\n');
}
