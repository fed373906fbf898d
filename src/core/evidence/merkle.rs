//! The journal's Merkle tree, exactly RFC 9162 §2.1: leaves are salted
//! journal lines, interior nodes `SHA-256(0x01 || left || right)`, and the
//! inclusion and consistency proofs (and their checks) of §2.1.3–2.1.4.
//! Salting (16 bytes per line from a per-install secret) keeps a sibling
//! hash in a bundle from telling anything about another order's line.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// The domain of the per-line salt, fixed so other tools can derive it.
const SALT_DOMAIN: &[u8] = b"cardguard-leaf-salt-v1";
pub const SALT_LEN: usize = 16;
/// The domain of the salt written into each journal line (not the leaf's).
const LINE_SALT_DOMAIN: &[u8] = b"cardguard-line-salt-v1";

/// `salt_i` for the line with `seq`: the first 16 bytes of
/// HMAC-SHA256(secret, "cardguard-leaf-salt-v1" || u64_be(seq)).
pub fn salt(secret: &[u8; 32], seq: u64) -> [u8; SALT_LEN] {
    LeafHasher::new(secret).salt(seq)
}

/// Salts and hashes journal lines under one install secret (the keyed
/// HMAC state is made once: a million lines hash in about a second).
#[derive(Clone)]
pub struct LeafHasher {
    mac: Hmac<Sha256>,
}

impl LeafHasher {
    pub fn new(secret: &[u8; 32]) -> Self {
        LeafHasher {
            mac: <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length"),
        }
    }

    pub fn salt(&self, seq: u64) -> [u8; SALT_LEN] {
        self.derive(SALT_DOMAIN, seq)
    }

    /// The `salt` field of the line with `seq`. Derived, not random, so it
    /// needs no RNG that could fail; unlike the leaf's salt it is never
    /// disclosed on its own, only inside the line it belongs to.
    pub fn line_salt(&self, seq: u64) -> [u8; SALT_LEN] {
        self.derive(LINE_SALT_DOMAIN, seq)
    }

    fn derive(&self, domain: &[u8], seq: u64) -> [u8; SALT_LEN] {
        let mut mac = self.mac.clone();
        mac.update(domain);
        mac.update(&seq.to_be_bytes());
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; SALT_LEN];
        out.copy_from_slice(&full[..SALT_LEN]);
        out
    }

    /// The leaf of the line at 0-based `index` (seq = index + 1).
    pub fn leaf(&self, index: u64, line: &[u8]) -> Hash {
        leaf_hash(&self.salt(index + 1), line)
    }
}

/// `SHA-256(0x00 || salt || line)`; `line` without its `\n`.
pub fn leaf_hash(salt: &[u8], line: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(salt);
    h.update(line);
    h.finalize().into()
}

pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree, `SHA-256("")`.
pub fn empty_root() -> Hash {
    Sha256::digest(b"").into()
}

/// The largest power of two smaller than `n` (n > 1): RFC 9162's `k`.
fn split(n: u64) -> u64 {
    debug_assert!(n > 1);
    1 << (63 - (n - 1).leading_zeros())
}

/// The right edge of a growing tree (one hash per set bit of the size):
/// appending and the root are O(log n), so the journal can sign a
/// checkpoint after any line without keeping every leaf.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Frontier {
    size: u64,
    /// Roots of the perfect subtrees making up the tree, largest first.
    peaks: Vec<Hash>,
}

impl Frontier {
    pub fn size(&self) -> u64 {
        self.size
    }

    /// One peak per set bit of the size (what `push` keeps): a frontier
    /// read from a file must be this before it is pushed to.
    pub fn is_well_formed(&self) -> bool {
        self.peaks.len() == self.size.count_ones() as usize
    }

    pub fn push(&mut self, leaf: Hash) {
        let mut carry = leaf;
        // Each trailing 1 bit of the old size is a peak of equal height to merge.
        let mut size = self.size;
        while size & 1 == 1 {
            let left = self.peaks.pop().expect("one peak per set bit");
            carry = node_hash(&left, &carry);
            size >>= 1;
        }
        self.peaks.push(carry);
        self.size += 1;
    }

    /// The tree head (MTH) of everything pushed so far.
    pub fn root(&self) -> Hash {
        let mut iter = self.peaks.iter().rev();
        match iter.next() {
            None => empty_root(),
            Some(last) => iter.fold(*last, |right, left| node_hash(left, &right)),
        }
    }
}

/// A whole tree kept level by level (level 0 = the leaves, level k = the
/// roots of the aligned perfect subtrees of 2^k leaves): any subtree hash a
/// proof needs is then a lookup or O(log n) hashes, so a proof in a log of
/// a million lines takes microseconds, not a rehash of everything.
pub struct Tree {
    levels: Vec<Vec<Hash>>,
}

impl Tree {
    pub fn new(leaves: Vec<Hash>) -> Self {
        let mut levels = vec![leaves];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().expect("non-empty");
            let up: Vec<Hash> = below
                .chunks_exact(2)
                .map(|p| node_hash(&p[0], &p[1]))
                .collect();
            levels.push(up);
        }
        Tree { levels }
    }

    pub fn size(&self) -> u64 {
        self.levels[0].len() as u64
    }

    pub fn leaf(&self, index: u64) -> Option<&Hash> {
        self.levels[0].get(index as usize)
    }

    /// MTH(D[0:n]) for any n up to the size.
    pub fn root_at(&self, n: u64) -> Hash {
        if n == 0 {
            empty_root()
        } else {
            self.range(0, n)
        }
    }

    /// MTH(D[lo:hi]), hi > lo, for the ranges RFC 9162's recursion visits.
    fn range(&self, lo: u64, hi: u64) -> Hash {
        let n = hi - lo;
        if n.is_power_of_two() && lo.is_multiple_of(n) {
            let level = n.trailing_zeros() as usize;
            if let Some(h) = self
                .levels
                .get(level)
                .and_then(|l| l.get((lo / n) as usize))
            {
                return *h;
            }
        }
        let k = split(n);
        node_hash(&self.range(lo, lo + k), &self.range(lo + k, hi))
    }

    /// PATH(m, D[0:n]) (§2.1.3.1): the inclusion proof of leaf `m` in the
    /// tree of the first `n` leaves. `None` when m ≥ n or n is past the end.
    pub fn inclusion(&self, m: u64, n: u64) -> Option<Vec<Hash>> {
        if m >= n || n > self.size() {
            return None;
        }
        let mut proof = Vec::new();
        self.path(m, 0, n, &mut proof);
        Some(proof)
    }

    fn path(&self, m: u64, lo: u64, hi: u64, out: &mut Vec<Hash>) {
        let n = hi - lo;
        if n <= 1 {
            return;
        }
        let k = split(n);
        if m < k {
            self.path(m, lo, lo + k, out);
            out.push(self.range(lo + k, hi));
        } else {
            self.path(m - k, lo + k, hi, out);
            out.push(self.range(lo, lo + k));
        }
    }

    /// PROOF(m, D[0:n]) (§2.1.4.1): that the tree of size m is a prefix of
    /// the tree of size n. `None` unless 0 < m ≤ n ≤ size.
    pub fn consistency(&self, m: u64, n: u64) -> Option<Vec<Hash>> {
        if m == 0 || m > n || n > self.size() {
            return None;
        }
        let mut proof = Vec::new();
        self.subproof(m, 0, n, true, &mut proof);
        Some(proof)
    }

    fn subproof(&self, m: u64, lo: u64, hi: u64, whole: bool, out: &mut Vec<Hash>) {
        let n = hi - lo;
        if m == n {
            if !whole {
                out.push(self.range(lo, hi));
            }
            return;
        }
        let k = split(n);
        if m <= k {
            self.subproof(m, lo, lo + k, whole, out);
            out.push(self.range(lo + k, hi));
        } else {
            self.subproof(m - k, lo + k, hi, false, out);
            out.push(self.range(lo, lo + k));
        }
    }
}

/// Checks an inclusion proof (§2.1.3.2).
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    snode == 0 && r == *root
}

/// Checks a consistency proof from size `m` (root `old`) to size `n`
/// (root `new`) (§2.1.4.2). m == n holds with the empty proof.
pub fn verify_consistency(m: u64, n: u64, old: &Hash, new: &Hash, proof: &[Hash]) -> bool {
    if m == 0 || m > n {
        return false;
    }
    if m == n {
        return proof.is_empty() && old == new;
    }
    let mut path: Vec<Hash> = proof.to_vec();
    if m.is_power_of_two() {
        path.insert(0, *old);
    }
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let (mut fnode, mut snode) = (m - 1, n - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    fr == *old && sr == *new && snode == 0
}

#[cfg(test)]
mod tests;
