/** Time as a port, so verbs and tests agree on "now" (fake clocks in unit tests). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
