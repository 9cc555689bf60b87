/** PEM private keys in text that leaves the bot (a crashed container's log tail): masked whole, even when cut. */
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../../src/core/text/redact.ts';

const body = [
  'MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
  'LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo',
];
const block = (label: string): string => [`-----BEGIN ${label}-----`, ...body, `-----END ${label}-----`].join('\n');

describe('private key blocks', () => {
  it.each(['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'OPENSSH PRIVATE KEY'])(
    'masks a whole %s block, markers kept',
    (label) => {
      const text = `loading key\n${block(label)}\nstarted`;
      expect(redactSecrets(text)).toBe(`loading key\n-----BEGIN ${label}-----\n***\n-----END ${label}-----\nstarted`);
    },
  );

  it('masks a key whose END was cut off, to the end of the text', () => {
    const cut = [`-----BEGIN RSA PRIVATE KEY-----`, ...body.slice(0, 2)].join('\n');
    expect(redactSecrets(`key:\n${cut}`)).toBe('key:\n-----BEGIN RSA PRIVATE KEY-----\n***\n');
  });

  it('masks the lines of a key whose BEGIN was cut off, up to its END', () => {
    const cut = [...body.slice(1), '-----END RSA PRIVATE KEY-----', 'fatal: bad key'].join('\n');
    expect(redactSecrets(`panic\n${cut}`)).toBe('panic\n***\n-----END RSA PRIVATE KEY-----\nfatal: bad key');
    expect(redactSecrets(cut)).toBe('***\n-----END RSA PRIVATE KEY-----\nfatal: bad key');
  });

  it('masks an old encrypted PEM with its headers', () => {
    const text = [
      '-----BEGIN RSA PRIVATE KEY-----',
      'Proc-Type: 4,ENCRYPTED',
      'DEK-Info: AES-128-CBC,3F17F5316E2BAC89',
      '',
      ...body,
      '-----END RSA PRIVATE KEY-----',
    ].join('\n');
    expect(redactSecrets(text)).toBe('-----BEGIN RSA PRIVATE KEY-----\n***\n-----END RSA PRIVATE KEY-----');
  });

  it('leaves certificates, public keys and prose alone', () => {
    for (const text of [block('CERTIFICATE'), block('PUBLIC KEY'), 'the -----BEGIN marker of a PRIVATE KEY is documented', '-----END of story-----'])
      expect(redactSecrets(text)).toBe(text);
  });

  it('masks each of two keys and keeps what is between them', () => {
    const text = `${block('PRIVATE KEY')}\nbetween\n${block('EC PRIVATE KEY')}`;
    expect(redactSecrets(text)).toBe(
      '-----BEGIN PRIVATE KEY-----\n***\n-----END PRIVATE KEY-----\nbetween\n-----BEGIN EC PRIVATE KEY-----\n***\n-----END EC PRIVATE KEY-----',
    );
  });
});
