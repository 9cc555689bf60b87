/** HMAC signing as a port (node:crypto in the adapter), for confirmation tokens and button contexts. */
export interface Signer {
  sign(data: string): string;
  /** Constant-time check that `signature` is `sign(data)`. */
  verify(data: string, signature: string): boolean;
  /** Unguessable random id, hex. */
  randomId(bytes: number): string;
}
