/** Waits `ms` on a real timer. One place for it until the Clock port owns timers (issue 10, item 4). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
