// The key pair and claims set both bench files use, so sign and verify are
// measured on the same inputs.
import { generateKeyPairSync } from 'node:crypto';

export const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const now = Math.floor(Date.now() / 1000);
export const claims = {
  iss: 'https://auth.example.com',
  sub: 'user-1234567890',
  aud: 'api.example.com',
  scope: 'read:orders write:orders',
  iat: now,
  exp: now + 3600,
  jti: 'b9d1c8f2-6a4e-4f57-9a0c-3c2f1d2e4b5a',
};
