use super::*;

/// The signed-note example of golang.org/x/mod/sumdb/note (also in C2SP's
/// signed-note): same key id, same deterministic signature, same text.
#[test]
fn the_go_note_example_signs_and_opens_byte_for_byte() {
    let vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    let skey = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    let want = format!(
        "{text}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
    );
    let v = LogVerifier::parse(vkey).unwrap();
    assert_eq!(v.vkey(), vkey);
    let raw = B64.decode(skey).unwrap();
    let seed: [u8; 32] = raw[1..].try_into().unwrap();
    let key = SigningKey::from_bytes(&seed);
    assert_eq!(key.verifying_key(), v.public);
    assert_eq!(sign_note(&key, &v, text), want);
    assert_eq!(v.open_note(want.as_bytes()), Ok(text));
    let edited = want.replace("cryptography", "cryptographY");
    assert_eq!(v.open_note(edited.as_bytes()), Err(NoteError::BadSignature));
}

#[test]
fn vkeys_with_a_wrong_id_case_or_length_are_refused() {
    for bad in [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ] {
        assert!(LogVerifier::parse(bad).is_err(), "{bad}");
    }
}

fn keys() -> LogKeys {
    LogKeys::from_secrets([0x20; 32], [0x00; 32])
}

#[test]
fn a_checkpoint_round_trips_and_any_change_is_caught() {
    let k = keys();
    let note = k.sign(3, [9; 32]);
    let cp = k.verifier().open(note.as_bytes()).unwrap();
    assert_eq!(
        (cp.size, cp.root, cp.origin.as_str()),
        (3, [9; 32], k.verifier().name.as_str())
    );
    assert!(note.starts_with(&format!("{}\n3\n", k.verifier().name)));
    // A size or root changed, the signature line cut, another key.
    let other = LogKeys::from_secrets([0x21; 32], [0; 32]);
    let cases = [
        note.replacen("\n3\n", "\n4\n", 1),
        note.replacen("\n3\n", "\n03\n", 1),
        note[..note.find("\n\n").unwrap() + 2].to_owned(),
        other.sign(3, [9; 32]),
        note.replacen("\n\n", "\nextra\n\n", 1),
        note.replace('—', "-"),
    ];
    for bad in cases {
        assert!(k.verifier().open(bad.as_bytes()).is_err(), "{bad}");
    }
    assert_eq!(
        k.verifier().open(other.sign(3, [9; 32]).as_bytes()),
        Err(NoteError::OtherLog(other.verifier().name.clone()))
    );
}

#[cfg(unix)]
#[test]
fn keys_are_made_once_private_and_never_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let a = LogKeys::load_or_create(dir.path()).unwrap();
    for f in [SIGNING_KEY_FILE, SALT_KEY_FILE, VKEY_FILE] {
        let mode = std::fs::metadata(dir.path().join(f))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{f}");
    }
    let b = LogKeys::load_or_create(dir.path()).unwrap();
    assert_eq!(a.verifier(), b.verifier());
    assert_eq!(a.salt_secret(), b.salt_secret());
    let vkey = std::fs::read_to_string(dir.path().join(VKEY_FILE)).unwrap();
    assert_eq!(LogVerifier::parse(&vkey).unwrap(), *a.verifier());
    assert!(LogKeys::load(dir.path()).unwrap().is_some());

    // A damaged signing key is an error, and left as it is.
    std::fs::write(
        dir.path().join(SIGNING_KEY_FILE),
        "PRIVATE+KEY+x+00000000+AA==\n",
    )
    .unwrap();
    assert!(LogKeys::load_or_create(dir.path()).is_err());
    assert_eq!(
        std::fs::read(dir.path().join(SIGNING_KEY_FILE)).unwrap(),
        b"PRIVATE+KEY+x+00000000+AA==\n"
    );
    // A symlink is refused and nothing is made through it.
    let other = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(other.path().join("x"), other.path().join(SALT_KEY_FILE)).unwrap();
    assert!(LogKeys::load_or_create(other.path()).is_err());
    assert!(!other.path().join("x").exists());
}

#[cfg(unix)]
#[test]
fn checkpoint_files_are_new_or_the_same_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let k = keys();
    let note = k.sign(2, [1; 32]);
    assert!(matches!(
        write_checkpoint(dir.path(), 2, &note),
        Ok(Written::New(_))
    ));
    assert!(matches!(
        write_checkpoint(dir.path(), 2, &note),
        Ok(Written::Kept(_))
    ));
    let other = k.sign(2, [2; 32]);
    assert!(matches!(
        write_checkpoint(dir.path(), 2, &other),
        Err(FileError::Exists(_))
    ));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("checkpoints/2.txt")).unwrap(),
        note
    );
    std::fs::write(dir.path().join("checkpoints/010.txt"), "x").unwrap();
    std::fs::write(dir.path().join("checkpoints/7.tsr"), "x").unwrap();
    write_checkpoint(dir.path(), 10, &k.sign(10, [1; 32])).unwrap();
    assert_eq!(list_checkpoints(dir.path()).unwrap(), vec![2, 10]);
    // A link at checkpoints/ is refused.
    let d2 = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("checkpoints"),
        d2.path().join("checkpoints"),
    )
    .unwrap();
    assert!(write_checkpoint(d2.path(), 3, &note).is_err());
    assert!(list_checkpoints(d2.path()).is_err());
}

/// docs/JOURNAL.md's test vectors, computed by an independent Python
/// prover and signer (assets/evidence/test_verify.py): salts, leaves,
/// roots, proofs, the key's name, id and vkey, and the signed checkpoint.
#[test]
fn the_documented_test_vectors() {
    use crate::core::evidence::merkle::{LeafHasher, Tree};
    let salt_key: [u8; 32] = std::array::from_fn(|i| i as u8);
    let seed: [u8; 32] = std::array::from_fn(|i| 0x20 + i as u8);
    let lines = [
        r#"{"seq":1,"a":1}"#,
        r#"{"seq":2,"b":2}"#,
        r#"{"seq":3,"c":3}"#,
    ];
    let h = LeafHasher::new(&salt_key);
    let salts: Vec<String> = (1..=3).map(|s| hex::encode(h.salt(s))).collect();
    assert_eq!(
        salts,
        [
            "25f74999da938853e3b9793d293c7501",
            "a6aa792b092df31bb2ce2c2fb828408f",
            "db0510334a4597217322b204e0eacb0c"
        ]
    );
    let line_salts: Vec<String> = (1..=3).map(|s| hex::encode(h.line_salt(s))).collect();
    assert_eq!(
        line_salts,
        [
            "ae27df22129ea4274a7ea7c67d7a21f4",
            "aebaf5c92c613455bb369a13661c5d74",
            "1b3fd2ae8269d857ab03f3e403accb12"
        ]
    );
    let leaves: Vec<_> = (0..3)
        .map(|i| h.leaf(i, lines[i as usize].as_bytes()))
        .collect();
    assert_eq!(
        hex::encode(leaves[0]),
        "8b208f5ed62369fbce8e88e13593b14d9ff409546b73c036ed0d31b379324add"
    );
    let tree = Tree::new(leaves);
    let roots: Vec<String> = (1..=3).map(|n| hex::encode(tree.root_at(n))).collect();
    assert_eq!(
        roots,
        [
            "8b208f5ed62369fbce8e88e13593b14d9ff409546b73c036ed0d31b379324add",
            "d2dd2c493052ef5ee60e9806c2dd3afaf073f67287ec1a0410cd2f931e3cb0fc",
            "a59e22962821e4050f281842e8c36bd60ab4c7c135659c88133d4aadba4bab46"
        ]
    );
    let hexes = |v: Vec<Hash>| v.iter().map(hex::encode).collect::<Vec<_>>();
    assert_eq!(
        hexes(tree.inclusion(0, 3).unwrap()),
        [
            "585cc2250eb8d2d1d24f97d86a4ce3263fce8929063a1b6c149541cd5d0bc6dc",
            "9dab150aef5495ee24346575b78bc9f6dcd8cde05d03ea86b29eecd1fa950f0c"
        ]
    );
    assert_eq!(
        hexes(tree.consistency(1, 3).unwrap()),
        hexes(tree.inclusion(0, 3).unwrap())
    );
    assert_eq!(
        hexes(tree.consistency(2, 3).unwrap()),
        ["9dab150aef5495ee24346575b78bc9f6dcd8cde05d03ea86b29eecd1fa950f0c"]
    );
    let keys = LogKeys::from_secrets(seed, salt_key);
    let v = keys.verifier();
    assert_eq!(v.name, "cardguard/24f6ed6acbfe1009");
    assert_eq!(hex::encode(v.id), "40c30d84");
    assert_eq!(
        v.vkey(),
        "cardguard/24f6ed6acbfe1009+40c30d84+ASmsuuFBvMrwsi4alNNNC8c2HlJtC/4SyJeUvJMilm3X"
    );
    assert_eq!(
        signer_text(&seed),
        "PRIVATE+KEY+cardguard/24f6ed6acbfe1009+40c30d84+ASAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/\n"
    );
    assert_eq!(
        keys.sign(3, tree.root_at(3)),
        "cardguard/24f6ed6acbfe1009\n3\npZ4iligh5AUPKBhC6MNr1gq0x8E1ZZyIEz1KrbpLq0Y=\n\n— cardguard/24f6ed6acbfe1009 QMMNhKqN1rXgYS13vc5ygD4ib2jviIyXZ279onLcTT+TPlrjZ0cCKVJ8kckaHhzrwFQUETPrw46P5eqjlghYd0NmzQg=\n"
    );
}

/// Keys whose base64 holds a '+' read back (the name never does).
#[test]
fn keys_with_a_plus_in_their_base64_round_trip() {
    let mut seen = 0;
    for b in 0..=255u8 {
        let seed = [b; 32];
        let v = LogVerifier::new(SigningKey::from_bytes(&seed).verifying_key());
        let text = signer_text(&seed);
        if v.vkey().rsplit('+').next().unwrap().len() != 44 {
            seen += 1;
        }
        assert_eq!(LogVerifier::parse(&v.vkey()).unwrap(), v);
        assert_eq!(parse_signer(text.as_bytes()), Some(seed));
    }
    assert!(seen > 0, "no key with a '+' among 256");
}

/// Two first starts at once (the app and `journal checkpoint`): both end
/// with the same keys, and nothing empty or half-written is left behind.
#[test]
fn keys_made_by_two_processes_at_once_are_one_pair() {
    for _ in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_path_buf();
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| LogKeys::load_or_create(&d).map(|k| k.verifier().clone()));
            let b = s.spawn(|| LogKeys::load_or_create(&d).map(|k| k.verifier().clone()));
            (a.join().unwrap(), b.join().unwrap())
        });
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a, b);
        assert_eq!(LogKeys::load(&d).unwrap().unwrap().verifier(), &a);
    }
}
