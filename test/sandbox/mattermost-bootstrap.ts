/**
 * Fills a fresh Mattermost server with what the sandbox promises: an admin, team `ops` with
 * channels `town-square`, `ops` and `incidents`, users alice, bob and mallory, and the bot
 * `matterops`, each with a personal access token, all members of the team and its channels.
 */
import { randomBytes } from 'node:crypto';
import { MattermostRest } from './mattermost-rest.ts';

export interface MattermostAccounts {
  teamId: string;
  channelIds: Record<string, string>;
  adminToken: string;
  botToken: string;
  botUserId: string;
  userTokens: Record<string, string>;
  userIds: Record<string, string>;
  password: string;
}

export const sandboxUsers = ['alice', 'bob', 'mallory'] as const;
export const sandboxChannels = ['town-square', 'ops', 'incidents'] as const;

interface Entity {
  id: string;
}

async function createAdmin(anonymous: MattermostRest, password: string): Promise<MattermostRest> {
  // The first user of a new server becomes system admin (reference/mattermost.md, C).
  const admin = await anonymous.call<Entity>('POST', '/users', { email: 'admin@sandbox.test', username: 'admin', password });
  const { headers } = await anonymous.request('POST', '/users/login', { login_id: 'admin', password });
  const session = anonymous.withToken(headers.get('Token') ?? '');
  const pat = await session.call<{ token: string }>('POST', `/users/${admin.id}/tokens`, { description: 'sandbox admin' });
  return anonymous.withToken(pat.token);
}

async function createChannels(admin: MattermostRest, teamId: string): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const name of sandboxChannels) {
    ids[name] =
      name === 'town-square'
        ? (await admin.call<Entity>('GET', `/teams/${teamId}/channels/name/town-square`)).id
        : (await admin.call<Entity>('POST', '/channels', { team_id: teamId, name, display_name: name, type: 'O' })).id;
  }
  return ids;
}

async function join(admin: MattermostRest, userId: string, teamId: string, channelIds: Record<string, string>): Promise<void> {
  await admin.call('POST', `/teams/${teamId}/members`, { team_id: teamId, user_id: userId });
  for (const channelId of Object.values(channelIds)) {
    await admin.call('POST', `/channels/${channelId}/members`, { user_id: userId });
  }
}

export async function bootstrapMattermost(url: string): Promise<MattermostAccounts> {
  const password = `Sandbox-${randomBytes(6).toString('hex')}!`;
  const admin = await createAdmin(new MattermostRest(url), password);
  const team = await admin.call<Entity>('POST', '/teams', { name: 'ops', display_name: 'Ops', type: 'O' });
  const channelIds = await createChannels(admin, team.id);
  const userTokens: Record<string, string> = {};
  const userIds: Record<string, string> = {};
  for (const username of sandboxUsers) {
    const user = await admin.call<Entity>('POST', '/users', { email: `${username}@sandbox.test`, username, password });
    await join(admin, user.id, team.id, channelIds);
    userIds[username] = user.id;
    userTokens[username] = (await admin.call<{ token: string }>('POST', `/users/${user.id}/tokens`, { description: 'sandbox' })).token;
  }
  const bot = await admin.call<{ user_id: string }>('POST', '/bots', {
    username: 'matterops',
    display_name: 'matterops',
    description: 'Runs Mattermost on Kubernetes from chat: /k8s help',
  });
  await join(admin, bot.user_id, team.id, channelIds);
  const botToken = (await admin.call<{ token: string }>('POST', `/users/${bot.user_id}/tokens`, { description: 'sandbox' })).token;
  return {
    teamId: team.id,
    channelIds,
    adminToken: admin.token ?? '',
    botToken,
    botUserId: bot.user_id,
    userTokens,
    userIds,
    password,
  };
}
