/** The one sanitiser every runner message goes through: no DSN, password or key leaves, and one short line does. */
import { describe, expect, it } from 'vitest';
import { createSanitiser, maxErrorLength } from '../../../src/runner/sanitise-error.ts';

const password = 'Pw-7f3a9c1e';
const s3Key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const sanitise = createSanitiser([`postgres://mmuser:${encodeURIComponent(password)}@db/mm`, password, s3Key, undefined]);

describe('the runner sanitiser', () => {
  it('masks the secrets it was given wherever they appear, percent-encoded too', () => {
    const out = sanitise(`auth failed with ${password} and p=${encodeURIComponent(password)}; signature for ${s3Key} does not match`);
    expect(out).not.toContain(password);
    expect(out).not.toContain(encodeURIComponent(password));
    expect(out).not.toContain(s3Key);
    expect(out).toContain('***');
  });

  it('masks any postgres:// URL whole, and credentials it was not told about', () => {
    const out = sanitise('could not parse postgresql://other:hunter22@db2:5432/x?sslmode=disable; password=hunter23 token: abcdef0123456789abcdef');
    // The URL is masked to the next space: a password may hold any other character.
    expect(out).toBe('could not parse postgres://*** password=*** token: ***');
  });

  it('keeps a pg error readable', () => {
    expect(sanitise('cannot connect to the database: password authentication failed for user "mmuser"')).toBe(
      'cannot connect to the database: password authentication failed for user "mmuser"',
    );
  });

  it('makes one line, of bounded length', () => {
    expect(sanitise('pg_restore: error: one\n  two\tthree\n')).toBe('pg_restore: error: one two three');
    const long = sanitise('x '.repeat(1000));
    expect(long.length).toBe(maxErrorLength);
    expect(long.endsWith('…')).toBe(true);
  });

  it('leaves ordinary words alone when a secret is very short', () => {
    expect(createSanitiser(['pw'])('the pw column was dropped')).toBe('the pw column was dropped');
  });
});
