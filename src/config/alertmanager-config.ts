/**
 * The Alertmanager webhook's settings (docs/incidents.md, "Alertmanager"): the bearer token
 * Alertmanager sends (`http_config.authorization.credentials`; without one `/hooks/alertmanager`
 * is not served) and the label whose value names the channel a group goes to.
 */
import { z } from 'zod';

export const AlertmanagerConfigSchema = z
  .object({
    token: z.string().min(16, { error: 'alertmanager.token (MATTEROPS_ALERTMANAGER_TOKEN) must be at least 16 characters' }).optional(),
    channelLabel: z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'alertmanager.channelLabel is a Prometheus label name, like mattermost_channel' })
      .default('mattermost_channel'),
  })
  .default({ channelLabel: 'mattermost_channel' });
export type AlertmanagerConfig = z.infer<typeof AlertmanagerConfigSchema>;

export const alertmanagerEnvBindings: Record<string, string[]> = {
  MATTEROPS_ALERTMANAGER_TOKEN: ['alertmanager', 'token'],
  MATTEROPS_ALERTMANAGER_CHANNEL_LABEL: ['alertmanager', 'channelLabel'],
};
