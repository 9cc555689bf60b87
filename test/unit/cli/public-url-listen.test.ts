/**
 * register --write-env writes the listen address a local public URL needs, and serve warns when a
 * loopback public URL names another port than it listens on (issue 14: slash commands failed with
 * Mattermost's bare "Command with a trigger of 'k8s' failed" while serve listened on :8080).
 */
import { describe, expect, it } from 'vitest';
import { listenForPublicUrl, listenMismatch } from '../../../src/config/public-url-listen.ts';

describe('listenForPublicUrl', () => {
  it("is a local URL's own host and port, the scheme's when it names none", () => {
    expect(listenForPublicUrl('http://127.0.0.1:9090', '127.0.0.1:8080')).toBe('127.0.0.1:9090');
    expect(listenForPublicUrl('http://localhost:3000/', undefined)).toBe('localhost:3000');
    expect(listenForPublicUrl('http://127.0.0.1', undefined)).toBe('127.0.0.1:80');
  });

  it('leaves a public URL elsewhere (a proxy, an Ingress) to the configured address', () => {
    expect(listenForPublicUrl('https://matterops.example.com', '0.0.0.0:8080')).toBe('0.0.0.0:8080');
    expect(listenForPublicUrl('https://matterops.example.com', undefined)).toBeUndefined();
  });
});

describe('listenMismatch', () => {
  it('warns when a loopback URL and the listen address name different ports, and says what to set', () => {
    expect(listenMismatch('http://127.0.0.1:9090', '127.0.0.1:8080')).toMatch(
      /is on this machine at port 9090, but serve listens on 127\.0\.0\.1:8080.*set MATTEROPS_HTTP_LISTEN=127\.0\.0\.1:9090/,
    );
  });

  it('is quiet when the ports agree or the URL is not on this machine', () => {
    expect(listenMismatch('http://127.0.0.1:8080', '0.0.0.0:8080')).toBeUndefined();
    expect(listenMismatch('https://matterops.example.com', '127.0.0.1:8080')).toBeUndefined();
    expect(listenMismatch('not a url', '127.0.0.1:8080')).toBeUndefined();
  });
});
