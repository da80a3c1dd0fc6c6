/**
 * Ed25519 keys and signatures for the control console, through `node:crypto`.
 *
 * Keys are derived deterministically from a run seed and an admin id (SHA-256 of both is the
 * 32-byte Ed25519 seed), so a run is reproducible and a test can hold any admin's private key.
 * A policy that lists an admin's `publicKey` pins it: the console then verifies against that key,
 * and votes signed with the derived key are refused as forged unless the two agree.
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { ed25519PublicKey, signatureValid } from '../spec/log.ts';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An admin's key pair. */
export interface SigningKey {
  readonly admin: string;
  readonly privateKey: KeyObject;
  /** Base64 of the raw 32-byte public key, the form policy files use. */
  readonly publicKeyBase64: string;
}

/** The key pair of `admin` for a run seeded with `seed` (a string or number label). */
export function deriveKey(seed: string | number, admin: string): SigningKey {
  const raw = createHash('sha256').update(`guillotine-admin-key\0${seed}\0${admin}`).digest();
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, raw]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { admin, privateKey, publicKeyBase64: spki.subarray(SPKI_ED25519_PREFIX.length).toString('base64') };
}

/** A public key object from the raw 32-byte base64 form; null when it is not a valid key. */
export const publicKeyFromBase64 = ed25519PublicKey;

/**
 * Ed25519 is a pure function of its inputs, and the simulator asks the same questions many times:
 * one vote is verified by the console, by the hypervisor and by the physical hypervisor (three
 * independent checks, as in the hardware), and a generated test suite signs the same vote in
 * every walk. Both answers are memoised on their full inputs, so a cached answer is exactly the
 * answer; the caches are bounded (cleared when full) so a long run cannot grow them without end.
 */
const CACHE_LIMIT = 1 << 14;
const signatures = new WeakMap<KeyObject, Map<string, string>>();
const verdicts = new WeakMap<KeyObject, Map<string, boolean>>();

function cacheOf<V>(caches: WeakMap<KeyObject, Map<string, V>>, key: KeyObject): Map<string, V> {
  let cache = caches.get(key);
  if (cache === undefined) caches.set(key, (cache = new Map()));
  else if (cache.size >= CACHE_LIMIT) cache.clear();
  return cache;
}

/** Signs a message (Ed25519 is deterministic: same key and message → same signature). */
export function signMessage(key: SigningKey, message: string): string {
  const cache = cacheOf(signatures, key.privateKey);
  let signature = cache.get(message);
  if (signature === undefined) cache.set(message, (signature = sign(null, Buffer.from(message, 'utf8'), key.privateKey).toString('base64')));
  return signature;
}

/** Whether `signature` (base64) is a valid Ed25519 signature of `message` under `publicKey`. */
export function verifySignature(publicKey: KeyObject, message: string, signature: string): boolean {
  // A vote arrives as data: a signature that is not a string (null in a forged certificate made
  // Buffer.from throw inside the level record) is simply not a valid signature.
  if (typeof signature !== 'string' || typeof message !== 'string') return false;
  const cache = cacheOf(verdicts, publicKey);
  const question = `${signature}\0${message}`;
  let verdict = cache.get(question);
  // Only the canonical base64 is accepted (see signatureValid): a replay check keyed on the string relies on it.
  if (verdict === undefined) cache.set(question, (verdict = signatureValid(publicKey, message, signature)));
  return verdict;
}
