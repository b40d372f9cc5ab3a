/**
 * The routing tester runs the routing service's own rule evaluation (functions/core/routing) in the
 * browser. Its type graph reaches functions/core/fingerprint.ts, which imports node:crypto for a
 * hash the browser never calls (only types cross over): this is the one signature it needs.
 */
declare module 'node:crypto' {
  export function createHash(algorithm: 'sha256'): { update(text: string): { digest(encoding: 'hex'): string } };
}
