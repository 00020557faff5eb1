import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

/**
 * Secrets coo keeps in its database (the workspace tokens an OAuth install
 * hands over), sealed with AES-256-GCM under a key from the environment.
 *
 * A sealed value reads `v1:<key id>:<base64url of nonce, ciphertext, tag>`.
 * `v1` names the format (AES-256-GCM, a 12-byte random nonce, the cipher key
 * derived from the configured key with HKDF-SHA256); the key id (from an HMAC
 * of the key, so it says nothing about it) tells which configured key opens
 * it, so keys can rotate. Each value is bound to where it is stored (its
 * `context`, e.g. `installation:T123:botToken`): a ciphertext copied into
 * another row or column does not open.
 */
const format = "v1";
const nonceBytes = 12;
const tagBytes = 16;

export const keyBytes = 32;
export const makeKeyHint = "make one with: openssl rand -base64 32";

type Key = { id: string; cipherKey: Buffer };

/** The current key (seals everything new) and every key that may still open old values. */
export type Keyring = { current: Key; byId: ReadonlyMap<string, Key> };

/** Why a sealed value did not open: no configured key has its id, or it was altered (or the key is wrong). */
export class UnreadableSecret extends Error {
  override name = "UnreadableSecret";
  constructor(
    readonly reason: "unknown_key" | "tampered" | "malformed",
    readonly keyId: string | undefined,
  ) {
    super(
      reason === "unknown_key"
        ? `sealed under key ${keyId}, which is neither COO_ENCRYPTION_KEY nor in COO_ENCRYPTION_OLD_KEYS`
        : reason === "tampered"
          ? `sealed under key ${keyId}, but it does not open with that key: the value was altered or moved`
          : "not a sealed value",
    );
  }
}

/** 32 bytes from base64 (standard or URL-safe alphabet), or undefined when the text is anything else. */
export function decodeKey(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.length === keyBytes ? bytes : undefined;
}

function deriveKey(raw: Buffer): Key {
  return {
    id: createHmac("sha256", raw).update("coo key id").digest("hex").slice(0, 8),
    cipherKey: Buffer.from(hkdfSync("sha256", raw, Buffer.alloc(0), "coo sealed secrets v1", keyBytes)),
  };
}

/** Keys as config holds them (base64 text, already validated). */
export function createKeyring(current: string, old: readonly string[] = []): Keyring {
  const decode = (text: string) => {
    const raw = decodeKey(text);
    if (!raw) throw new Error("an encryption key is not 32 bytes of base64");
    return deriveKey(raw);
  };
  const currentKey = decode(current);
  const byId = new Map(old.map((text) => decode(text)).map((key) => [key.id, key]));
  byId.set(currentKey.id, currentKey);
  return { current: currentKey, byId };
}

export function seal(keyring: Keyring, plaintext: string, context: string): string {
  const nonce = randomBytes(nonceBytes);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.cipherKey, nonce);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const packed = Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64url");
  return `${format}:${keyring.current.id}:${packed}`;
}

/** The key id a sealed value names, or undefined when the value is not sealed (e.g. plain text written before). */
export function sealedKeyId(value: string): string | undefined {
  const match = /^v1:([0-9a-f]{8}):[A-Za-z0-9_-]+$/.exec(value);
  return match?.[1];
}

export function open(keyring: Keyring, sealed: string, context: string): string {
  const keyId = sealedKeyId(sealed);
  if (!keyId) throw new UnreadableSecret("malformed", undefined);
  const key = keyring.byId.get(keyId);
  if (!key) throw new UnreadableSecret("unknown_key", keyId);
  const packed = Buffer.from(sealed.slice(`${format}:${keyId}:`.length), "base64url");
  if (packed.length < nonceBytes + tagBytes) throw new UnreadableSecret("malformed", keyId);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.cipherKey, packed.subarray(0, nonceBytes));
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(packed.subarray(packed.length - tagBytes));
    return Buffer.concat([
      decipher.update(packed.subarray(nonceBytes, packed.length - tagBytes)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new UnreadableSecret("tampered", keyId);
  }
}
