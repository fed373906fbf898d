#!/usr/bin/env python3
"""Check a cardguard evidence bundle (format cardguard-evidence-3) with nothing but Python 3.

    python3 -I -S verify.py .        or: verify.py BUNDLE_DIR [--tsa-root PEM] [--lang zh-CN|en]

Exit 0: every check passed. 1: something failed (each failure is named). 2: the bundle cannot be read.
It never writes anything, follows no symbolic link and opens no FIFO or device in the bundle.
Formats: cardguard's docs/JOURNAL.md; Merkle proofs RFC 9162 section 2.1; Ed25519 RFC 8032; checkpoints
C2SP tlog-checkpoint + signed-note; time-stamp tokens RFC 3161 (checked by `openssl ts -verify`)."""
import base64, errno, hashlib, json, os, re, shutil, stat, subprocess, sys

FORMAT = "cardguard-evidence-3"
FILE_CAP = 64 << 20  # 64 MiB per file
HEX64, HEX32 = re.compile(r"[0-9a-f]{64}\Z"), re.compile(r"[0-9a-f]{32}\Z")

T = {
"en": {
    "usage": "usage: verify.py [BUNDLE_DIR] [--tsa-root PEM] [--lang zh-CN|en]",
    "title": "cardguard evidence bundle: {dir}", "about": "order {order}, exported {at}",
    "no_dir": "{dir} cannot be opened as a folder: {x}",
    "no_manifest": "manifest.json cannot be read ({x}): not a readable cardguard-evidence-3 bundle",
    "file_ok": "{name}: SHA-256 matches the manifest ({n} bytes)", "bad": "{name}: {why}",
    "unlisted": "{name}: in the folder but not in the manifest",
    "all_listed": "every file in the folder is listed in the manifest", "missing": "missing",
    "link": "is a symbolic link (refused, not followed)",
    "special": "is not a plain file (folder, FIFO or device: refused, not opened)",
    "big": "is larger than 64 MiB (refused)", "badpath": "is not a plain relative path inside the bundle",
    "dup": "is listed twice", "hash": "SHA-256 differs from the manifest", "size": "size differs from the manifest",
    "oserr": "cannot be read: {x}", "notlisted": "{x} is not listed in the manifest",
    "form": "is not in the expected form: {x}", "skipped": "not checked: {x} cannot be used",
    "vkey_ok": "log.vkey: key {name}, key id {kid} matches the key", "kid": "the key id does not match the key",
    "kname": "the key name is not cardguard/ + SHA-256(key)",
    "cp_ok": "{file}: signature by {name} verifies; origin and size {size} match",
    "msig_ok": "manifest.sig: the manifest (and so every file it lists) is signed by {name}",
    "msig_bad": "manifest.sig does not sign this manifest.json with the log's key",
    "order_bad": "seq {x} is repeated or out of order",
    "nosig": "no valid signature by {x}", "origin": "origin {x} is not the key's name nor proofs.json's log_origin",
    "cpsize": "its size {x} does not match its name and proofs.json",
    "entry_ok": "entries.jsonl line {k} (seq {seq}): journal hash right; inclusion proof verifies to tree size {n}",
    "jhash": "its own journal hash is wrong (the line was edited)", "seq": "seq {x} differs from proofs.json",
    "incl": "inclusion proof does not verify (wrong line, salt, proof or position)",
    "count": "{x} lines, but proofs.json has another number of entries", "noeol": "does not end with a newline",
    "owner_ok": "every line of entries.jsonl belongs to {order}",
    "owner_bad": "entries.jsonl line {k} (seq {seq}) does not belong to {order}",
    "shot_ok": "{name}: named with this SHA-256 by the screenshot_taken line seq {seq}",
    "shot_bad": "{name}: no screenshot_taken line of entries.jsonl names this file with this SHA-256",
    "shot_absent": "note: the screenshot {path} (line seq {seq}) is not in the bundle",
    "cons_ok": "checkpoint {m} is a prefix of checkpoint {n}: consistency proof verifies",
    "cons_bad": "consistency proof does not verify",
    "tsr_ok": "{file}: time-stamp token verifies (openssl ts -verify, root {root})",
    "tsr_bad": "{file}: openssl ts -verify fails: {x}",
    "tsr_time": "   the time-stamp authority attests {file} existed at: {time}",
    "no_openssl": "note: openssl is not installed, so the time-stamp tokens were NOT checked",
    "no_root": "note: no root certificate for the time-stamp tokens (none self-signed in tsa/, no --tsa-root): tokens NOT checked; run again with --tsa-root PEM",
    "root_fp": "note: TSA root {file}, SHA-256 fingerprint {fp}: compare it with the one the time-stamp authority publishes; only then does the attested time prove anything",
    "no_tokens": "note: this bundle holds no time-stamp token", "verdict_ok": "RESULT: all {n} checks passed.",
    "verdict_note": "(time-stamp tokens were not checked, see the notes)",
    "verdict_bad": "RESULT: {k} of {n} checks FAILED: this bundle does not verify.",
}, "zh-CN": {
    "usage": "用法：verify.py [证据包文件夹] [--tsa-root PEM] [--lang zh-CN|en]", "title": "卡密守护证据包：{dir}",
    "about": "订单 {order}，导出时间 {at}", "no_dir": "无法以文件夹打开 {dir}：{x}",
    "no_manifest": "无法读取 manifest.json（{x}）：这不是可读的 cardguard-evidence-3 证据包",
    "file_ok": "{name}：SHA-256 与清单一致（{n} 字节）", "bad": "{name}：{why}",
    "unlisted": "{name}：在文件夹中，但不在清单里", "all_listed": "文件夹中的每个文件都列在清单里", "missing": "缺失",
    "link": "是符号链接（拒绝，未跟随）", "special": "不是普通文件（文件夹、FIFO 或设备：拒绝，未打开）",
    "big": "大于 64 MiB（拒绝）", "badpath": "不是证据包内的普通相对路径", "dup": "在清单中出现两次",
    "hash": "SHA-256 与清单不一致", "size": "大小与清单不一致", "oserr": "无法读取：{x}",
    "notlisted": "{x} 未列在清单里", "form": "格式不符：{x}", "skipped": "未核验：{x} 无法使用",
    "vkey_ok": "log.vkey：密钥 {name}，密钥编号 {kid} 与密钥一致", "kid": "密钥编号与密钥不符",
    "kname": "密钥名称不是 cardguard/ + SHA-256(密钥)", "cp_ok": "{file}：{name} 的签名有效；来源与大小 {size} 一致",
    "msig_ok": "manifest.sig：清单（因而清单列出的每个文件）由 {name} 签名",
    "msig_bad": "manifest.sig 没有用日志密钥为这份 manifest.json 签名",
    "order_bad": "seq {x} 重复或顺序错乱",
    "nosig": "没有 {x} 的有效签名", "origin": "来源 {x} 既不是密钥名称，也不是 proofs.json 的 log_origin",
    "cpsize": "大小 {x} 与文件名和 proofs.json 不一致",
    "entry_ok": "entries.jsonl 第 {k} 行（seq {seq}）：日志哈希正确；包含证明对树大小 {n} 成立",
    "jhash": "该行自身的日志哈希不对（该行被改动过）", "seq": "seq {x} 与 proofs.json 不一致",
    "incl": "包含证明不成立（行、盐值、证明或位置不对）", "count": "有 {x} 行，与 proofs.json 的条数不同",
    "noeol": "不以换行结尾", "owner_ok": "entries.jsonl 的每一行都属于 {order}",
    "owner_bad": "entries.jsonl 第 {k} 行（seq {seq}）不属于 {order}",
    "shot_ok": "{name}：seq {seq} 的 screenshot_taken 行记录了此文件及此 SHA-256",
    "shot_bad": "{name}：entries.jsonl 中没有 screenshot_taken 行以此 SHA-256 记录此文件",
    "shot_absent": "注意：截图 {path}（seq {seq} 行）不在证据包中",
    "cons_ok": "检查点 {m} 是检查点 {n} 的前缀：一致性证明成立", "cons_bad": "一致性证明不成立",
    "tsr_ok": "{file}：时间戳令牌有效（openssl ts -verify，根证书 {root}）",
    "tsr_bad": "{file}：openssl ts -verify 失败：{x}", "tsr_time": "   时间戳机构证明 {file} 在此时间已存在：{time}",
    "no_openssl": "注意：未安装 openssl，时间戳令牌未被核验",
    "no_root": "注意：没有时间戳令牌的根证书（tsa/ 中没有自签名证书，也未给出 --tsa-root）：令牌未被核验；请加 --tsa-root PEM 再运行",
    "root_fp": "注意：时间戳机构根证书 {file}，SHA-256 指纹 {fp}：请与该机构公布的指纹比对；一致时，证明的时间才有意义",
    "no_tokens": "注意：本证据包没有时间戳令牌", "verdict_ok": "结论：全部 {n} 项检查通过。",
    "verdict_note": "（时间戳令牌未被核验，见上方注意）",
    "verdict_bad": "结论：{n} 项检查中 {k} 项失败：本证据包未通过核验。",
}}


class Unreadable(Exception):
    """A file that cannot be used: args = (key of T, detail for its {x})."""
    def text(self, t):
        return t[self.args[0]].format(x=self.args[-1])

# ---------- reading without following links ------------------------------------------------------------

def split_rel(name):
    """The components of a plain relative path inside the bundle, or None."""
    if not isinstance(name, str) or not name or "\\" in name or "\0" in name or name.startswith("/"):
        return None
    parts = name.split("/")
    return None if any(p in ("", ".", "..") for p in parts) else parts

def _open_in(root, parts):
    """An fd for root/parts reached through no symbolic link; a FIFO is opened without waiting."""
    flags = os.O_RDONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    if hasattr(os, "O_NOFOLLOW") and os.open in os.supports_dir_fd:
        d = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            for comp in parts[:-1]:
                try:
                    nd = os.open(comp, os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY, dir_fd=d)
                except OSError as e:  # Linux says ENOTDIR for a link to a folder: name it the link it is
                    if e.errno == errno.ENOTDIR and stat.S_ISLNK(os.stat(comp, dir_fd=d, follow_symlinks=False).st_mode):
                        raise OSError(errno.ELOOP, "symbolic link")
                    raise
                os.close(d)
                d = nd
            return os.open(parts[-1], flags | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=d)
        finally:
            os.close(d)
    path = root  # no O_NOFOLLOW / dir_fd (Windows): check every component, then that the same file opened
    for comp in parts:
        path = os.path.join(path, comp)
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode) or getattr(st, "st_file_attributes", 0) & 0x400:  # a reparse point
            raise OSError(errno.ELOOP, "symbolic link")
    if not stat.S_ISREG(st.st_mode):
        raise Unreadable("special")
    fd = os.open(path, flags)
    if (os.fstat(fd).st_dev, os.fstat(fd).st_ino) != (st.st_dev, st.st_ino):
        os.close(fd)
        raise OSError(errno.ELOOP, "changed while opened")
    return fd

def read_plain(root, parts):
    """The bytes of a regular file of at most FILE_CAP, or Unreadable naming why."""
    try:
        fd = _open_in(root, parts)
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.EMLINK):
            raise Unreadable("link")
        raise Unreadable("missing") if e.errno in (errno.ENOENT, errno.ENOTDIR) else Unreadable("oserr", e.strerror)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable("special")
        chunks, total = [], 0
        while total <= FILE_CAP:
            b = os.read(fd, 1 << 20)
            if not b:
                return b"".join(chunks)
            chunks.append(b)
            total += len(b)
        raise Unreadable("big")
    except OSError as e:
        raise Unreadable("oserr", e.strerror)
    finally:
        os.close(fd)

def list_folder(root, rel="", depth=0):
    """Every non-folder entry under root (links included, never followed), as relative names."""
    out = []
    with os.scandir(os.path.join(root, rel) if rel else root) as it:
        for e in it:
            name = rel + "/" + e.name if rel else e.name
            if e.is_dir(follow_symlinks=False) and depth < 8 and len(out) < 10000:
                out += list_folder(root, name, depth + 1)
            else:
                out.append(name)
    return out

# ---------- Ed25519 verification after RFC 8032 section 6 ---------------------------------------------

P, L = 2 ** 255 - 19, 2 ** 252 + 27742317777372353535851937790883648493
D, SQRT_M1 = -121665 * pow(121666, P - 2, P) % P, pow(2, (P - 1) // 4, P)

def _add(p, q):  # extended coordinates (X, Y, Z, T): x = X/Z, y = Y/Z, x*y = T/Z
    a, b = (p[1] - p[0]) * (q[1] - q[0]) % P, (p[1] + p[0]) * (q[1] + q[0]) % P
    c, d = 2 * p[3] * q[3] * D % P, 2 * p[2] * q[2] % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)

def _mul(s, p):
    q = (0, 1, 1, 0)  # the neutral element
    while s > 0:
        if s & 1:
            q = _add(q, p)
        p, s = _add(p, p), s >> 1
    return q

def _equal(p, q):
    return (p[0] * q[2] - q[0] * p[2]) % P == 0 and (p[1] * q[2] - q[1] * p[2]) % P == 0

def _decode_point(s):
    """RFC 8032 5.1.3: None for a non-canonical (y >= p, or x = 0 with the sign bit) or off-curve encoding."""
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0 and sign:
        return None
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    if (x & 1) != sign:
        x = P - x
    return (x, y, 1, x * y % P)

G = _decode_point((4 * pow(5, P - 2, P) % P).to_bytes(32, "little"))

def ed25519_verify(public, msg, sig):
    """RFC 8032 5.1.7 as the section 6 reference code checks it: S < L and [S]B == R + [k]A."""
    if len(public) != 32 or len(sig) != 64:
        return False
    a, r, s = _decode_point(public), _decode_point(sig[:32]), int.from_bytes(sig[32:], "little")
    if a is None or r is None or s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(sig[:32] + public + msg).digest(), "little") % L
    return _equal(_mul(s, G), _add(r, _mul(k, a)))

# ---------- Merkle proofs, RFC 9162 sections 2.1.3.2 and 2.1.4.2 ---------------------------------------

def leaf_hash(salt, line):
    return hashlib.sha256(b"\x00" + salt + line).digest()

def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()

def verify_inclusion(index, size, leaf, proof, root):
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root

def verify_consistency(first, second, first_root, second_root, proof):
    if first == second:  # the spec's rule for m == n: the empty proof, the same root
        return not proof and first_root == second_root
    if first == 0 or first > second or not proof:
        return False
    if first & (first - 1) == 0:  # an exact power of 2
        proof = [first_root] + list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == second_root

# ---------- the bundle's own formats (evidence-3; ValueError says what is wrong) -----------------------

def _unique(pairs):
    if len({k for k, _ in pairs}) != len(pairs):
        raise ValueError("a key given twice")
    return dict(pairs)

def load_json(data):
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_unique)
    except RecursionError:
        raise ValueError("nested too deeply")

def is_int(v, lo):
    return isinstance(v, int) and not isinstance(v, bool) and lo <= v < 2 ** 63

def hex_list(v):
    if not isinstance(v, list) or len(v) > 64 or not all(isinstance(h, str) and HEX64.match(h) for h in v):
        raise ValueError("a proof is not a list of at most 64 SHA-256 hex values")
    return [bytes.fromhex(h) for h in v]

def parse_proofs(data):
    """proofs.json -> (log_origin, tree_size, [(seq, salt, inclusion)], [(size, file, tsr, consistency)])."""
    pj = load_json(data)
    if not isinstance(pj, dict) or not isinstance(pj.get("log_origin"), str) or not is_int(pj.get("tree_size"), 1):
        raise ValueError("log_origin / tree_size")
    if not isinstance(pj.get("entries"), list) or not isinstance(pj.get("checkpoints"), list) or not pj["checkpoints"]:
        raise ValueError("entries / checkpoints")
    entries, cps, last = [], [], 0
    for e in pj["entries"]:
        if not isinstance(e, dict) or not is_int(e.get("seq"), 1) or not HEX32.match(str(e.get("salt"))):
            raise ValueError("an entry's seq / salt")
        entries.append((e["seq"], bytes.fromhex(e["salt"]), hex_list(e.get("inclusion"))))
    for c in pj["checkpoints"]:
        if not isinstance(c, dict) or not is_int(c.get("size"), 1) or c["size"] <= last:
            raise ValueError("checkpoint sizes (at least 1, ascending)")
        last = c["size"]
        if c.get("file") != "checkpoints/%d.txt" % last or c.get("tsr") not in (None, "checkpoints/%d.tsr" % last):
            raise ValueError("checkpoint %d's file names" % last)
        cps.append((last, c["file"], c.get("tsr"), hex_list(c.get("consistency_to_latest"))))
    if last != pj["tree_size"] or cps[-1][3]:
        raise ValueError("the last checkpoint is not tree_size with an empty proof")
    return pj["log_origin"], last, entries, cps

def parse_vkey(data):
    """log.vkey -> (name, key id, public key)."""
    m = re.match(r"([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)\n\Z", data.decode("utf-8"))
    if not m:
        raise ValueError("not <name>+<8 hex>+<base64>")
    raw = base64.b64decode(m.group(3), validate=True)
    if len(raw) != 33 or raw[0] != 1:
        raise ValueError("not an Ed25519 key (0x01 + 32 bytes)")
    return m.group(1), bytes.fromhex(m.group(2)), raw[1:]

def key_id(name, public):
    return hashlib.sha256(name.encode() + b"\n\x01" + public).digest()[:4]

def parse_checkpoint(data):
    """checkpoints/M.txt -> (signed body, origin, size, root, [(name, key id + signature)])."""
    body, sep, sigs = data.decode("utf-8").partition("\n\n")
    lines = body.split("\n")
    if not sep or len(lines) != 3 or not re.match(r"[1-9][0-9]{0,18}\Z", lines[1]) or not sigs.endswith("\n"):
        raise ValueError("not <origin>, <size>, <root>, a blank line, signature lines")
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32 or base64.b64encode(root).decode() != lines[2]:
        raise ValueError("the root is not base64 of 32 bytes")
    out = []
    for s in sigs[:-1].split("\n"):
        m = re.match(r"\u2014 (\S+) ([A-Za-z0-9+/=]+)\Z", s)
        if not m:
            raise ValueError("a signature line is not '\u2014 <name> <base64>'")
        out.append((m.group(1), base64.b64decode(m.group(2), validate=True)))
    return (body + "\n").encode(), lines[0], int(lines[1]), root, out

def journal_hash_ok(line):
    """docs/JOURNAL.md 'The hash': SHA-256 of the line up to ,"hash":" followed by }."""
    i = line.rfind(b',"hash":"')
    claimed = line[i + 9:-2]
    if i < 0 or not line.endswith(b'"}') or not HEX64.match(claimed.decode("ascii", "replace")):
        return False
    return hashlib.sha256(line[:i] + b"}").hexdigest().encode() == claimed

def owners(lines, order):
    """For each parsed line: does it belong to the bundle's order, or to its batch (data.batch) and its orders?"""
    def batch(v):
        return v["data"].get("batch") if isinstance(v.get("data"), dict) else None
    members = {v.get("order") for v in lines if batch(v) == order and v.get("order")}
    return [v.get("order") == order or batch(v) == order or v.get("order") in members for v in lines]

def pem_certs(data):
    found = re.findall(rb"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", data, re.S)
    return [base64.b64decode(b"".join(c.split())) for c in found]

def self_signed(der):
    """Whether a certificate's issuer equals its subject, compared as DER bytes."""
    def tlv(i):  # (value start, element end) of the DER element at der[i]
        n, j = der[i + 1], i + 2
        if n & 0x80:
            n, j = int.from_bytes(der[j:j + (n & 0x7F)], "big"), j + (n & 0x7F)
        return j, j + n
    try:
        i, end = tlv(tlv(0)[0])  # Certificate -> tbsCertificate
        fields = []
        while i < end and len(fields) < 6:
            fields.append(der[i:tlv(i)[1]])
            i = tlv(i)[1]
        fields = fields[1:] if fields[0][:1] == b"\xa0" else fields  # skip [0] version
        return fields[2] == fields[4]  # serial, signature, issuer, validity, subject
    except IndexError:
        return False

# ---------- the report and the checks ------------------------------------------------------------------

class Report:
    def __init__(self, lang):
        self.t, self.n, self.failed, self.unchecked = T[lang], 0, 0, False

    def say(self, key, **kw):
        print(self.t[key].format(**kw))

    def check(self, ok, key, **kw):
        self.n, self.failed = self.n + 1, self.failed + (not ok)
        print(("\u2714 " if ok else "\u2718 ") + self.t[key].format(**kw))

    def bad(self, name, key, x=""):
        self.check(False, "bad", name=name, why=self.t[key].format(x=x))

    def unusable(self, name, e):
        self.check(False, "bad", name=name, why=e.text(self.t) if isinstance(e, Unreadable) else
                   self.t["form"].format(x=e))

def check_manifest(rep, root, manifest):
    """Check 1. Returns {name: bytes, None for screenshots and unreadable files} and {name: actual SHA-256}."""
    files, digests = {}, {}
    for f in manifest["files"]:
        name = f.get("name") if isinstance(f, dict) else None
        parts = split_rel(name)
        if parts is None or name == "manifest.json" or name in files:
            rep.bad(repr(name), "dup" if parts and name in files else "badpath")
            continue
        try:
            data = read_plain(root, parts)
        except Unreadable as e:
            files[name] = None
            rep.unusable(name, e)
            continue
        digests[name] = hashlib.sha256(data).hexdigest()
        files[name] = None if name.startswith("screenshots/") else data  # of a screenshot only its hash is kept
        if digests[name] != f.get("sha256") or len(data) != f.get("bytes"):
            rep.bad(name, "hash" if digests[name] != f.get("sha256") else "size")
        else:
            rep.check(True, "file_ok", name=name, n=len(data))
    extra = [n for n in sorted(list_folder(root)) if n not in ("manifest.json", "manifest.sig") and n not in files]
    for n in extra:
        rep.check(False, "unlisted", name=n)
    if not extra:
        rep.check(True, "all_listed")
    return files, digests

def check_key_and_checkpoints(rep, need, origin, cps):
    """Check 2. Returns {size: root} of the checkpoints whose signature, origin and size are right."""
    roots, key = {}, None
    try:
        name, kid, public = parse_vkey(need("log.vkey"))
        if key_id(name, public) != kid or name != "cardguard/" + hashlib.sha256(public).hexdigest()[:16]:
            rep.bad("log.vkey", "kid" if key_id(name, public) != kid else "kname")
        else:
            key = (name, kid, public)
            rep.check(True, "vkey_ok", name=name, kid=kid.hex())
    except (Unreadable, ValueError) as e:
        rep.unusable("log.vkey", e)
    for size, cfile, _, _ in cps:
        try:
            body, corigin, csize, root, sigs = parse_checkpoint(need(cfile))
            if key is None:
                raise Unreadable("skipped", "log.vkey")
            if corigin != key[0] or corigin != origin:
                rep.bad(cfile, "origin", corigin)
            elif csize != size:
                rep.bad(cfile, "cpsize", csize)
            elif not any(n == key[0] and s[:4] == key[1] and ed25519_verify(key[2], body, s[4:]) for n, s in sigs):
                rep.bad(cfile, "nosig", key[0])
            else:
                roots[size] = root
                rep.check(True, "cp_ok", file=cfile, name=key[0], size=size)
        except (Unreadable, ValueError) as e:
            rep.unusable(cfile, e)
    return roots, key

def check_manifest_sig(rep, root, key, order, manifest_bytes):
    """The manifest is signed by the log's key: a note over its SHA-256 (so the report, the lines and every
    listed file are as the app wrote them; nothing was dropped or rewritten after export)."""
    try:
        data = read_plain(root, ["manifest.sig"])
        if key is None:
            raise Unreadable("skipped", "log.vkey")
        body, sep, sigs = data.decode("utf-8").partition("\n\n")
        want = "%s\n%s\n%s" % (FORMAT, order, hashlib.sha256(manifest_bytes).hexdigest())
        ok = sep and body == want and sigs.endswith("\n") and any(
            m and m.group(1) == key[0] and base64.b64decode(m.group(2))[:4] == key[1]
            and ed25519_verify(key[2], (body + "\n").encode(), base64.b64decode(m.group(2))[4:])
            for m in (re.match(r"\u2014 (\S+) ([A-Za-z0-9+/=]+)\Z", line) for line in sigs[:-1].split("\n")))
        rep.check(bool(ok), "msig_ok" if ok else "msig_bad", name=key[0])
    except (Unreadable, ValueError) as e:
        rep.unusable("manifest.sig", e)

def check_entries(rep, need, files, digests, order, size, root, entries):
    """Check 3: each line's own hash, its seq, its salted leaf and its inclusion; whose lines; the screenshots."""
    data = need("entries.jsonl")
    if root is None:
        raise Unreadable("skipped", "checkpoints/%d.txt" % size)
    if not data.endswith(b"\n"):
        rep.bad("entries.jsonl", "noeol")
    lines = data[:-1].split(b"\n") if data else []
    if len(lines) != len(entries):
        rep.bad("entries.jsonl", "count", len(lines))
    parsed, last = [], 0
    for k, (line, (seq, salt, proof)) in enumerate(zip(lines, entries), 1):
        try:
            v = load_json(line)
        except ValueError:
            v = None
        parsed.append(v if isinstance(v, dict) else {})
        where = "entries.jsonl line %d" % k
        if not journal_hash_ok(line):
            rep.bad(where, "jhash")
        elif parsed[-1].get("seq") != seq:
            rep.bad(where, "seq", parsed[-1].get("seq"))
        elif seq <= last:
            rep.bad(where, "order_bad", seq)
        elif not verify_inclusion(seq - 1, size, leaf_hash(salt, line), proof, root):
            rep.bad(where, "incl")
        else:
            rep.check(True, "entry_ok", k=k, seq=seq, n=size)
        last = max(last, seq)
    mine = owners(parsed, order)
    for k, ok in enumerate(mine, 1):
        if not ok:
            rep.check(False, "owner_bad", k=k, seq=parsed[k - 1].get("seq"), order=order)
    if all(mine):
        rep.check(True, "owner_ok", order=order)
    shots = {(v["data"].get("path"), v["data"].get("sha256")): v.get("seq") for v in parsed
             if v.get("kind") == "screenshot_taken" and isinstance(v.get("data"), dict)}
    for name in sorted(n for n in digests if n.startswith("screenshots/")):
        seq = shots.get((name, digests[name]))
        rep.check(seq is not None, "shot_ok" if seq is not None else "shot_bad", name=name, seq=seq)
    for (path, _), seq in sorted(shots.items(), key=lambda x: x[1]):
        if path not in files:
            rep.say("shot_absent", path=path, seq=seq)

def openssl(args, cwd, stdin=b""):
    try:
        r = subprocess.run(["openssl"] + args, cwd=cwd, input=stdin, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        return False, str(e)
    return r.returncode == 0, (r.stdout + r.stderr).decode("utf-8", "replace")

def token_time(root, tsr):
    """`-attime <epoch>` of the time the token attests: its certificates are checked as of then, so a TSA
    certificate that expired since does not make a genuine token fail (best effort: [] when unknown)."""
    ok, out = openssl(["ts", "-reply", "-in", tsr, "-text"], root)
    m = re.search(r"Time stamp: (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d)(?:\.\d+)? (\d{4})", out) if ok else None
    if not m:
        return []
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    import calendar
    t = (int(m.group(6)), months.index(m.group(1)) + 1, int(m.group(2)), int(m.group(3)), int(m.group(4)), int(m.group(5)))
    return ["-attime", str(calendar.timegm(t + (0, 0, 0)))]

def check_tokens(rep, root, files, tokens, tsa_root):
    """Check 5: `openssl ts -verify` for each token, trusting --tsa-root or the self-signed certificates in tsa/."""
    if not tokens:
        return rep.say("no_tokens")
    if shutil.which("openssl") is None:
        rep.unchecked = True
        return rep.say("no_openssl")
    roots, others = [], []
    if tsa_root:
        path = os.path.realpath(tsa_root)
        try:
            roots.append((path, pem_certs(read_plain(os.path.dirname(path), [os.path.basename(path)]))))
        except Unreadable as e:
            return rep.unusable(tsa_root, e)
    for name in sorted(n for n in files if n.startswith("tsa/") and files[n] is not None):
        certs = pem_certs(files[name])
        (roots if not tsa_root and any(map(self_signed, certs)) else others).append((name, certs))
    if not roots:
        rep.unchecked = True
        return rep.say("no_root")
    for name, certs in roots:
        for c in certs:
            if tsa_root or self_signed(c):
                fp = hashlib.sha256(c).hexdigest().upper()
                rep.say("root_fp", file=name, fp=":".join(fp[i:i + 2] for i in range(0, 64, 2)))
    untrusted, stdin = [], b""
    if len(others) == 1:
        untrusted = ["-untrusted", others[0][0]]
    elif others and os.name == "posix":  # several files: openssl reads their certificates on its stdin
        untrusted, stdin = ["-untrusted", "/dev/stdin"], b"".join(files[n] + b"\n" for n, _ in others)
    for cp_file, tsr in tokens:
        unusable = [n for n in (cp_file, tsr) if files.get(n) is None]
        if unusable:
            rep.bad(tsr, "notlisted" if unusable[0] not in files else "skipped", unusable[0])
            continue
        attime = token_time(root, tsr)
        for name, _ in roots:
            cmd = ["ts", "-verify", "-data", cp_file, "-in", tsr, "-CAfile", name] + untrusted + attime
            ok, out = openssl(cmd, root, stdin)
            if ok and "Verification: OK" in out:
                rep.check(True, "tsr_ok", file=tsr, root=name)
                m = re.search(r"Time stamp: (.*)", openssl(["ts", "-reply", "-in", tsr, "-text"], root)[1])
                if m:
                    rep.say("tsr_time", file=cp_file, time=m.group(1).strip())
                break
        else:
            rep.check(False, "tsr_bad", file=tsr, x=" ".join(out.split())[-300:])

def verify(root, rep, manifest, manifest_bytes, tsa_root):
    files, digests = check_manifest(rep, root, manifest)

    def need(name):
        if files.get(name) is None:
            raise Unreadable("notlisted" if name not in files else "skipped", name)
        return files[name]
    try:
        origin, size, entries, cps = parse_proofs(need("proofs.json"))
    except (Unreadable, ValueError) as e:
        return rep.unusable("proofs.json", e)
    roots, key = check_key_and_checkpoints(rep, need, origin, cps)
    check_manifest_sig(rep, root, key, manifest["order"], manifest_bytes)
    try:
        check_entries(rep, need, files, digests, manifest["order"], size, roots.get(size), entries)
    except Unreadable as e:
        rep.unusable("entries.jsonl", e)
    for m, cfile, _, proof in cps[:-1]:  # check 4: every earlier checkpoint is a prefix of the latest
        where = "checkpoint %d -> %d" % (m, size)
        if m not in roots or size not in roots:
            rep.bad(where, "skipped", cfile if m not in roots else cps[-1][1])
        elif verify_consistency(m, size, roots[m], roots[size], proof):
            rep.check(True, "cons_ok", m=m, n=size)
        else:
            rep.bad(where, "cons_bad")
    check_tokens(rep, root, files, [(f, t) for _, f, t, _ in cps if t], tsa_root)

def main(argv):
    bundle, tsa_root, lang, args = None, None, None, list(argv)
    while args:
        a = args.pop(0)
        if a == "--tsa-root" and args:
            tsa_root = args.pop(0)
        elif a == "--lang" and args:
            lang = args.pop(0)
        elif bundle is None and not a.startswith("-"):
            bundle = a
        else:
            lang = "?"
    if lang not in (None, "en", "zh-CN"):
        print(T["zh-CN"]["usage"] + "\n" + T["en"]["usage"])
        return 2
    bundle = bundle or os.path.dirname(os.path.abspath(__file__))  # by default the folder this file is in
    t = T[lang or "en"]
    try:
        os.scandir(bundle).close()
    except OSError as e:
        print("\u2718 " + t["no_dir"].format(dir=bundle, x=e.strerror))
        return 2
    try:
        manifest_bytes = read_plain(bundle, ["manifest.json"])
        manifest = load_json(manifest_bytes)
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or \
                not isinstance(manifest.get("files"), list) or not isinstance(manifest.get("order"), str):
            raise ValueError("format / files / order")
    except (Unreadable, ValueError) as e:
        print("\u2718 " + t["no_manifest"].format(x=e.text(t) if isinstance(e, Unreadable) else e))
        return 2
    rep = Report(lang or (manifest.get("lang") if manifest.get("lang") in T else "en"))
    rep.say("title", dir=os.path.abspath(bundle))
    rep.say("about", order=manifest["order"], at=manifest.get("exported_at"))
    verify(bundle, rep, manifest, manifest_bytes, tsa_root)
    if rep.failed:
        rep.say("verdict_bad", k=rep.failed, n=rep.n)
        return 1
    rep.say("verdict_ok", n=rep.n)
    if rep.unchecked:
        rep.say("verdict_note")
    return 0

if __name__ == "__main__":
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    sys.exit(main(sys.argv[1:]))
