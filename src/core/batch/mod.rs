//! Batch import for operators: CSV/TSV from a file or pasted text, in
//! UTF-8 (with or without BOM), UTF-16 (BOM) or GBK/GB18030 as Chinese Excel
//! and WPS save; comma, tab or semicolon separated; a header row in Chinese
//! or English, or none. Every row gets the same normalisation and
//! validation as single entry, plus duplicate checks inside the batch and
//! against every earlier order (by keyed fingerprint).

pub mod cells;
pub mod desk;
pub mod limits;
pub mod results;
pub mod run;

use crate::core::code::{VerificationProblem, check_code, check_verification, mask};
use crate::core::fingerprint::FingerprintKey;
use crate::core::money::Fen;
use crate::core::order::Ledger;
use crate::core::profile::ChannelProfile;
use std::collections::HashMap;

/// Files larger than this are refused before decoding.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// Rows beyond this are refused (one batch, not a database).
pub const MAX_ROWS: usize = 50_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    Empty,
    TooLarge {
        bytes: usize,
    },
    /// Looks like a binary file (NUL bytes, not UTF-16).
    Binary,
    /// Neither UTF-8, UTF-16 with BOM, nor GB18030.
    UnknownEncoding,
    TooManyRows {
        rows: usize,
    },
    /// A header and nothing under it: not an empty success.
    NoRows,
    Csv(String),
}

impl ImportError {
    /// The i18n key of the message (its `{file}` placeholder names the source).
    pub fn key(&self) -> &'static str {
        match self {
            ImportError::Empty => "batch.empty",
            ImportError::TooLarge { .. } => "batch.too_large",
            ImportError::Binary => "batch.binary",
            ImportError::UnknownEncoding => "batch.unknown_encoding",
            ImportError::TooManyRows { .. } => "batch.too_many_rows",
            ImportError::NoRows => "batch.no_rows",
            ImportError::Csv(_) => "batch.bad_csv",
        }
    }
}

/// Why a batch file could not be read.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    NotFound,
    IsFolder,
    /// A FIFO, device or socket: refused before a byte is read.
    NotRegular,
    TooLarge {
        bytes: u64,
    },
}

impl ReadError {
    /// The i18n key of the message (`{file}`, and `{error}` for I/O).
    pub fn key(&self) -> &'static str {
        match self {
            ReadError::Io(_) => "batch.unreadable",
            ReadError::NotFound => "batch.not_found",
            ReadError::IsFolder => "batch.is_folder",
            ReadError::NotRegular => "batch.not_regular",
            ReadError::TooLarge { .. } => "batch.too_large",
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => e.fmt(f),
            ReadError::NotFound => f.write_str("does not exist"),
            ReadError::IsFolder => f.write_str("is a folder"),
            ReadError::NotRegular => f.write_str("is not a regular file"),
            ReadError::TooLarge { bytes } => write!(f, "over {bytes} bytes"),
        }
    }
}

/// Reads a batch file: a regular file only (a FIFO or device is refused
/// without blocking), at most [`MAX_BYTES`], checked before reading.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, ReadError> {
    use crate::core::safe_file::{FileError, Links, read_capped};
    read_capped(path, MAX_BYTES as u64, Links::Follow).map_err(|e| match e {
        FileError::NotFound(_) => ReadError::NotFound,
        FileError::NotRegular(_, "folder") => ReadError::IsFolder,
        FileError::NotRegular(..)
        | FileError::Symlink(_)
        | FileError::NotFolder(_)
        | FileError::Exists(_) => ReadError::NotRegular,
        FileError::TooLarge(_, cap) => ReadError::TooLarge { bytes: cap },
        FileError::Io(_, io) => ReadError::Io(io),
    })
}

/// Which encoding the text was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16,
    Gb18030,
}

impl Encoding {
    /// As journaled (`batch_imported.encoding`): the words the lower-cased
    /// Debug name wrote before, kept so old journals read alike.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf8",
            Encoding::Utf8Bom => "utf8bom",
            Encoding::Utf16 => "utf16",
            Encoding::Gb18030 => "gb18030",
        }
    }
}

/// Decodes file bytes to text.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::TooLarge { bytes: bytes.len() });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty);
    }
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        return if enc == encoding_rs::UTF_8 {
            std::str::from_utf8(body)
                .map(|s| (s.to_owned(), Encoding::Utf8Bom))
                .map_err(|_| ImportError::UnknownEncoding)
        } else {
            enc.decode_without_bom_handling_and_without_replacement(body)
                .map(|s| (s.into_owned(), Encoding::Utf16))
                .ok_or(ImportError::UnknownEncoding)
        };
    }
    if bytes.contains(&0) {
        return Err(ImportError::Binary);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_owned(), Encoding::Utf8));
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|s| (s.into_owned(), Encoding::Gb18030))
        .ok_or(ImportError::UnknownEncoding)
}

/// The separator used most on the first non-empty line.
fn detect_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    [b'\t', b',', b';']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .filter(|d| first.bytes().any(|b| b == *d))
        .unwrap_or(b',')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Code,
    Face,
    Verification,
}

fn header_column(cell: &str) -> Option<Column> {
    let c = cell.trim().trim_start_matches('\u{FEFF}').to_lowercase();
    match c.as_str() {
        "卡密" | "卡号" | "card" | "code" | "card code" | "card_code" | "secret" => {
            Some(Column::Code)
        }
        "面值" | "面额" | "金额" | "face value" | "face_value" | "face" | "amount" | "value" => {
            Some(Column::Face)
        }
        "验证码" | "verification code" | "verification_code" | "verification" | "otp" => {
            Some(Column::Verification)
        }
        _ => None,
    }
}

/// Twelve or more letters and digits with a digit among them: no header
/// word looks like that, every card code does.
fn looks_like_a_card_code(cell: &str) -> bool {
    let alnum = cell.chars().filter(char::is_ascii_alphanumeric).count();
    alnum >= 12 && cell.chars().any(|c| c.is_ascii_digit())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok,
    Warning,
    Error,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Error => "error",
        }
    }
}

/// Why a row is not plainly ok: an i18n key (`batch.*`) and its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowReason {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub status: Status,
}

impl RowReason {
    fn error(key: &'static str) -> Self {
        Self {
            key,
            args: Vec::new(),
            status: Status::Error,
        }
    }
    fn warning(key: &'static str) -> Self {
        Self {
            key,
            args: Vec::new(),
            status: Status::Warning,
        }
    }
    fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }
}

/// One data row, as imported. Only the masked code and a fingerprint are
/// kept outside the raw text the operator can still fix.
#[derive(Clone)]
pub struct BatchRow {
    /// The row's line number in the source (header counted).
    pub row: usize,
    pub code_raw: zeroize::Zeroizing<String>,
    pub face_raw: String,
    pub verification_raw: zeroize::Zeroizing<String>,
    pub masked: String,
    pub fingerprint: Option<String>,
    pub face_value: Option<Fen>,
    pub status: Status,
    pub reasons: Vec<RowReason>,
}

/// Debug output (logs, panics, test failures) shows no cell: any of them
/// may hold a secret.
impl std::fmt::Debug for BatchRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchRow")
            .field("row", &self.row)
            .field("masked", &self.masked)
            .field("face_value", &self.face_value)
            .field("status", &self.status)
            .field("reasons", &self.reasons)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub rows: usize,
    pub ok: usize,
    pub warnings: usize,
    pub errors: usize,
    pub face_value: Fen,
    pub payout: Fen,
    pub service_fees: Fen,
}

#[derive(Debug, Clone)]
pub struct Batch {
    pub rows: Vec<BatchRow>,
    pub encoding: Encoding,
    pub header: bool,
}

/// Parses text into rows (no validation yet).
pub fn parse(text: &str, encoding: Encoding) -> Result<Batch, ImportError> {
    let text = text.trim_start_matches('\u{FEFF}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(detect_delimiter(text))
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    // Line numbers from byte offsets: the csv crate's own line count is off
    // after CRLF line ends (as Excel writes them).
    let (mut counted_to, mut line) = (0usize, 1usize);
    for r in reader.records() {
        let r = r.map_err(|e| ImportError::Csv(e.to_string()))?;
        let bytes = text.as_bytes();
        // The reported offset can sit on the previous line's terminator.
        let mut start = r
            .position()
            .map(|p| p.byte() as usize)
            .unwrap_or(counted_to)
            .min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        line += bytes[counted_to.min(start)..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted_to = start;
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        records.push((line, r));
        if records.len() > MAX_ROWS + 1 {
            return Err(ImportError::TooManyRows {
                rows: records.len(),
            });
        }
    }
    let Some((_, first)) = records.first() else {
        return Err(ImportError::Empty);
    };
    let header: Vec<Option<Column>> = first.iter().map(header_column).collect();
    // A first line is a header when it names a column and holds nothing
    // like a card code ("KMNP2345QRST6789,face" is a card, not a header: it
    // must be checked, never dropped).
    let has_header =
        header.iter().any(Option::is_some) && !first.iter().any(looks_like_a_card_code);
    let columns: Vec<Option<Column>> = if has_header {
        header
    } else {
        vec![
            Some(Column::Code),
            Some(Column::Face),
            Some(Column::Verification),
        ]
    };
    let col = |which| columns.iter().position(|c| *c == Some(which));
    let (ci, fi, vi) = (
        col(Column::Code),
        col(Column::Face),
        col(Column::Verification),
    );
    let rows = records
        .into_iter()
        .skip(has_header as usize)
        .map(|(line, r)| {
            let cell = |i: Option<usize>| i.and_then(|i| r.get(i)).unwrap_or("").to_owned();
            BatchRow {
                row: line,
                code_raw: zeroize::Zeroizing::new(cell(ci)),
                face_raw: cell(fi),
                verification_raw: zeroize::Zeroizing::new(cell(vi)),
                masked: String::new(),
                fingerprint: None,
                face_value: None,
                status: Status::Ok,
                reasons: Vec::new(),
            }
        })
        .collect();
    let batch = Batch {
        rows,
        encoding,
        header: has_header,
    };
    if batch.rows.is_empty() {
        return Err(ImportError::NoRows);
    }
    Ok(batch)
}

/// Decodes and parses file bytes.
pub fn import(bytes: &[u8]) -> Result<Batch, ImportError> {
    let (text, enc) = decode(bytes)?;
    parse(&text, enc)
}

impl Batch {
    /// (Re)validates every row: code, face value, verification code,
    /// duplicates in the batch and against earlier orders.
    pub fn validate(&mut self, profile: &ChannelProfile, key: &FingerprintKey, ledger: &Ledger) {
        let alphabet = profile.alphabet();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for r in &mut self.rows {
            r.reasons.clear();
            let check = check_code(&r.code_raw, &alphabet);
            r.masked = mask(&check.normalized);
            r.fingerprint = None;
            match &check.problem {
                None => {
                    let fp = key.fingerprint(&check.normalized);
                    if let Some(first) = seen.get(&fp) {
                        r.reasons
                            .push(RowReason::error("batch.duplicate_in_batch").arg("row", first));
                    } else {
                        seen.insert(fp.clone(), r.row);
                    }
                    if let Some(order) = ledger.released_with(&fp) {
                        r.reasons
                            .push(RowReason::error("batch.duplicate_earlier").arg("order", order));
                    }
                    // No look-alike warning here: imported codes were copied
                    // digitally, not read off a card, and a warning on most
                    // rows would teach operators to ignore warnings.
                    r.fingerprint = Some(fp);
                }
                Some(p) => r.reasons.push(cells::code_reason(p)),
            }
            // Reasons describe a cell and never repeat it: it may hold a
            // secret put in the wrong column.
            let (face, reason) = cells::face_value(&r.face_raw, profile);
            r.face_value = face;
            r.reasons.extend(reason);
            if profile.needs_verification_code {
                match check_verification(&r.verification_raw) {
                    Ok(_) => {}
                    Err(VerificationProblem::Empty) => r
                        .reasons
                        .push(RowReason::error("batch.verification_missing")),
                    Err(_) => r
                        .reasons
                        .push(RowReason::error("batch.verification_invalid")),
                }
            }
            r.status = r
                .reasons
                .iter()
                .map(|x| x.status)
                .max()
                .unwrap_or(Status::Ok);
        }
    }

    pub fn totals(&self, profile: &ChannelProfile) -> Totals {
        let mut t = Totals {
            rows: self.rows.len(),
            ..Totals::default()
        };
        for r in &self.rows {
            match r.status {
                Status::Ok => t.ok += 1,
                Status::Warning => t.warnings += 1,
                Status::Error => t.errors += 1,
            }
            if r.status != Status::Error
                && let Some(f) = r.face_value
            {
                t.face_value += f;
                t.payout += profile.payout(f);
                t.service_fees += Fen(profile.service_fee_fen);
            }
        }
        t
    }

    /// Drops a row (by its source row number).
    pub fn drop_row(&mut self, row: usize) {
        self.rows.retain(|r| r.row != row);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::profile::builtin_profiles;

    fn kqm() -> ChannelProfile {
        builtin_profiles()
            .into_iter()
            .find(|p| p.id == "kaquanmao")
            .unwrap()
    }

    fn checked(bytes: &[u8]) -> Batch {
        let mut b = import(bytes).unwrap();
        b.validate(
            &kqm(),
            &FingerprintKey::from_bytes([1; 32]),
            &Ledger::default(),
        );
        b
    }

    #[test]
    fn encodings_keep_their_journal_names() {
        let all = [
            Encoding::Utf8,
            Encoding::Utf8Bom,
            Encoding::Utf16,
            Encoding::Gb18030,
        ];
        assert_eq!(
            all.map(Encoding::name),
            ["utf8", "utf8bom", "utf16", "gb18030"]
        );
    }

    #[test]
    fn utf8_with_chinese_header_and_a_bom() {
        let b = checked(
            "\u{FEFF}卡密,面值\nABCD-1234-EFGH-5678,100\nZZZZ 1111 YYYY 2222,¥50\n".as_bytes(),
        );
        assert_eq!(b.encoding, Encoding::Utf8Bom);
        assert!(b.header);
        assert_eq!(b.rows.len(), 2);
        assert_eq!((b.rows[0].row, b.rows[0].status), (2, Status::Ok));
        assert_eq!(b.rows[0].masked, "•••• •••• •••• 5678");
        assert_eq!(b.totals(&kqm()).face_value, Fen(15_000));
        assert_eq!(b.totals(&kqm()).payout, Fen(13_800));
    }

    #[test]
    fn gbk_tab_separated_as_excel_saves_it() {
        let (gbk, _, _) = encoding_rs::GBK.encode("面值\t卡密\n100\tABCD1234EFGH5678\n");
        let b = checked(&gbk);
        assert_eq!(b.encoding, Encoding::Gb18030);
        assert_eq!(b.rows[0].face_value, Some(Fen(10_000)));
        assert_eq!(b.rows[0].status, Status::Ok);
    }

    #[test]
    fn row_numbers_survive_crlf_line_ends() {
        let b = checked(b"card,face\r\nABCD1234EFGH5678,100\r\n\r\nWXYZ4321ABCD5678,50\r\n");
        let rows: Vec<usize> = b.rows.iter().map(|r| r.row).collect();
        assert_eq!(rows, vec![2, 4]);
    }

    #[test]
    fn no_header_semicolons_and_row_problems() {
        let b = checked(b"ABCD1234EFGH5678;100\nABCD1234EFGH5678;100\nSHORT;100\nQQQQ1111RRRR2222;abc\n;;\nWWWW3333XXXX4444;75\n");
        assert!(!b.header);
        let s: Vec<(usize, Status)> = b.rows.iter().map(|r| (r.row, r.status)).collect();
        assert_eq!(
            s,
            vec![
                (1, Status::Ok),
                (2, Status::Error),
                (3, Status::Error),
                (4, Status::Error),
                (6, Status::Warning)
            ]
        );
        assert_eq!(b.rows[1].reasons[0].key, "batch.duplicate_in_batch");
        assert_eq!(b.rows[2].reasons[0].key, "batch.code_length");
        assert_eq!(b.rows[3].reasons[0].key, "batch.face_invalid");
        assert_eq!(b.rows[4].reasons[0].key, "batch.face_unusual");
        let t = b.totals(&kqm());
        assert_eq!((t.ok, t.warnings, t.errors), (1, 1, 3));
    }

    /// A first line that holds a card and a header word is a card: it is
    /// checked (and refused for its face value), never dropped as a header.
    #[test]
    fn a_card_on_the_first_line_is_never_taken_for_a_header() {
        let b = checked(b"KMNP2345QRST6789,face\nABCD1234EFGH5678,100\n");
        assert!(!b.header);
        let s: Vec<(usize, Status)> = b.rows.iter().map(|r| (r.row, r.status)).collect();
        assert_eq!(s, vec![(1, Status::Error), (2, Status::Ok)]);
        assert_eq!(b.rows[0].reasons[0].key, "batch.face_invalid");
        // A real header with a column of its own still is one.
        let b = checked(b"card,face value,note\nABCD1234EFGH5678,100,x\n");
        assert!(b.header);
        assert_eq!(b.rows.len(), 1);
    }

    #[test]
    fn debug_output_shows_no_cell() {
        let b = checked(b"card,face,verification\nQW23XK7P9MZR4T8V,654321,135790\n");
        let dbg = format!("{:?}", b.rows);
        for secret in ["QW23XK7P9MZR", "654321", "135790"] {
            assert!(!dbg.contains(secret), "{dbg}");
        }
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        assert_eq!(import(b"").unwrap_err(), ImportError::Empty);
        assert_eq!(
            import(b"\x00\x01\x02PK\x03\x04").unwrap_err(),
            ImportError::Binary
        );
        assert_eq!(
            import(&[0xFF, 0x80, 0x80, 0xFF, 0x30]).unwrap_err(),
            ImportError::UnknownEncoding
        );
        assert!(matches!(
            import(&vec![b'a'; MAX_BYTES + 1]).unwrap_err(),
            ImportError::TooLarge { .. }
        ));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "card,face\r\nABCD1234EFGH5678,100\r\n"
                    .encode_utf16()
                    .flat_map(|u| u.to_le_bytes()),
            )
            .collect();
        let b = checked(&utf16);
        assert_eq!(
            (b.encoding, b.rows[0].status),
            (Encoding::Utf16, Status::Ok)
        );
    }
}
