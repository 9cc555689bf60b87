/**
 * `matterops register`: creates or updates, idempotently, what the bot needs on a Mattermost server:
 * the bot account with its icon, its team and channel memberships, a token, and the `/k8s` slash
 * command with autocomplete hints from the registry. Running it again changes nothing.
 */
import { readFileSync } from 'node:fs';
import { MatteropsError } from '../../core/errors.ts';
import type { Registry } from '../../core/registry.ts';
import { MattermostApi, MattermostApiError } from './mattermost-api.ts';

export interface RegisterOptions {
  url: string;
  adminToken: string;
  team: string;
  channels: string[];
  publicUrl: string;
  /** An existing bot token to keep, if it still works. */
  botToken?: string;
  iconFile: string;
  registry: Registry;
  /** Defaults: bot `matterops`, command `/k8s`. */
  botName?: string;
  trigger?: string;
}

export interface Registration {
  botUserId: string;
  botToken: string;
  slashToken: string;
  changes: string[];
}

interface Bot {
  user_id: string;
  username: string;
  display_name: string;
  description: string;
  last_icon_update?: number;
}
interface Command {
  id: string;
  trigger: string;
  url: string;
  method: string;
  token: string;
  auto_complete: boolean;
  auto_complete_desc: string;
  auto_complete_hint: string;
  display_name: string;
  description: string;
}

const profileFor = (username: string, trigger: string): Pick<Bot, 'username' | 'display_name' | 'description'> => ({
  username,
  display_name: username,
  description: `Runs Mattermost on Kubernetes from chat: /${trigger} help`,
});

async function optional<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof MattermostApiError && error.status === 404) return undefined;
    throw error;
  }
}

async function ensureBot(api: MattermostApi, o: RegisterOptions, changes: string[]): Promise<Bot> {
  const botProfile = profileFor(o.botName ?? 'matterops', o.trigger ?? 'k8s');
  const user = await optional(api.call<{ id: string; is_bot?: boolean }>('GET', `/users/username/${botProfile.username}`));
  if (user && !user.is_bot)
    throw new MatteropsError('conflict', `user ${botProfile.username} exists and is not a bot`, 'rename that user or choose another bot name');
  let bot = user ? await api.call<Bot>('GET', `/bots/${user.id}`) : undefined;
  if (!bot) {
    bot = await api.call<Bot>('POST', '/bots', botProfile);
    changes.push('created the bot account');
  } else if (bot.display_name !== botProfile.display_name || bot.description !== botProfile.description) {
    bot = await api.call<Bot>('PUT', `/bots/${bot.user_id}`, botProfile);
    changes.push('updated the bot profile');
  }
  if (!bot.last_icon_update) await setIcon(api, bot, o.iconFile, changes);
  return bot;
}

interface Membership {
  check: string;
  add: () => Promise<unknown>;
  what: string;
}

async function setIcon(api: MattermostApi, bot: Bot, iconFile: string, changes: string[]): Promise<void> {
  const form = new FormData();
  form.append('image', new Blob([readFileSync(iconFile)], { type: 'image/svg+xml' }), 'icon.svg');
  try {
    await api.upload(`/bots/${bot.user_id}/icon`, form);
    changes.push('set the bot icon');
  } catch (error) {
    // Servers before the bot icon API (9.9 has none) keep the default avatar; nothing else depends on it.
    if (!(error instanceof MattermostApiError) || error.status !== 404) throw error;
  }
}

async function ensureMember(api: MattermostApi, m: Membership, changes: string[]): Promise<void> {
  if (await optional(api.call('GET', m.check))) return;
  await m.add();
  changes.push(`added the bot to ${m.what}`);
}

async function ensureToken(api: MattermostApi, bot: Bot, given: string | undefined, changes: string[]): Promise<string> {
  if (given) {
    const me = await new MattermostApi(api.url, given).me().catch(() => undefined);
    if (me?.id === bot.user_id) return given;
  }
  changes.push('created a bot token');
  return (await api.call<{ token: string }>('POST', `/users/${bot.user_id}/tokens`, { description: 'matterops' })).token;
}

function commandSpec(teamId: string, publicUrl: string, registry: Registry, trigger: string): Omit<Command, 'id' | 'token'> & { team_id: string } {
  return {
    team_id: teamId,
    trigger,
    url: `${publicUrl}/hooks/slash`,
    method: 'P',
    display_name: 'matterops',
    description: 'Run Mattermost on Kubernetes',
    auto_complete: true,
    auto_complete_desc: `Run Mattermost on Kubernetes: ${registry.verbs.map((v) => v.name).join(', ')}`,
    auto_complete_hint: '[command] e.g. status mattermost, scale mattermost 5, help',
  };
}

async function ensureCommand(api: MattermostApi, teamId: string, o: RegisterOptions, changes: string[]): Promise<Command> {
  const trigger = o.trigger ?? 'k8s';
  const wanted = commandSpec(teamId, o.publicUrl, o.registry, trigger);
  const existing = (await api.call<Command[]>('GET', `/commands?team_id=${teamId}&custom_only=true`)).find((c) => c.trigger === trigger);
  if (!existing) {
    changes.push(`created the /${trigger} slash command`);
    return await api.call<Command>('POST', '/commands', wanted);
  }
  const differs = (Object.keys(wanted) as (keyof typeof wanted)[]).some((k) => k !== 'team_id' && existing[k as keyof Command] !== wanted[k]);
  if (!differs) return existing;
  changes.push(`updated the /${trigger} slash command`);
  return await api.call<Command>('PUT', `/commands/${existing.id}`, { ...existing, ...wanted });
}

export async function register(o: RegisterOptions): Promise<Registration> {
  const api = new MattermostApi(o.url, o.adminToken);
  const admin = await api.me().catch((error: unknown) => {
    throw new MatteropsError(
      'unavailable',
      `cannot use Mattermost at ${o.url} with that admin token: ${(error as Error).message}`,
      "check --url and --admin-token (a system admin's personal access token)",
    );
  });
  if (!admin.id) throw new MatteropsError('forbidden', 'the admin token does not belong to a user');
  // A token without the role gets 403s and 404s deep inside (bots are invisible to it): say so first, in one line.
  if (!admin.roles?.split(' ').includes('system_admin'))
    throw new MatteropsError(
      'forbidden',
      `the admin token belongs to ${admin.username}, who is not a system admin of ${o.url}: pass a system admin's personal access token as --admin-token (or MM_ADMIN_TOKEN)`,
    );
  const changes: string[] = [];
  const bot = await ensureBot(api, o, changes);
  const team = await api.call<{ id: string }>('GET', `/teams/name/${o.team}`).catch(() => {
    throw new MatteropsError('not_found', `there is no team "${o.team}" on ${o.url}`, 'pass --team with an existing team name');
  });
  await ensureMember(
    api,
    {
      check: `/teams/${team.id}/members/${bot.user_id}`,
      add: () => api.call('POST', `/teams/${team.id}/members`, { team_id: team.id, user_id: bot.user_id }),
      what: `team ${o.team}`,
    },
    changes,
  );
  for (const name of o.channels) {
    const channel = await api.call<{ id: string }>('GET', `/teams/${team.id}/channels/name/${name}`);
    await ensureMember(
      api,
      {
        check: `/channels/${channel.id}/members/${bot.user_id}`,
        add: () => api.call('POST', `/channels/${channel.id}/members`, { user_id: bot.user_id }),
        what: `~${name}`,
      },
      changes,
    );
  }
  const botToken = await ensureToken(api, bot, o.botToken, changes);
  const command = await ensureCommand(api, team.id, o, changes);
  return { botUserId: bot.user_id, botToken, slashToken: command.token, changes };
}
