// Constant-time string comparison for tokens.
const encoder = new TextEncoder();

/** Whether `a` equals `b`, in time that depends only on their lengths. */
export function stringsEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}
