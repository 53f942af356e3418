// Undersigned: solves the sign form's proof of work in a background thread.
// Given a challenge and a difficulty, finds the smallest counter such that
// SHA-256("challenge:counter") starts with `difficulty` zero bits (at most 32),
// and posts the counter back as a decimal string.
"use strict";

var K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
]);
var INITIAL = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
]);
var W = new Int32Array(64);

// One SHA-256 block (64 bytes of `bytes` from `offset`) into `state`.
function compress(state, bytes, offset) {
  var i, a, b, c, d, e, f, g, h, t1, t2, x, y;
  for (i = 0; i < 16; i++) {
    x = offset + i * 4;
    W[i] = (bytes[x] << 24) | (bytes[x + 1] << 16) | (bytes[x + 2] << 8) | bytes[x + 3];
  }
  for (i = 16; i < 64; i++) {
    x = W[i - 15];
    y = W[i - 2];
    W[i] = (W[i - 16] + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + W[i - 7] +
      (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
  }
  a = state[0]; b = state[1]; c = state[2]; d = state[3];
  e = state[4]; f = state[5]; g = state[6]; h = state[7];
  for (i = 0; i < 64; i++) {
    t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
      ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
      ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0;
    d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  state[0] = (state[0] + a) | 0; state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0; state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0; state[5] = (state[5] + f) | 0;
  state[6] = (state[6] + g) | 0; state[7] = (state[7] + h) | 0;
}

function solve(challenge, difficulty) {
  var prefix = new Uint8Array(challenge.length + 1);
  for (var i = 0; i < challenge.length; i++) prefix[i] = challenge.charCodeAt(i) & 0x7f;
  prefix[challenge.length] = 0x3a; // ":"
  // The whole blocks of the prefix are the same for every counter: hash them once.
  var whole = prefix.length - (prefix.length % 64);
  var start = new Int32Array(INITIAL);
  for (var offset = 0; offset < whole; offset += 64) compress(start, prefix, offset);
  var rest = prefix.subarray(whole);
  var block = new Uint8Array(128);
  var state = new Int32Array(8);
  for (var counter = 0; ; counter++) {
    var digits = String(counter);
    var length = rest.length + digits.length;
    var end = length + 9 > 64 ? 128 : 64;
    block.fill(0);
    block.set(rest, 0);
    for (i = 0; i < digits.length; i++) block[rest.length + i] = digits.charCodeAt(i);
    block[length] = 0x80;
    var bits = (prefix.length + digits.length) * 8;
    block[end - 4] = bits >>> 24;
    block[end - 3] = (bits >>> 16) & 0xff;
    block[end - 2] = (bits >>> 8) & 0xff;
    block[end - 1] = bits & 0xff;
    state.set(start);
    compress(state, block, 0);
    if (end === 128) compress(state, block, 64);
    if (Math.clz32(state[0]) >= difficulty) return digits;
  }
}

self.onmessage = function (event) {
  self.postMessage(solve(String(event.data.challenge), Math.min(32, event.data.difficulty | 0)));
};
