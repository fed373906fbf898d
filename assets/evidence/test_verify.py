"""Tests for verify.py, the evidence bundle's own verifier (issue 10).

Run: python3 -I -S -m unittest (in this folder), or python3 assets/evidence/test_verify.py.
`python3 test_verify.py --write-vectors FILE` writes the docs/JOURNAL.md test vectors.

The bundles here are made by a signer and a Merkle prover written below, apart from verify.py's verifier:
Ed25519 signing in affine coordinates (RFC 8032 5.1.5-5.1.6) and the proofs from the recursive
definitions of RFC 9162 2.1.3.1 / 2.1.4.1 (verify.py follows the iterative 2.1.3.2 / 2.1.4.2)."""
import base64, hashlib, hmac, importlib.util, json, os, shutil, subprocess, sys, tempfile, unittest

HERE = os.path.dirname(os.path.abspath(__file__))
VERIFY_PY = os.path.join(HERE, "verify.py")
_spec = importlib.util.spec_from_file_location("cardguard_verify", VERIFY_PY)
V = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(V)

# ---------- an independent Ed25519 signer (affine Edwards coordinates) ---------------------------------
Q = 2 ** 255 - 19
ORDER = 2 ** 252 + 27742317777372353535851937790883648493
DD = (-121665 * pow(121666, Q - 2, Q)) % Q
BASE = (15112221349535400772501151409588531511454012693041857206046113283949847762202,
        46316835694926478169428394003475163141307993866256225615783033603165251855960)


def _inv(x):
    return pow(x, Q - 2, Q)


def _pt_add(p1, p2):
    (x1, y1), (x2, y2) = p1, p2
    t = DD * x1 * x2 * y1 * y2 % Q
    return ((x1 * y2 + x2 * y1) * _inv(1 + t) % Q, (y1 * y2 + x1 * x2) * _inv(1 - t) % Q)


def _pt_mul(k, p):
    acc = (0, 1)
    for bit in bin(k)[2:]:
        acc = _pt_add(acc, acc)
        if bit == "1":
            acc = _pt_add(acc, p)
    return acc


def _encode(p):
    return (p[1] | ((p[0] & 1) << 255)).to_bytes(32, "little")


def _expand(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a = (a & ~7 & ((1 << 254) - 1)) | (1 << 254)
    return a, h[32:]


def public_key(seed):
    return _encode(_pt_mul(_expand(seed)[0], BASE))


def sign(seed, msg):
    a, prefix = _expand(seed)
    pub = _encode(_pt_mul(a, BASE))
    r = int.from_bytes(hashlib.sha512(prefix + msg).digest(), "little") % ORDER
    big_r = _encode(_pt_mul(r, BASE))
    k = int.from_bytes(hashlib.sha512(big_r + pub + msg).digest(), "little") % ORDER
    return big_r + ((r + k * a) % ORDER).to_bytes(32, "little")


# ---------- an independent Merkle prover (RFC 9162 2.1.1, 2.1.3.1, 2.1.4.1) ----------------------------
def _k(n):  # the largest power of 2 smaller than n
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = _k(len(leaves))
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def path(m, leaves):
    if len(leaves) == 1:
        return []
    k = _k(len(leaves))
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def subproof(m, leaves, b):
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = _k(n)
    if m <= k:
        return subproof(m, leaves[:k], b) + [mth(leaves[k:])]
    return subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


def consistency(m, leaves):
    return subproof(m, leaves, True)


# ---------- the log: salts, leaves, key, checkpoints (evidence-spec.md) --------------------------------
def salt(salt_key, seq):
    return hmac.new(salt_key, b"cardguard-leaf-salt-v1" + seq.to_bytes(8, "big"), hashlib.sha256).digest()[:16]


def leaf(salt16, line):
    return hashlib.sha256(b"\x00" + salt16 + line).digest()


class Key:
    def __init__(self, seed):
        self.seed, self.pub = seed, public_key(seed)
        self.name = "cardguard/" + hashlib.sha256(self.pub).hexdigest()[:16]
        self.kid = hashlib.sha256(self.name.encode() + b"\n\x01" + self.pub).digest()[:4]
        self.vkey = "%s+%s+%s\n" % (self.name, self.kid.hex(), base64.b64encode(b"\x01" + self.pub).decode())
        self.skey = "PRIVATE+KEY+%s+%s+%s\n" % (self.name, self.kid.hex(), base64.b64encode(b"\x01" + seed).decode())

    def checkpoint(self, size, root, origin=None):
        body = "%s\n%d\n%s\n" % (origin or self.name, size, base64.b64encode(root).decode())
        sig = base64.b64encode(self.kid + sign(self.seed, body.encode())).decode()
        return (body + "\n\u2014 %s %s\n" % (self.name, sig)).encode()

    def note(self, text):
        sig = base64.b64encode(self.kid + sign(self.seed, text.encode())).decode()
        return (text + "\n\u2014 %s %s\n" % (self.name, sig)).encode()


def journal_line(seq, kind, order, data, prev):
    body = '{"seq":%d,"ts":"2026-11-27T09:%02d:00.000Z","tz":"+08:00","kind":"%s","order":%s,"data":%s,"prev":"%s"' % (
        seq, seq, kind, json.dumps(order), json.dumps(data, separators=(",", ":"), sort_keys=True), prev)
    return (body + ',"hash":"%s"}' % hashlib.sha256((body + "}").encode()).hexdigest()).encode()


SHOT = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
SHOT_NAME = "screenshots/2026-11/CG-A-release.png"
EVENTS = [  # (kind, order, data): order A's lines are seq 2, 4, 5, 6, 8
    ("app_started", None, {"version": "1"}), ("review_shown", "CG-A", {"face_value_fen": 10000}),
    ("review_shown", "CG-B", {"face_value_fen": 5000}), ("confirmed", "CG-A", {"hold_s": 10}),
    ("released", "CG-A", {"mode": "clipboard"}),
    ("screenshot_taken", "CG-A", {"path": SHOT_NAME, "sha256": hashlib.sha256(SHOT).hexdigest(), "step": "release"}),
    ("confirmed", "CG-B", {"hold_s": 10}), ("settled", "CG-A", {"payout_fen": 9500}),
]


class Log:
    def __init__(self, seed=bytes(range(32, 64)), salt_key=bytes(range(32))):
        self.key, self.salt_key, self.lines, prev = Key(seed), salt_key, [], "0" * 64
        for seq, (kind, order, data) in enumerate(EVENTS, 1):
            self.lines.append(journal_line(seq, kind, order, data, prev))
            prev = json.loads(self.lines[-1])["hash"]
        self.leaves = [leaf(salt(salt_key, i + 1), ln) for i, ln in enumerate(self.lines)]

    def root(self, n):
        return mth(self.leaves[:n])


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def make_bundle(out, log, order="CG-A", cps=(5, 8), tsr=None, lang=None):
    """A bundle as the exporter writes it; tsr maps a checkpoint size to its token bytes."""
    n, mine = cps[-1], [ln for ln in log.lines if json.loads(ln)["order"] == order]
    seqs = [json.loads(ln)["seq"] for ln in mine]
    files = {"entries.jsonl": b"".join(ln + b"\n" for ln in mine), "log.vkey": log.key.vkey.encode(),
             SHOT_NAME: SHOT, "verify.py": read(VERIFY_PY), "README.txt": b"readme\n",
             "report.html": b"<!doctype html><title>report</title>\n"}
    proofs = {"log_origin": log.key.name, "tree_size": n,
              "entries": [{"seq": s, "salt": salt(log.salt_key, s).hex(),
                           "inclusion": [h.hex() for h in path(s - 1, log.leaves[:n])]} for s in seqs],
              "checkpoints": []}
    for m in cps:
        files["checkpoints/%d.txt" % m] = log.key.checkpoint(m, log.root(m))
        if tsr and m in tsr:
            files["checkpoints/%d.tsr" % m] = tsr[m]
        proofs["checkpoints"].append({"size": m, "file": "checkpoints/%d.txt" % m,
                                      "tsr": "checkpoints/%d.tsr" % m if tsr and m in tsr else None,
                                      "consistency_to_latest": [h.hex() for h in consistency(m, log.leaves[:n])]
                                      if m < n else []})
    files["proofs.json"] = json.dumps(proofs, indent=1).encode()
    for name, data in files.items():
        write(os.path.join(out, name), data)
    write_manifest(out, order, lang, key=log.key)
    return out


def write_manifest(out, order="CG-A", lang=None, skip=(), key=None):
    """The manifest of every file; signed (manifest.sig) when the key is given, as the exporter does. A forger
    re-making the manifest has no key: the old manifest.sig then no longer matches."""
    names = sorted(os.path.relpath(os.path.join(d, f), out).replace(os.sep, "/")
                   for d, _, fs in os.walk(out) for f in fs)
    files = []
    for name in names:
        if name not in ("manifest.json", "manifest.sig") and name not in skip and os.path.isfile(os.path.join(out, name)):
            data = read(os.path.join(out, name))
            files.append({"name": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
    m = {"format": "cardguard-evidence-3", "order": order, "exported_at": "2026-11-27T10:00:00Z", "files": files}
    if lang:
        m["lang"] = lang
    data = json.dumps(m, indent=1).encode()
    write(os.path.join(out, "manifest.json"), data)
    if key is not None:
        statement = "cardguard-evidence-3\n%s\n%s\n" % (order, hashlib.sha256(data).hexdigest())
        write(os.path.join(out, "manifest.sig"), key.note(statement))


def run(bundle, *args, env=None):
    r = subprocess.run([sys.executable, "-I", "-S", VERIFY_PY, bundle] + list(args), capture_output=True,
                       timeout=60, env=env)
    return r.returncode, r.stdout.decode("utf-8")


def failed_lines(out):
    return "\n".join(ln for ln in out.splitlines() if ln.startswith("\u2718"))


# ---------- known answers -------------------------------------------------------------------------------
RFC8032 = [  # RFC 8032 section 7.1, TEST 1-3: seed, public key, message, signature
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
]
# The certificate-transparency test leaves and roots (transparency-dev/merkle testonly/constants.go).
CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
CT_ROOTS = ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]
# Known proofs (transparency-dev/merkle proof/verify_test.go): (leaf index 0-based, size, path) and (m, n, proof).
CT_INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
CT_CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]


def hx(v):
    return [bytes.fromhex(h) for h in v]


class Ed25519Test(unittest.TestCase):
    def test_rfc8032_vectors_1_to_3_sign_here_and_verify_in_verify_py(self):
        for seed, pub, msg, sig in RFC8032:
            seed, pub, msg, sig = (bytes.fromhex(x) for x in (seed, pub, msg, sig))
            self.assertEqual(public_key(seed), pub)
            self.assertEqual(sign(seed, msg), sig)
            self.assertTrue(V.ed25519_verify(pub, msg, sig))
            self.assertFalse(V.ed25519_verify(pub, msg + b"x", sig))
            for i in (0, 31, 32, 63):  # a flipped bit in R or in S
                bad = bytearray(sig)
                bad[i] ^= 1
                self.assertFalse(V.ed25519_verify(pub, msg, bytes(bad)))
            other = bytes.fromhex(RFC8032[1][1] if pub.hex() != RFC8032[1][1] else RFC8032[0][1])
            self.assertFalse(V.ed25519_verify(other, msg, sig))

    def test_s_at_or_above_l_is_refused(self):
        _, pub, _, sig = (bytes.fromhex(x) for x in RFC8032[0])
        s = int.from_bytes(sig[32:], "little")
        self.assertFalse(V.ed25519_verify(pub, b"", sig[:32] + (s + ORDER).to_bytes(32, "little")))
        self.assertFalse(V.ed25519_verify(pub, b"", sig[:32] + ORDER.to_bytes(32, "little")))

    def test_non_canonical_point_encodings_are_refused(self):
        self.assertIsNotNone(V._decode_point((1).to_bytes(32, "little")))  # the neutral point (0, 1)
        self.assertIsNone(V._decode_point((Q + 1).to_bytes(32, "little")))  # y = 1 written as p + 1
        self.assertIsNone(V._decode_point((1 | 1 << 255).to_bytes(32, "little")))  # x = 0 with the sign bit
        self.assertIsNone(V._decode_point((2).to_bytes(32, "little")))  # y = 2 is not on the curve
        _, pub, _, sig = (bytes.fromhex(x) for x in RFC8032[0])
        self.assertFalse(V.ed25519_verify((Q + 1).to_bytes(32, "little"), b"", sig))  # a non-canonical key
        self.assertFalse(V.ed25519_verify(pub, b"", (Q + 1).to_bytes(32, "little") + sig[32:]))

    def test_signatures_of_this_signer_verify_and_wrong_keys_do_not(self):
        for i in range(4):
            seed, msg = hashlib.sha256(b"seed%d" % i).digest(), b"message %d" % i
            self.assertTrue(V.ed25519_verify(public_key(seed), msg, sign(seed, msg)))
            self.assertFalse(V.ed25519_verify(public_key(seed[::-1]), msg, sign(seed, msg)))


class MerkleTest(unittest.TestCase):
    leaves = [leaf(b"", bytes.fromhex(h)) for h in CT_LEAVES]

    def test_ct_roots_for_sizes_1_to_8(self):
        for n in range(1, 9):
            self.assertEqual(mth(self.leaves[:n]).hex(), CT_ROOTS[n - 1])
        self.assertEqual(mth([]).hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

    def test_ct_known_proofs_match_the_prover_and_verify(self):
        for i, n, proof in CT_INCLUSION:
            self.assertEqual(path(i, self.leaves[:n]), hx(proof))
            self.assertTrue(V.verify_inclusion(i, n, self.leaves[i], hx(proof), bytes.fromhex(CT_ROOTS[n - 1])))
        for m, n, proof in CT_CONSISTENCY:
            self.assertEqual(consistency(m, self.leaves[:n]), hx(proof))
            r1, r2 = bytes.fromhex(CT_ROOTS[m - 1]), bytes.fromhex(CT_ROOTS[n - 1])
            self.assertTrue(V.verify_consistency(m, n, r1, r2, hx(proof)))

    def test_every_proof_verifies_for_sizes_up_to_70(self):
        leaves = [leaf(b"", b"%d" % i) for i in range(70)]
        roots = [mth(leaves[:n]) for n in range(71)]
        for n in range(1, 71):
            for i in range(n):
                self.assertTrue(V.verify_inclusion(i, n, leaves[i], path(i, leaves[:n]), roots[n]), (i, n))
            for m in range(1, n + 1):
                self.assertTrue(V.verify_consistency(m, n, roots[m], roots[n], consistency(m, leaves[:n])), (m, n))

    def test_corrupted_inclusion_proofs_fail(self):
        some = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")
        for i, n, proof in CT_INCLUSION:
            p, root, lf = hx(proof), bytes.fromhex(CT_ROOTS[n - 1]), self.leaves[i]
            probes = [(i - 1, n, lf, p, root), (i + 1, n, lf, p, root), (i ^ 2, n, lf, p, root),
                      (i, n * 2, lf, p, root), (i, n // 2, lf, p, root), (i, n, b"WrongLeaf", p, root),
                      (i, n, lf, p, some), (i, n, lf, p + [b""], root), (i, n, lf, p + [root], root),
                      (i, n, lf, [root] + p, root), (i, n, lf, p[:-1], root), (i, n, lf, [p[0], some] + p[1:], root)]
            probes += [(i, n, lf, p[:k] + [bytes([p[k][0] ^ 8]) + p[k][1:]] + p[k + 1:], root) for k in range(len(p))]
            for probe in probes:
                if probe[0] >= 0:
                    self.assertFalse(V.verify_inclusion(*probe), (i, n, probe[:2]))

    def test_corrupted_consistency_proofs_fail(self):
        for m, n, proof in CT_CONSISTENCY:
            p, r1, r2 = hx(proof), bytes.fromhex(CT_ROOTS[m - 1]), bytes.fromhex(CT_ROOTS[n - 1])
            probes = [(m - 1, n, r1, r2, p), (m + 1, n, r1, r2, p), (m ^ 2, n, r1, r2, p), (m, n * 2, r1, r2, p),
                      (m, n // 2, r1, r2, p), (m, n, b"WrongRoot", r2, p), (m, n, r1, b"WrongRoot", p),
                      (m, n, r2, r1, p), (m, n, r1, r2, []), (m, n, r1, r2, p + [r1]), (m, n, r1, r2, p + [r2]),
                      (m, n, r1, r2, [r1] + p), (m, n, r1, r2, [r2] + p), (m, n, r1, r2, [p[0]] + p),
                      (m, n, r1, r2, p[:-1])]
            probes += [(m, n, r1, r2, p[:k] + [bytes([p[k][0] ^ 16]) + p[k][1:]] + p[k + 1:]) for k in range(len(p))]
            for probe in probes:
                if probe[0] != probe[1]:
                    self.assertFalse(V.verify_consistency(*probe), (m, n, probe[:2]))
        self.assertTrue(V.verify_consistency(3, 3, b"r", b"r", []))
        self.assertFalse(V.verify_consistency(3, 3, b"r", b"s", []))
        self.assertFalse(V.verify_consistency(3, 3, b"r", b"r", [b"r"]))


class BundleTest(unittest.TestCase):
    log = Log()

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="py-bundle-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.b = make_bundle(os.path.join(self.tmp, "bundle"), self.log)

    def p(self, name):
        return os.path.join(self.b, name)

    def edit(self, name, fn, fix_manifest=True):
        """Change one file of the bundle; with fix_manifest the manifest is re-made as a forger would."""
        with open(self.p(name), "rb") as f:
            data = fn(f.read())
        with open(self.p(name), "wb") as f:
            f.write(data)
        if fix_manifest:
            write_manifest(self.b)

    def edit_proofs(self, fn):
        self.edit("proofs.json", lambda d: json.dumps(fn(json.loads(d))).encode())

    def assertFails(self, *names, args=()):
        rc, out = run(self.b, *args)
        self.assertEqual(rc, 1, out)
        self.assertIn("RESULT:", out)
        for name in names:
            self.assertIn(name, failed_lines(out), out)
        return out

    def test_a_good_bundle_passes(self):
        rc, out = run(self.b)
        self.assertEqual(rc, 0, out)
        self.assertEqual(failed_lines(out), "")
        for name in ("entries.jsonl", "proofs.json", "log.vkey", SHOT_NAME, "checkpoints/5.txt", "report.html"):
            self.assertIn("\u2714 %s: SHA-256 matches" % name, out)
        for k, seq in enumerate((2, 4, 5, 6, 8), 1):
            self.assertIn("\u2714 entries.jsonl line %d (seq %d)" % (k, seq), out)
        self.assertIn("\u2714 checkpoint 5 is a prefix of checkpoint 8", out)
        self.assertIn("\u2714 checkpoints/8.txt: signature by %s verifies" % self.log.key.name, out)
        self.assertIn("note: this bundle holds no time-stamp token", out)

    def test_run_from_inside_the_bundle_as_the_readme_says(self):
        r = subprocess.run([sys.executable, "-I", "-S", "verify.py", "."], cwd=self.b, capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout.decode())
        r = subprocess.run([sys.executable, "-I", "-S", os.path.join(self.b, "verify.py")], capture_output=True,
                           timeout=60)  # no argument: the folder verify.py is in
        self.assertEqual(r.returncode, 0, r.stdout.decode())

    def test_verify_writes_nothing(self):
        def snapshot():
            return sorted((d, f, os.stat(os.path.join(d, f)).st_mtime_ns, read(os.path.join(d, f)))
                          for d, _, fs in os.walk(self.tmp) for f in fs)
        before = snapshot()
        os.chmod(self.b, 0o500)  # a read-only bundle checks the same
        self.addCleanup(os.chmod, self.b, 0o700)
        self.assertEqual(run(self.b)[0], 0)
        self.assertEqual(snapshot(), before)

    def test_changed_byte_in_entries(self):
        self.edit("entries.jsonl", lambda d: d.replace(b"clipboard", b"clipboarD"), fix_manifest=False)
        self.assertFails("entries.jsonl: SHA-256 differs", "entries.jsonl line 3: its own journal hash is wrong")

    def test_changed_line_re_hashed_with_a_new_manifest_is_caught_by_the_tree(self):
        def rehash(d):
            lines = d.split(b"\n")
            v = json.loads(lines[2])
            lines[2] = journal_line(v["seq"], v["kind"], v["order"], {"mode": "typed"}, v["prev"])
            return b"\n".join(lines)
        self.edit("entries.jsonl", rehash)
        self.assertFails("entries.jsonl line 3: inclusion proof does not verify")

    def test_changed_byte_in_proofs(self):
        def flip(pj):
            h = pj["entries"][0]["inclusion"][0]
            pj["entries"][0]["inclusion"][0] = ("0" if h[0] != "0" else "1") + h[1:]
            return pj
        self.edit_proofs(flip)
        self.assertFails("entries.jsonl line 1: inclusion proof does not verify")
        self.edit("proofs.json", lambda d: d.replace(b'"tree_size": 8', b'"tree_size": 9'))
        self.assertFails("proofs.json: is not in the expected form")

    def test_changed_byte_in_a_checkpoint(self):
        def flip_root(d):
            lines = d.split(b"\n")
            lines[2] = (b"A" if lines[2][:1] != b"A" else b"B") + lines[2][1:]
            return b"\n".join(lines)
        self.edit("checkpoints/8.txt", flip_root)
        self.assertFails("checkpoints/8.txt: no valid signature by " + self.log.key.name,
                         "checkpoint 5 -> 8: not checked")

    def test_changed_byte_in_a_screenshot(self):
        self.edit(SHOT_NAME, lambda d: d[:-1] + bytes([d[-1] ^ 1]), fix_manifest=False)
        self.assertFails(SHOT_NAME + ": SHA-256 differs")
        write_manifest(self.b)
        self.assertFails(SHOT_NAME + ": no screenshot_taken line of entries.jsonl names this file")

    def test_changed_byte_in_the_manifest(self):
        self.edit("manifest.json", lambda d: d.replace(hashlib.sha256(self.log.key.vkey.encode()).hexdigest().encode(),
                                                         b"0" * 64), fix_manifest=False)
        self.assertFails("log.vkey: SHA-256 differs from the manifest")
        write_manifest(self.b, order="CG-B")  # the same lines presented as another order's
        self.assertFails("entries.jsonl line 1 (seq 2) does not belong to CG-B")

    def test_changed_byte_in_log_vkey(self):
        self.edit("log.vkey", lambda d: d[:12] + (b"0" if d[12:13] != b"0" else b"1") + d[13:])  # in the name
        self.assertFails("log.vkey: the key id does not match the key", "checkpoints/8.txt: not checked")

    def test_another_log_key_in_log_vkey(self):
        self.edit("log.vkey", lambda d: Key(bytes(32)).vkey.encode())
        self.assertFails("checkpoints/8.txt: origin", "checkpoints/5.txt: origin")

    def test_checkpoint_swapped_for_another_size(self):
        self.edit("checkpoints/5.txt", lambda d: self.log.key.checkpoint(4, self.log.root(4)))
        self.assertFails("checkpoints/5.txt: its size 4 does not match")

    def test_signature_by_another_key(self):
        other = Key(bytes(range(100, 132)))
        forged = other.checkpoint(8, self.log.root(8), origin=self.log.key.name).replace(
            other.name.encode(), self.log.key.name.encode())  # the right name, the wrong key
        self.assertNotEqual(forged, self.log.key.checkpoint(8, self.log.root(8)))
        self.edit("checkpoints/8.txt", lambda d: forged)
        self.assertFails("checkpoints/8.txt: no valid signature")

    def test_wrong_salt(self):
        def salt_of_next(pj):
            pj["entries"][1]["salt"] = salt(self.log.salt_key, pj["entries"][1]["seq"] + 1).hex()
            return pj
        self.edit_proofs(salt_of_next)
        self.assertFails("entries.jsonl line 2: inclusion proof does not verify")

    def test_missing_files(self):
        os.unlink(self.p(SHOT_NAME))
        os.unlink(self.p("checkpoints/5.txt"))
        self.assertFails(SHOT_NAME + ": missing", "checkpoints/5.txt: missing", "checkpoint 5 -> 8: not checked")

    def test_symlink_instead_of_a_file(self):
        copy = os.path.join(self.tmp, "entries-copy.jsonl")  # the very same bytes, reached through a link
        shutil.copy(self.p("entries.jsonl"), copy)
        os.unlink(self.p("entries.jsonl"))
        os.symlink(copy, self.p("entries.jsonl"))
        self.assertFails("entries.jsonl: is a symbolic link")

    def test_symlinked_folder(self):
        shutil.move(self.p("screenshots"), os.path.join(self.tmp, "shots"))
        os.symlink(os.path.join(self.tmp, "shots"), self.p("screenshots"))
        self.assertFails(SHOT_NAME + ": is a symbolic link", "screenshots: in the folder but not in the manifest")

    @unittest.skipUnless(hasattr(os, "mkfifo"), "no FIFOs here")
    def test_fifo_instead_of_a_file_does_not_hang(self):
        os.unlink(self.p(SHOT_NAME))
        os.mkfifo(self.p(SHOT_NAME))
        self.assertFails(SHOT_NAME + ": is not a plain file")  # run() would time out after 60 s if it hung

    def test_inclusion_proof_for_the_wrong_index(self):
        def proof_of_next(pj):
            seq = pj["entries"][0]["seq"]
            pj["entries"][0]["inclusion"] = [h.hex() for h in path(seq, self.log.leaves)]
            return pj
        self.edit_proofs(proof_of_next)
        self.assertFails("entries.jsonl line 1: inclusion proof does not verify")

    def test_consistency_proof_that_does_not_hold(self):
        def proof_from_4(pj):
            pj["checkpoints"][0]["consistency_to_latest"] = [h.hex() for h in consistency(4, self.log.leaves)]
            return pj
        self.edit_proofs(proof_from_4)
        self.assertFails("checkpoint 5 -> 8: consistency proof does not verify")

    def test_another_orders_line_is_named(self):
        def add_b(pj):  # order B's line seq 3, with a proof that holds: only the ownership check can see it
            pj["entries"].insert(1, {"seq": 3, "salt": salt(self.log.salt_key, 3).hex(),
                                     "inclusion": [h.hex() for h in path(2, self.log.leaves)]})
            return pj
        self.edit("entries.jsonl", lambda d: d.replace(self.log.lines[3], self.log.lines[2] + b"\n" +
                                                          self.log.lines[3]), fix_manifest=False)
        self.edit_proofs(add_b)
        out = self.assertFails("entries.jsonl line 2 (seq 3) does not belong to CG-A")
        self.assertIn("\u2714 entries.jsonl line 2 (seq 3)", out)

    def test_unlisted_file_and_escaping_path(self):
        write(self.p("screenshots/2026-11/extra.png"), SHOT)
        self.assertFails("screenshots/2026-11/extra.png: in the folder but not in the manifest")

        def escape(d):
            m = json.loads(d)
            m["files"] += [{"name": "../outside", "sha256": "0" * 64, "bytes": 0}, {"name": ["x"]}, m["files"][0]]
            return json.dumps(m).encode()
        self.edit("manifest.json", escape, fix_manifest=False)
        self.assertFails("'../outside': is not a plain relative path", "['x']: is not a plain relative path",
                         "'README.txt': is listed twice")

    def test_unreadable_bundle_exits_2(self):
        self.assertEqual(run(os.path.join(self.tmp, "nowhere"))[0], 2)
        self.edit("manifest.json", lambda d: d[:-3], fix_manifest=False)
        rc, out = run(self.b)
        self.assertEqual((rc, "manifest.json cannot be read" in out), (2, True), out)
        os.unlink(self.p("manifest.json"))
        self.assertEqual(run(self.b)[0], 2)
        self.assertEqual(run(self.b, "--lang", "fr")[0], 2)

    def test_a_manifest_remade_without_the_key_fails(self):
        # Drop a line and its proof, change the report, re-make the manifest: all as a forger would.
        self.edit("report.html", lambda d: d.replace(b"report", b"forged"))
        self.assertFails("manifest.sig")
        write_manifest(self.b, key=Key(bytes(range(64, 96))))  # signed, but by another key
        self.assertFails("manifest.sig")

    def test_languages(self):
        self.assertEqual(set(V.T["en"]), set(V.T["zh-CN"]))
        rc, out = run(self.b, "--lang", "zh-CN")
        self.assertEqual(rc, 0, out)
        self.assertIn("结论：全部", out)
        write_manifest(self.b, lang="zh-CN", key=self.log.key)
        self.assertIn("结论：全部", run(self.b)[1])
        self.assertIn("RESULT: all", run(self.b, "--lang", "en")[1])
        os.unlink(self.p(SHOT_NAME))
        self.assertIn("项检查中", run(self.b)[1])


TSA_CNF = """[ tsa ]
default_tsa = tsa1
[ tsa1 ]
serial = {d}/serial
crypto_device = builtin
signer_cert = {d}/tsa.pem
signer_key = {d}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


@unittest.skipUnless(shutil.which("openssl"), "openssl is not installed")
class TokenTest(unittest.TestCase):
    """Real RFC 3161 tokens from a throw-away CA and TSA made with the openssl command line."""
    log = Log()

    @classmethod
    def setUpClass(cls):
        cls.ca = d = tempfile.mkdtemp(prefix="py-tsa-")
        def ossl(*args):
            subprocess.run(["openssl"] + list(args), cwd=d, check=True, capture_output=True, timeout=60)
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        ossl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=Test Root",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
        ossl("req", "-new", *ec, "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", "/CN=Test TSA")
        write(os.path.join(d, "ext.cnf"), b"extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature\n")
        ossl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "2", "-days", "30",
             "-extfile", "ext.cnf", "-out", "tsa.pem")
        write(os.path.join(d, "serial"), b"01\n")
        write(os.path.join(d, "tsa.cnf"), TSA_CNF.format(d=d).encode())
        cls.tokens = {}
        for m in (5, 8):
            write(os.path.join(d, "%d.txt" % m), cls.log.key.checkpoint(m, cls.log.root(m)))
            ossl("ts", "-query", "-data", "%d.txt" % m, "-sha256", "-cert", "-out", "%d.tsq" % m)
            ossl("ts", "-reply", "-config", "tsa.cnf", "-queryfile", "%d.tsq" % m, "-out", "%d.tsr" % m)
            cls.tokens[m] = read(os.path.join(d, "%d.tsr" % m))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.ca, True)

    def bundle(self, tokens, with_root=True):
        tmp = tempfile.mkdtemp(prefix="py-bundle-")
        self.addCleanup(shutil.rmtree, tmp, True)
        b = os.path.join(tmp, "b")
        os.makedirs(os.path.join(b, "tsa"))
        shutil.copy(os.path.join(self.ca, "tsa.pem"), os.path.join(b, "tsa", "Test-TSA.pem"))
        if with_root:
            shutil.copy(os.path.join(self.ca, "ca.pem"), os.path.join(b, "tsa", "Test-Root.pem"))
        return make_bundle(b, self.log, tsr=tokens)

    def test_a_token_verifies_with_the_root_in_tsa_and_its_time_and_fingerprint_are_shown(self):
        rc, out = run(self.bundle({5: self.tokens[5]}))
        self.assertEqual(rc, 0, out)
        self.assertIn("\u2714 checkpoints/5.tsr: time-stamp token verifies", out)
        self.assertIn("attests checkpoints/5.txt existed at: ", out)
        der = base64.b64decode(b"".join(read(os.path.join(self.ca, "ca.pem")).split(b"\n")[1:-2]))
        self.assertIn(hashlib.sha256(der).hexdigest().upper()[:8], out.replace(":", ""))

    def test_a_token_for_other_bytes_fails(self):
        rc, out = run(self.bundle({5: self.tokens[8]}))
        self.assertEqual(rc, 1, out)
        self.assertIn("checkpoints/5.tsr: openssl ts -verify fails", failed_lines(out))

    def test_the_root_can_be_given_with_tsa_root(self):
        b = self.bundle({5: self.tokens[5], 8: self.tokens[8]}, with_root=False)
        rc, out = run(b)
        self.assertEqual(rc, 0, out)
        self.assertIn("no root certificate", out)
        self.assertIn("time-stamp tokens were not checked", out)
        rc, out = run(b, "--tsa-root", os.path.join(self.ca, "ca.pem"))
        self.assertEqual(rc, 0, out)
        self.assertIn("\u2714 checkpoints/8.tsr: time-stamp token verifies", out)
        rc, out = run(b, "--tsa-root", os.path.join(self.ca, "tsa.pem"))  # not the root: the chain is incomplete
        self.assertEqual(rc, 1, out)

    def test_without_openssl_the_tokens_are_said_to_be_unchecked(self):
        empty = tempfile.mkdtemp(prefix="py-path-")
        self.addCleanup(shutil.rmtree, empty, True)
        rc, out = run(self.bundle({5: self.tokens[5]}), env={"PATH": empty})
        self.assertEqual(rc, 0, out)
        self.assertIn("openssl is not installed", out)
        self.assertIn("time-stamp tokens were not checked", out)


@unittest.skipUnless(shutil.which("openssl"), "openssl is not installed")
class OpensslEd25519Test(unittest.TestCase):
    def test_openssl_agrees_with_the_test_signer_and_verify_py(self):
        tmp = tempfile.mkdtemp(prefix="py-ed-")
        self.addCleanup(shutil.rmtree, tmp, True)
        for i in range(3):
            seed, msg = hashlib.sha256(b"openssl %d" % i).digest(), b"cardguard/x\n%d\nroot\n" % i
            write(os.path.join(tmp, "k.der"), bytes.fromhex("302e020100300506032b657004220420") + seed)
            write(os.path.join(tmp, "m"), msg)
            pub = subprocess.run(["openssl", "pkey", "-inform", "DER", "-in", "k.der", "-pubout", "-outform", "DER"],
                                 cwd=tmp, capture_output=True, check=True).stdout[-32:]
            sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", "k.der", "-keyform", "DER", "-rawin",
                                  "-in", "m"], cwd=tmp, capture_output=True, check=True).stdout
            self.assertEqual((public_key(seed), sign(seed, msg)), (pub, sig))
            self.assertTrue(V.ed25519_verify(pub, msg, sig))


def journal_vectors():
    """The docs/JOURNAL.md test vectors: salt key 00..1f, signing seed 20..3f, three literal lines."""
    salt_key, key = bytes(range(32)), Key(bytes(range(32, 64)))
    lines = [b'{"seq":1,"a":1}', b'{"seq":2,"b":2}', b'{"seq":3,"c":3}']
    salts = [salt(salt_key, i + 1) for i in range(3)]
    leaves = [leaf(s, ln) for s, ln in zip(salts, lines)]
    roots = {n: mth(leaves[:n]) for n in (1, 2, 3)}
    return {
        "salt_key_hex": salt_key.hex(), "signing_seed_hex": key.seed.hex(),
        "salt_rule": "HMAC-SHA256(salt_key, b'cardguard-leaf-salt-v1' || u64_be(seq))[:16]",
        "lines": [ln.decode() for ln in lines],
        "salts_hex": [s.hex() for s in salts], "leaf_hashes_hex": [h.hex() for h in leaves],
        "roots": {str(n): {"hex": r.hex(), "base64": base64.b64encode(r).decode()} for n, r in roots.items()},
        "inclusion_leaf0_size3_hex": [h.hex() for h in path(0, leaves)],
        "consistency_1_to_3_hex": [h.hex() for h in consistency(1, leaves)],
        "consistency_2_to_3_hex": [h.hex() for h in consistency(2, leaves)],
        "public_key_hex": key.pub.hex(), "public_key_base64": base64.b64encode(key.pub).decode(),
        "key_name": key.name, "key_id_hex": key.kid.hex(), "vkey_line": key.vkey, "signing_key_line": key.skey,
        "checkpoint_size3": key.checkpoint(3, roots[3]).decode(),
    }


class VectorsTest(unittest.TestCase):
    def test_the_journal_vectors_verify_with_verify_py(self):
        v = journal_vectors()
        leaves = [bytes.fromhex(h) for h in v["leaf_hashes_hex"]]
        roots = {int(n): bytes.fromhex(r["hex"]) for n, r in v["roots"].items()}
        self.assertTrue(V.verify_inclusion(0, 3, leaves[0], hx(v["inclusion_leaf0_size3_hex"]), roots[3]))
        for m in (1, 2):
            self.assertTrue(V.verify_consistency(m, 3, roots[m], roots[3], hx(v["consistency_%d_to_3_hex" % m])))
        name, kid, pub = V.parse_vkey(v["vkey_line"].encode())
        body, origin, size, root, sigs = V.parse_checkpoint(v["checkpoint_size3"].encode())
        self.assertEqual((name, kid.hex(), pub.hex(), origin, size, root), (v["key_name"], v["key_id_hex"],
                         v["public_key_hex"], v["key_name"], 3, roots[3]))
        self.assertEqual(V.key_id(name, pub), kid)
        self.assertTrue(V.ed25519_verify(pub, body, sigs[0][1][4:]))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--write-vectors":
        os.makedirs(os.path.dirname(os.path.abspath(sys.argv[2])), exist_ok=True)
        with open(sys.argv[2], "w", encoding="utf-8") as f:
            json.dump(journal_vectors(), f, indent=2, ensure_ascii=False)
            f.write("\n")
    else:
        unittest.main()
