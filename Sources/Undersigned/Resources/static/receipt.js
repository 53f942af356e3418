// Checks a receipt in the browser, trusting nothing the page says: it rebuilds the log
// entry from the receipt code, folds the audit path up to the signed root (RFC 9162,
// 2.1.3.2), and checks the tree head's Ed25519 signature with the published key.
"use strict";

(function () {
  const out = document.getElementById("browser-check");
  if (!out || !window.crypto || !crypto.subtle) return;
  const code = out.dataset.code;
  const say = (text, ok) => { out.textContent = text; out.className = ok ? "verdict ok" : "verdict"; out.hidden = false; };

  const utf8 = (text) => new TextEncoder().encode(text);
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  const fromHex = (text) => new Uint8Array(text.match(/../g).map((h) => parseInt(h, 16)));
  const join = (...parts) => {
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) { all.set(part, at); at += part.length; }
    return all;
  };
  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const node = (left, right) => sha256(join([1], left, right));
  const u64 = (value) => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(value));
    return bytes;
  };
  const uuid = (text) => fromHex(text.replace(/-/g, ""));

  async function rootFromPath(leafHash, index, size, path) {
    let fn = BigInt(index), sn = BigInt(size) - 1n, hash = leafHash;
    for (const sibling of path.map(fromHex)) {
      if (sn === 0n) return null;
      if ((fn & 1n) === 1n || fn === sn) {
        hash = await node(sibling, hash);
        while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      } else {
        hash = await node(hash, sibling);
      }
      fn >>= 1n; sn >>= 1n;
    }
    return sn === 0n ? hash : null;
  }

  async function check() {
    const response = await fetch(out.dataset.proof);
    if (!response.ok) return say("Your browser could not fetch the proof.", false);
    const receipt = await response.json();
    if (receipt.status !== "counted" || !receipt.auditPath) return;
    const receiptHash = await sha256(utf8(code));
    if (hex(receiptHash) !== receipt.receiptHash) return say("The receipt hash does not match your code.", false);
    const entry = receipt.entries.find((e) => e.index === receipt.leafIndex && e.kind === "confirmation");
    if (!entry) return say("The log entry of your confirmation is missing.", false);
    const leaf = join(utf8("undersigned-log-v1"), [1], uuid(receipt.petitionID), receiptHash, u64(entry.recordedAt));
    const leafHash = await sha256(join([0], leaf));
    if (hex(leafHash) !== entry.leafHash) return say("The log entry does not match your receipt.", false);
    const head = receipt.treeHead;
    const root = await rootFromPath(leafHash, receipt.leafIndex, head.size, receipt.auditPath);
    if (!root || hex(root) !== head.rootHash) return say("The audit path does not lead to the signed root.", false);
    const signed = fromHex(head.signedData);
    const expected = join(utf8("undersigned-tree-head-v1"), uuid(receipt.petitionID), u64(head.size), fromHex(head.rootHash),
      u64(head.signatureCount), u64(head.timestamp));
    if (hex(signed) !== hex(expected)) return say("The signed bytes do not say what the tree head says.", false);
    let signature = "Check the tree head's signature offline with the published key.";
    try {
      const published = await (await fetch(out.dataset.logKey)).json();
      const raw = Uint8Array.from(atob(published.publicKey), (c) => c.charCodeAt(0));
      const key = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
      const bytes = Uint8Array.from(atob(head.signature), (c) => c.charCodeAt(0));
      const valid = await crypto.subtle.verify({ name: "Ed25519" }, key, bytes, signed);
      if (!valid) return say("The tree head's signature does not verify.", false);
      signature = "The tree head's Ed25519 signature verifies with the published key.";
    } catch (error) {
      // Browsers without Ed25519 in Web Crypto: the rest still stands.
    }
    say(`Checked in your browser: your confirmation is entry ${receipt.leafIndex} of a log of ${head.size}, whose root is the signed root. ${signature}`, true);
  }

  check().catch(() => say("Your browser could not check the proof.", false));
})();
