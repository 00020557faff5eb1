import { expect, test } from "vitest";
import { loadConfig } from "../src/config.js";
import { secretsOf } from "../src/coo.js";
import { createKeyring, decodeKey, open, seal, sealedKeyId, UnreadableSecret } from "../src/secrets.js";

const keyA = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
const keyB = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

const failure = (f: () => unknown): UnreadableSecret => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UnreadableSecret);
    return error as UnreadableSecret;
  }
  throw new Error("expected the value not to open");
};

test("a sealed value names its format and key, hides the text, and opens only where it was stored", () => {
  const ring = createKeyring(keyA);
  const sealed = seal(ring, "xoxb-1-secret", "installation:T1:botToken");
  expect(sealed).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9_-]+$/);
  expect(sealed).not.toContain("xoxb");
  expect(sealedKeyId(sealed)).toBe(ring.current.id);
  // A fresh nonce each time: the same token never gives the same ciphertext.
  expect(seal(ring, "xoxb-1-secret", "installation:T1:botToken")).not.toBe(sealed);
  expect(open(ring, sealed, "installation:T1:botToken")).toBe("xoxb-1-secret");
  expect(failure(() => open(ring, sealed, "installation:T2:botToken")).reason).toBe("tampered");
  const flipped = `${sealed.slice(0, -2)}${sealed.endsWith("AA") ? "BB" : "AA"}`;
  expect(failure(() => open(ring, flipped, "installation:T1:botToken")).reason).toBe("tampered");
});

test("old keys open what they sealed; a key that is not configured is named by its id", () => {
  const before = seal(createKeyring(keyA), "xoxb-old", "c");
  const rotated = createKeyring(keyB, [keyA]);
  expect(open(rotated, before, "c")).toBe("xoxb-old");
  expect(sealedKeyId(seal(rotated, "xoxb-new", "c"))).toBe(createKeyring(keyB).current.id);
  const missing = failure(() => open(createKeyring(keyB), before, "c"));
  expect(missing.reason).toBe("unknown_key");
  expect(missing.keyId).toBe(createKeyring(keyA).current.id);
  expect(missing.message).not.toContain(keyA);
  expect(failure(() => open(rotated, "xoxb-plain", "c")).reason).toBe("malformed");
});

test("a key is exactly 32 bytes of base64", () => {
  expect(decodeKey(keyA)?.length).toBe(32);
  expect(decodeKey(keyA.replace("=", ""))?.length).toBe(32);
  expect(decodeKey("c2hvcnQ=")).toBeUndefined();
  expect(decodeKey(`${keyA}AAAA`)).toBeUndefined();
  expect(decodeKey("not a key at all, 44 characters long, see?!")).toBeUndefined();
});

test("every configured secret, encryption keys included, is on the logger's redaction list", () => {
  const config = loadConfig({
    SLACK_SIGNING_SECRET: "signing-secret-1",
    SLACK_APP_TOKEN: "xapp-1-app-token",
    SLACK_CLIENT_ID: "1.2",
    SLACK_CLIENT_SECRET: "client-secret-1",
    SLACK_STATE_SECRET: "state-secret-0123456789",
    ANTHROPIC_API_KEY: "sk-ant-key-1",
    COO_ENCRYPTION_KEY: keyB,
    COO_ENCRYPTION_OLD_KEYS: keyA,
  });
  expect(secretsOf(config).sort()).toEqual(
    [
      "signing-secret-1",
      "xapp-1-app-token",
      "client-secret-1",
      "state-secret-0123456789",
      "sk-ant-key-1",
      keyB,
      keyA,
    ].sort(),
  );
});
