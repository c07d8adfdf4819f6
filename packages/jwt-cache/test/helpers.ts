// Shared by the tests: keys, and jose as an independent signer. (Time comes from
// @perf/testing's manualClock.)
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { type JWTPayload, SignJWT } from 'jose';
import {
  type channelNames,
  createVerifier,
  type JwtCacheChannelMessages,
  type Verifier,
  type VerifierOptions,
} from '../src/index.js';

export const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
export const ec2 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
export const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** Signs `claims` with jose, so our verifier is tested against someone else's signer. */
export function joseSign(
  claims: JWTPayload,
  key: KeyObject | Uint8Array = ec.privateKey,
  header: { alg: string; kid?: string; [k: string]: unknown } = { alg: 'ES256', kid: 'k1' },
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

/** base64url of a JSON value. */
export function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** A verifier of the ES256 tokens `joseSign` makes (key `ec`, kid k1), on the test's clock. */
export function ecVerifier(clock: { now(): number }, options: Partial<VerifierOptions> = {}): Promise<Verifier> {
  return createVerifier({
    keys: [{ key: ec.publicKey, alg: 'ES256', kid: 'k1' }],
    algorithms: ['ES256'],
    now: clock.now,
    ...options,
  });
}

/** The `code` of what `f` throws, or `ACCEPTED` when it returns. */
export function errorCode(f: () => unknown): string {
  try {
    f();
    return 'ACCEPTED';
  } catch (e) {
    return (e as { code: string }).code;
  }
}

/** Collects the messages published on one of this package's channels until `stop()`. */
export function listen<C extends (typeof channelNames)[keyof typeof channelNames]>(
  name: C,
): { readonly messages: MessageOf<C>[]; stop(): void } {
  const messages: MessageOf<C>[] = [];
  const ch = channel(name);
  const on = (message: unknown) => messages.push(message as MessageOf<C>);
  ch.subscribe(on);
  return { messages, stop: () => ch.unsubscribe(on) };
}

/** The message type of the channel named `C`. */
type MessageOf<C> = {
  [E in keyof typeof channelNames]: (typeof channelNames)[E] extends C ? JwtCacheChannelMessages[E] : never;
}[keyof typeof channelNames];
