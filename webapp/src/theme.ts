/**
 * Colours from the theme the web app passes (so a dark theme gets a dark card), with the default
 * theme's values when a colour is missing (a host that passes no theme, or an older one).
 */
import type { CardHealth } from '../../src/core/card.ts';
import type { Tone } from '../../src/core/reply.ts';
import type { HostTheme } from './host.ts';

export interface Palette {
  text: string;
  background: string;
  /** Lines and the card's border: the text colour, faint. */
  line: string;
  muted: string;
  good: string;
  warning: string;
  danger: string;
  info: string;
  neutral: string;
  buttonBg: string;
  buttonText: string;
}

const defaults: Required<HostTheme> = {
  centerChannelBg: '#ffffff',
  centerChannelColor: '#3f4350',
  onlineIndicator: '#3db887',
  awayIndicator: '#ffbc1f',
  dndIndicator: '#d24b4e',
  errorTextColor: '#d24b4e',
  linkColor: '#386fe5',
  buttonBg: '#1c58d9',
  buttonColor: '#ffffff',
};

/** `#rgb` or `#rrggbb` with an alpha, as `rgba()`; another colour form is kept as it is. */
export function fade(colour: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(colour)?.[1];
  if (!hex) return colour;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

export function palette(theme: HostTheme | undefined): Palette {
  const t = { ...defaults, ...pickColours(theme) };
  return {
    text: t.centerChannelColor,
    background: t.centerChannelBg,
    line: fade(t.centerChannelColor, 0.16),
    muted: fade(t.centerChannelColor, 0.64),
    good: t.onlineIndicator,
    warning: t.awayIndicator,
    danger: t.dndIndicator,
    info: t.linkColor,
    neutral: fade(t.centerChannelColor, 0.48),
    buttonBg: t.buttonBg,
    buttonText: t.buttonColor,
  };
}

/** Only string colours: a theme is user data, and a missing or odd entry falls back to the default. */
function pickColours(theme: HostTheme | undefined): Partial<HostTheme> {
  const picked: Partial<Record<keyof HostTheme, string>> = {};
  for (const key of Object.keys(defaults) as (keyof HostTheme)[]) {
    const value = theme?.[key];
    if (typeof value === 'string' && value !== '') picked[key] = value;
  }
  return picked;
}

export const toneColour = (p: Palette, tone: Tone): string => p[tone];

export const healthColour = (p: Palette, health: CardHealth): string => ({ GREEN: p.good, WATCH: p.warning, RED: p.danger })[health];
