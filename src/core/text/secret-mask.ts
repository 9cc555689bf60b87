/** What stands in for a secret wherever one is masked. */
export const secretMask = '***';
