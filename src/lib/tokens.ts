import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A long random secret, URL-safe. 32 bytes = 256 bits. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Tokens are stored only as their SHA-256; the token itself is shown once. */
export function sha256(value: string): string {
  // The one-shot form (Node 20.12 and later): no Hash object a call, which the access log's chain makes tens of thousands of at an import
  return hash('sha256', value, 'hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
