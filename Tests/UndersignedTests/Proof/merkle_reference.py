"""An independent Merkle tree, written from the definitions in RFC 9162 section 2.1.

Prints, for every tree size from 1 to N over the leaves b"leaf 0", b"leaf 1", ...:
    size root inclusion-digest consistency-digest
where a digest is the SHA-256 of every proof of that size, in order, each proof written
as its length (4 bytes, big-endian) followed by its hashes. The Swift tests compute the
same lines from their own proofs.
"""
import functools
import hashlib
import sys


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


# Trees are ranges [lo, hi) of LEAVES; subtree roots are remembered, as they recur.
LEAVES = []


@functools.lru_cache(maxsize=None)
def mth(lo, hi):
    if hi == lo:
        return hashlib.sha256(b"").digest()
    if hi - lo == 1:
        return leaf_hash(LEAVES[lo])
    k = split(hi - lo)
    return node_hash(mth(lo, lo + k), mth(lo + k, hi))


def path(m, lo, hi):
    if hi - lo <= 1:
        return []
    k = split(hi - lo)
    if m < k:
        return path(m, lo, lo + k) + [mth(lo + k, hi)]
    return path(m - k, lo + k, hi) + [mth(lo, lo + k)]


def subproof(m, lo, hi, complete):
    n = hi - lo
    if m == n:
        return [] if complete else [mth(lo, hi)]
    k = split(n)
    if m <= k:
        return subproof(m, lo, lo + k, complete) + [mth(lo + k, hi)]
    return subproof(m - k, lo + k, hi, False) + [mth(lo, lo + k)]


def digest(proofs):
    hasher = hashlib.sha256()
    for proof in proofs:
        hasher.update(len(proof).to_bytes(4, "big"))
        for item in proof:
            hasher.update(item)
    return hasher.hexdigest()


def main():
    limit = int(sys.argv[1])
    LEAVES.extend(b"leaf %d" % i for i in range(limit))
    for n in range(1, limit + 1):
        inclusion = digest(path(m, 0, n) for m in range(n))
        consistency = digest(subproof(m, 0, n, True) for m in range(1, n + 1))
        print(n, mth(0, n).hex(), inclusion, consistency)


if __name__ == "__main__":
    main()
