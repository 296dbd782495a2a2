/**
 * Usernames and their version-1 skeletons: the live code (src/users/username.ts) and the migrations' frozen
 * copy must both give them, forever (a package upgrade that changes one is caught here).
 */
export const USERNAME_SKELETON_V1_VECTOR: [string, string][] = [
  ['alice', 'alice'],
  ['\u0430lice', 'alice'],
  ['ALICE', 'alice'],
  ['İstanbul', 'istanbul'],
  ['ıstanbul', 'istanbul'],
  ['Straße', 'strasse'],
  ['admin\u3164', 'adrnin'],
  ['modern', 'rnodern'],
  ['Paypal1', 'paypall'],
  ['josé', 'jose\u0301'],
  ['ΟΔΥΣΣΕΥΣ', 'o\u1E9Fuoo\uA793uo'],
];
