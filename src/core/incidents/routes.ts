/**
 * Where incidents are posted (`notify here [name|all]`, `notify off`, `notify list`): routes kept in
 * the cluster (StateStore document `notify/routes`, docs/state.md; a group of its own, apart from the busier threads), so every replica and every
 * next leader posts where the last one did. An installation's own route wins over the `all` route,
 * which wins over the configured default channel.
 */
import { z } from 'zod';
import type { StateDocument } from '../ports/state-store.ts';

/** What a route is for: one installation (`namespace/name`) or every one (`*`). */
export const everyInstallation = '*';

export const RouteSchema = z.object({
  target: z.string(),
  /** The chat channel's id, and its name as the user saw it (for `notify list`). */
  channel: z.string(),
  channelName: z.string().optional(),
  by: z.string(),
  at: z.coerce.date(),
});
export type Route = z.infer<typeof RouteSchema>;

export const RoutesSchema = z.object({ routes: z.array(RouteSchema) });
export type Routes = z.infer<typeof RoutesSchema>;

export const routesDocument: StateDocument<Routes> = {
  name: 'notify/routes',
  schema: RoutesSchema,
  initial: () => ({ routes: [] }),
};

/** The channel for one installation's incidents; undefined: none is routed and no default is set. */
export function channelFor(
  routes: Routes,
  installation: { namespace: string; name: string } | undefined,
  defaultChannel: string | undefined,
): string | undefined {
  const own = installation && routes.routes.find((r) => r.target === `${installation.namespace}/${installation.name}`);
  return own?.channel ?? routes.routes.find((r) => r.target === everyInstallation)?.channel ?? defaultChannel;
}

/** Routes `target` to `channel`, replacing the route it had. */
export const withRoute = (routes: Routes, route: Route): Routes => ({ routes: [...routes.routes.filter((r) => r.target !== route.target), route] });
