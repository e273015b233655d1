import { randomBytes } from "node:crypto";

// Crockford's base32 in lower case: no i, l, o or u, so ids survive being read aloud or retyped.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** `pln_`, `job_` or `sch_` and 80 random bits in 16 characters. */
export function newId(prefix: "pln" | "job" | "sch"): string {
  let id = `${prefix}_`;
  let buffer = 0;
  let bits = 0;
  for (const byte of randomBytes(10)) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      id += ALPHABET.charAt((buffer >>> bits) & 31);
    }
  }
  return id;
}
