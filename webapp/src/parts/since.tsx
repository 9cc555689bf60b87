import React, { useEffect, useState } from 'react';
import { formatElapsed } from '../elapsed.ts';

/** The clock a counting card reads; refreshed twice a minute while the card is shown. */
function useNow(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}

/** `open for 7 min`, counting; `resolved after 22 min` once it has ended. */
export function Since({ since, resolvedAt }: { since: string; resolvedAt: string | undefined }) {
  const now = useNow(resolvedAt === undefined);
  const start = Date.parse(since);
  const text = resolvedAt === undefined ? `open for ${formatElapsed(now - start)}` : `resolved after ${formatElapsed(Date.parse(resolvedAt) - start)}`;
  return <span className="matterops-since">{text}</span>;
}
