/**
 * Issue 9, item 3: no secret value leaves the bot. Values are masked by what they look like, not
 * only by a secret-looking key name; command lines are masked before anything echoes them.
 */
import { describe, expect, it } from 'vitest';
import { describeChange, envShown } from '../../../../src/core/change/diff.ts';
import type { EnvVar, Installation } from '../../../../src/core/model/installation.ts';
import { echoCommand, looksLikeCredential, maskCommand, redactSecrets } from '../../../../src/core/text/redact.ts';
import { growthOver4x, growthTimeoutMs, repeated } from '../../../support/linear-time.ts';

const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
const credentials = {
  'URL with a password': 'postgres://mmuser:Pw-1n-Url@db:5432/mattermost?sslmode=disable',
  'DSN with a password': 'host=db user=mmuser password=DsnPw42 dbname=mm',
  'MySQL DSN (tcp)': 'mmuser:S3cretPw@tcp(db:3306)/mattermost?charset=utf8mb4,utf8',
  'MySQL DSN (unix socket)': 'mmuser:S3cretPw@unix(/run/mysqld/mysqld.sock)/mattermost',
  'user:password@host without a scheme': 'mmuser:S3cretPw@db.example.com:3306/mattermost',
  JWT: jwt,
  'Mattermost-style token': '8xq3k5n7fpgbpy1yrnojhyzd4w',
  'hex key': '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c',
  'AWS access key id': 'AKIAIOSFODNN7EXAMPLE',
  'base64 secret': 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
} as const;
const plain = [
  'DEBUG',
  'true',
  '9.9.0',
  '8065',
  'chat.example.com',
  'https://chat.example.com/path',
  'mattermost-files-2024',
  '/var/lib/mattermost/data',
  'mattermost/mattermost-team-edition',
  'MM_LOGSETTINGS_CONSOLELEVEL',
  '123e4567-e89b-12d3-a456-426614174000',
  'abcdefghijklmnopqrstuvwxyz',
  '1000000000000000000',
  'en,de,fr',
  'alice@example.com',
  'db:3306',
  'ops@chat.example.com',
];

describe('values that look like credentials', () => {
  it.each(Object.entries(credentials))('%s is recognised', (_, value) => {
    expect(looksLikeCredential(value)).toBe(true);
  });
  it.each(plain)('%s is not', (value) => {
    expect(looksLikeCredential(value)).toBe(false);
  });
});

const env = (name: string, value: string): EnvVar => ({ name, value, fromRef: false });
const withEnv = (vars: EnvVar[]): Installation =>
  ({ namespace: 'chat', name: 'mattermost', spec: { env: vars, podAnnotations: {} } }) as unknown as Installation;

describe('env values in plans, outcomes, audit and env list', () => {
  it.each(Object.entries(credentials))('a %s under a name that does not look secret is masked', (_, value) => {
    expect(envShown(env('MM_CUSTOM_UPSTREAM', value))).toBe('MM_CUSTOM_UPSTREAM=***');
    const diff = describeChange(withEnv([]), withEnv([env('MM_CUSTOM_UPSTREAM', value)])).join('\n');
    expect(diff).toBe('env +MM_CUSTOM_UPSTREAM=***');
  });

  it('plain values stay readable, secret-looking names stay masked', () => {
    expect(envShown(env('MM_LOGSETTINGS_CONSOLELEVEL', 'DEBUG'))).toBe('MM_LOGSETTINGS_CONSOLELEVEL=DEBUG');
    expect(envShown(env('MM_SQLSETTINGS_DATASOURCE', 'x'))).toBe('MM_SQLSETTINGS_DATASOURCE=***');
  });
});

describe('free text (replies, errors, log fields)', () => {
  it.each([
    ['a URL password', 'dial postgres://u:Secr3tPw@db/x failed', 'Secr3tPw'],
    ['a DSN password', 'connect host=db password=DsnPw42 failed', 'DsnPw42'],
    ['a MySQL DSN password', 'dial mmuser:S3cretPw@tcp(db:3306)/mattermost failed', 'S3cretPw'],
    ['a MySQL DSN password after a key', 'upstream="mmuser:S3cretPw@unix(/run/mysqld.sock)/mm"', 'S3cretPw'],
    ['a user:password@host password', 'using mmuser:S3cretPw@db:3306/mattermost', 'S3cretPw'],
    ['a quoted secret assignment', 'config {"SqlSettings":{"DataSource":"postgres://a:QuotedPw@h"},"Password": "JsonPw1"}', 'JsonPw1'],
    ['a bearer token', 'sent Authorization: Bearer 8xq3k5n7fpgbpy1yrnojhyzd4w', '8xq3k5n7fpgbpy1yrnojhyzd4w'],
    ['a JWT', `token was ${jwt} yesterday`, 'c2lnbmF0dXJl'],
  ])('masks %s', (_, text, secret) => {
    expect(redactSecrets(text)).not.toContain(secret);
  });

  it('leaves ordinary text alone', () => {
    const text = 'scale chat/mattermost: replicas 2 -> 5 (op 7f3a9c1e), post 8xq3k5n7fpgbpy1yrnojhyzd4w';
    expect(redactSecrets(text)).toBe(text);
  });

  it('leaves image digests and e-mail addresses alone', () => {
    const text = 'pulled nginx:1.25@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef for alice@example.com';
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('masking takes time linear in the text (time for 32 KB / time for 8 KB: about 4, quadratic gives 16)', () => {
  // Each unit repeated to 8 KB and to 32 KB: text that makes a backtracking pattern retry from
  // every position (a pod's log is redacted, and the event loop renews the Leases).
  const hostile = [
    'a.',
    'a-',
    'password',
    'a:',
    'x://a:',
    'a=b ',
    'eyJ-',
    'eyJa.',
    'eyJaaaa.',
    ' eyJaaaa.aaaa',
    '.eyJaaaa.aaaa',
    'Bearer ',
    'Token a.',
    'a=b:c',
    'u:p@',
    ' u:p',
    'a=b:c@',
    ':@tcp',
    'password=x',
    '"": ',
    'aaaaaaaaaaaaaaa-',
    '-----BEGIN ',
    '-----END ',
    '-----BEGIN RSA PRIVATE KEY-----',
    '-----END EC PRIVATE KEY-----\n',
    'QUJDREVGR0hJSktMTU5PUA==\n-----END PRIVATE KEY-----\n',
    '-----BEGIN CERTIFICATE----- PRIVATE KEY ',
  ];
  it.each(hostile)(
    'redactSecrets on %j repeated',
    (unit) => {
      expect(growthOver4x(repeated(unit), redactSecrets)).toBeLessThan(10);
    },
    growthTimeoutMs,
  );
  it.each(hostile)(
    'looksLikeCredential on %j repeated',
    (unit) => {
      expect(growthOver4x(repeated(unit), looksLikeCredential)).toBeLessThan(10);
    },
    growthTimeoutMs,
  );
  it.each(['a="', "a='b ", 'a\\ ', 'K=v ', '"\\"'])(
    'maskCommand on %j repeated',
    (unit) => {
      expect(growthOver4x(repeated(unit), maskCommand)).toBeLessThan(10);
    },
    growthTimeoutMs,
  );
});

describe('command lines', () => {
  it('env set values are masked, whatever they hold', () => {
    expect(maskCommand('env mattermost set MM_SQLSETTINGS_DATASOURCE=postgres://u:pw@db/x MM_LOGSETTINGS_CONSOLELEVEL=DEBUG')).toBe(
      'env mattermost set MM_SQLSETTINGS_DATASOURCE=*** MM_LOGSETTINGS_CONSOLELEVEL=***',
    );
    expect(maskCommand(`env mattermost set "MM_X=a b c" MM_Y='d e' MM_Z=f\\ g -n chat`)).toBe('env mattermost set MM_X=*** MM_Y=*** MM_Z=*** -n chat');
    expect(maskCommand('env mattermost set MM_X="never closed')).toBe('env mattermost set MM_X=***');
    expect(maskCommand('events mattermost --since=1h')).toBe('events mattermost --since=1h');
  });

  it('the echo of a command is masked, on one line, and short', () => {
    expect(echoCommand('env mattermost set MM_SQLSETTINGS_DATASOURCE=postgres://u:pw@db/x')).toBe('env mattermost set MM_SQLSETTINGS_DATASOURCE=***');
    expect(echoCommand('status\nmattermost')).toBe('status mattermost');
    const long = echoCommand(`status ${'a'.repeat(500)}`);
    expect(long.length).toBeLessThanOrEqual(81);
    expect(long.endsWith('…')).toBe(true);
  });
});
