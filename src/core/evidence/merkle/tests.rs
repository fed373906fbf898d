//! Known answers from the certificate-transparency reference tests (the
//! eight CT leaves, unsalted, so leaf = SHA-256(0x00 || data)), and
//! properties: every proof for every pair of sizes verifies, and a
//! changed proof does not.

use super::*;
use proptest::prelude::*;

fn hx(s: &str) -> Hash {
    hex::decode(s).unwrap().try_into().unwrap()
}

fn ct_leaves() -> Vec<Hash> {
    [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
    .iter()
    .map(|d| leaf_hash(&[], &hex::decode(d).unwrap()))
    .collect()
}

const CT_ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

#[test]
fn roots_match_the_ct_reference_for_every_size() {
    let leaves = ct_leaves();
    let tree = Tree::new(leaves.clone());
    let mut frontier = Frontier::default();
    assert_eq!(frontier.root(), hx(CT_ROOTS[0]));
    for (n, want) in CT_ROOTS.iter().enumerate().skip(1) {
        frontier.push(leaves[n - 1]);
        assert_eq!(tree.root_at(n as u64), hx(want), "tree root at {n}");
        assert_eq!(frontier.root(), hx(want), "frontier root at {n}");
        assert_eq!(Tree::new(leaves[..n].to_vec()).root_at(n as u64), hx(want));
    }
}

#[test]
fn inclusion_proofs_match_the_ct_reference() {
    let tree = Tree::new(ct_leaves());
    let cases: [(u64, u64, &[&str]); 5] = [
        (0, 1, &[]),
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            3,
            &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
        ),
        (
            1,
            5,
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    for (m, n, want) in cases {
        let want: Vec<Hash> = want.iter().map(|h| hx(h)).collect();
        assert_eq!(tree.inclusion(m, n).unwrap(), want, "PATH({m}, {n})");
        let leaf = tree.leaf(m).unwrap();
        assert!(verify_inclusion(
            m,
            n,
            leaf,
            &want,
            &hx(CT_ROOTS[n as usize])
        ));
    }
}

#[test]
fn consistency_proofs_match_the_ct_reference() {
    let tree = Tree::new(ct_leaves());
    let cases: [(u64, u64, &[&str]); 4] = [
        (1, 1, &[]),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    for (m, n, want) in cases {
        let want: Vec<Hash> = want.iter().map(|h| hx(h)).collect();
        assert_eq!(tree.consistency(m, n).unwrap(), want, "PROOF({m}, {n})");
        let (old, new) = (hx(CT_ROOTS[m as usize]), hx(CT_ROOTS[n as usize]));
        assert!(verify_consistency(m, n, &old, &new, &want));
    }
}

#[test]
fn out_of_range_asks_get_no_proof() {
    let tree = Tree::new(ct_leaves());
    assert!(tree.inclusion(8, 8).is_none());
    assert!(tree.inclusion(0, 9).is_none());
    assert!(tree.consistency(0, 8).is_none());
    assert!(tree.consistency(5, 4).is_none());
    assert!(tree.consistency(1, 9).is_none());
    assert!(!verify_inclusion(0, 0, &[0; 32], &[], &[0; 32]));
    assert!(!verify_consistency(0, 3, &[0; 32], &[0; 32], &[]));
}

#[test]
fn the_salt_is_keyed_and_per_seq() {
    let a = salt(&[7; 32], 1);
    assert_ne!(a, salt(&[7; 32], 2));
    assert_ne!(a, salt(&[8; 32], 1));
    assert_eq!(a, salt(&[7; 32], 1));
    // HMAC-SHA256(key, "cardguard-leaf-salt-v1" || be64(seq)), first 16 bytes.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&[7; 32]).unwrap();
    mac.update(b"cardguard-leaf-salt-v1\0\0\0\0\0\0\0\x01");
    assert_eq!(a[..], mac.finalize().into_bytes()[..16]);
}

fn random_tree(n: u64, seed: u64) -> Tree {
    let leaves = (0..n)
        .map(|i| leaf_hash(&seed.to_be_bytes(), &i.to_be_bytes()))
        .collect();
    Tree::new(leaves)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Every inclusion proof and every consistency proof between two sizes
    /// verifies against roots computed independently (the frontier); a
    /// flipped bit in any proof hash makes it fail.
    #[test]
    fn every_proof_verifies(n in 1u64..=10_000, a in any::<u64>(), b in any::<u64>(), flip in any::<usize>()) {
        let tree = random_tree(n, a ^ b);
        let mut frontier = Frontier::default();
        let m = 1 + b % n;
        let mut root_m = None;
        for i in 0..n {
            frontier.push(*tree.leaf(i).unwrap());
            if i + 1 == m {
                root_m = Some(frontier.root());
            }
        }
        let root_n = frontier.root();
        let root_m = root_m.unwrap();
        prop_assert_eq!(tree.root_at(n), root_n);
        prop_assert_eq!(tree.root_at(m), root_m);

        let index = a % n;
        let proof = tree.inclusion(index, n).unwrap();
        prop_assert!(verify_inclusion(index, n, tree.leaf(index).unwrap(), &proof, &root_n));
        // The same leaf in the smaller tree, when it is in it.
        if index < m {
            let p = tree.inclusion(index, m).unwrap();
            prop_assert!(verify_inclusion(index, m, tree.leaf(index).unwrap(), &p, &root_m));
        }
        if !proof.is_empty() {
            let mut bad = proof.clone();
            bad[flip % proof.len()][flip % 32] ^= 1;
            prop_assert!(!verify_inclusion(index, n, tree.leaf(index).unwrap(), &bad, &root_n));
            prop_assert!(!verify_inclusion(index ^ 1, n, tree.leaf(index).unwrap(), &proof, &root_n) || index ^ 1 >= n);
        }

        let cons = tree.consistency(m, n).unwrap();
        prop_assert!(verify_consistency(m, n, &root_m, &root_n, &cons));
        if !cons.is_empty() {
            let mut bad = cons.clone();
            bad[flip % cons.len()][flip % 32] ^= 1;
            prop_assert!(!verify_consistency(m, n, &root_m, &root_n, &bad));
        }
        if m < n {
            prop_assert!(!verify_consistency(m, n, &root_n, &root_n, &cons));
        }
    }
}
