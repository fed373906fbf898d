//! Card secret (卡密) and verification code: normalisation, validation,
//! masking. The secret lives only in memory, in [`CardSecret`], whose
//! `Debug`/`Display` are masked so it cannot leak through logs or panics.

use std::fmt;

/// A JD e-card secret has 16 characters, shown in 4 groups of 4.
pub const CODE_LEN: usize = 16;
/// Dynamic verification codes have 6 digits.
pub const VERIFICATION_LEN: usize = 6;
/// The mask glyph used wherever a secret character is hidden.
pub const MASK: char = '•';

/// Characters that users type or paste but that carry nothing: zero-width
/// spaces and joiners, BOM, soft hyphen, bidi marks and isolates.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Separators people put between groups: spaces (ASCII, ideographic,
/// no-break), tabs and dashes of every width.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\u{00A0}'
            | '\u{3000}'
            | '-'
            | '\u{2010}'
            | '\u{2011}'
            | '\u{2012}'
            | '\u{2013}'
            | '\u{2014}'
            | '\u{2212}'
            | '\u{FF0D}'
            | '\u{30FC}'
    )
}

/// Full-width ASCII forms (U+FF01–U+FF5E) from Chinese IMEs map to ASCII.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Which characters a channel's card secrets use; decides which
/// look-alike characters are worth warning about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alphabet {
    chars: Vec<char>,
}

impl Alphabet {
    /// Builds an alphabet from a string of ASCII letters/digits; case is folded.
    pub fn new(spec: &str) -> Result<Self, char> {
        let mut chars = Vec::new();
        for c in spec.chars() {
            let c = c.to_ascii_uppercase();
            if !c.is_ascii_alphanumeric() {
                return Err(c);
            }
            if !chars.contains(&c) {
                chars.push(c);
            }
        }
        if chars.is_empty() {
            return Err(' ');
        }
        Ok(Self { chars })
    }

    pub fn full() -> Self {
        Self::new("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ").unwrap_or(Self { chars: vec!['0'] })
    }

    pub fn contains(&self, c: char) -> bool {
        self.chars.contains(&c)
    }
}

/// Groups of characters people misread for one another.
const CONFUSABLE_GROUPS: &[&[char]] = &[&['O', '0'], &['I', '1', 'L'], &['S', '5'], &['B', '8']];

/// A character in the code that could be read as another one the channel also uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confusable {
    /// 1-based position within the 16-character code.
    pub position: usize,
    pub found: char,
    pub could_be: Vec<char>,
}

/// Why an entry is not (yet) a usable code. Positions are 1-based and count
/// the characters as the user typed them (before normalisation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeProblem {
    Empty,
    /// A character that is neither a letter, a digit, a separator nor invisible.
    InvalidChar {
        ch: char,
        position: usize,
    },
    /// A letter/digit that this channel's cards never use.
    NotInAlphabet {
        ch: char,
        position: usize,
        suggestion: Option<char>,
    },
    TooShort {
        have: usize,
    },
    TooLong {
        have: usize,
    },
    /// The entry holds more than one code: that is batch mode's job.
    SeveralCodes {
        count: usize,
    },
}

/// The outcome of checking what is in the code field. Holds the code:
/// its Debug form is masked and it is wiped when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeCheck {
    /// Normalised characters so far (upper-case ASCII), possibly incomplete.
    pub normalized: String,
    pub problem: Option<CodeProblem>,
    pub confusables: Vec<Confusable>,
}

impl std::fmt::Debug for CodeCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeCheck")
            .field("normalized", &mask_raw(&self.normalized))
            .field("problem", &self.problem)
            .field("confusables", &self.confusables.len())
            .finish()
    }
}

impl Drop for CodeCheck {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.normalized);
    }
}

impl CodeCheck {
    pub fn secret(&self) -> Option<CardSecret> {
        (self.problem.is_none() && self.normalized.chars().count() == CODE_LEN)
            .then(|| CardSecret(self.normalized.clone()))
    }
}

/// Normalises and validates the raw code entry against a channel alphabet.
pub fn check_code(raw: &str, alphabet: &Alphabet) -> CodeCheck {
    // Several lines (or `;`/`,` separated parts) that each look like a code
    // mean a pasted list: never silently keep just one of them.
    let parts = raw
        .split(['\n', '\r', ',', ';', '，', '；'])
        .filter(|p| alnum_count(p) >= CODE_LEN)
        .count();
    let mut normalized = String::new();
    let mut problem = None;
    for (i, c) in raw.chars().enumerate() {
        let position = i + 1;
        if is_invisible(c) || c == '\n' || c == '\r' {
            continue;
        }
        let c = fold_width(c);
        if is_separator(c) {
            continue;
        }
        if !c.is_ascii_alphanumeric() {
            if problem.is_none() {
                problem = Some(CodeProblem::InvalidChar { ch: c, position });
            }
            continue;
        }
        let c = c.to_ascii_uppercase();
        if !alphabet.contains(c) && problem.is_none() {
            problem = Some(CodeProblem::NotInAlphabet {
                ch: c,
                position,
                suggestion: lookalike_in(c, alphabet),
            });
        }
        normalized.push(c);
    }
    let have = normalized.len();
    if parts >= 2 || have >= 2 * CODE_LEN {
        problem = Some(CodeProblem::SeveralCodes {
            count: parts.max(have / CODE_LEN),
        });
    } else if problem.is_none() {
        if have == 0 {
            problem = Some(CodeProblem::Empty);
        } else if have < CODE_LEN {
            problem = Some(CodeProblem::TooShort { have });
        } else if have > CODE_LEN {
            problem = Some(CodeProblem::TooLong { have });
        }
    }
    let confusables = if have <= CODE_LEN {
        confusables_in(&normalized, alphabet)
    } else {
        Vec::new()
    };
    CodeCheck {
        normalized,
        problem,
        confusables,
    }
}

fn alnum_count(s: &str) -> usize {
    s.chars()
        .map(fold_width)
        .filter(char::is_ascii_alphanumeric)
        .count()
}

fn lookalike_in(c: char, alphabet: &Alphabet) -> Option<char> {
    CONFUSABLE_GROUPS
        .iter()
        .find(|g| g.contains(&c))
        .and_then(|g| g.iter().copied().find(|&o| o != c && alphabet.contains(o)))
}

fn confusables_in(code: &str, alphabet: &Alphabet) -> Vec<Confusable> {
    code.chars()
        .enumerate()
        .filter_map(|(i, c)| {
            let group = CONFUSABLE_GROUPS.iter().find(|g| g.contains(&c))?;
            let could_be: Vec<char> = group
                .iter()
                .copied()
                .filter(|&o| o != c && alphabet.contains(o))
                .collect();
            (!could_be.is_empty()).then_some(Confusable {
                position: i + 1,
                found: c,
                could_be,
            })
        })
        .collect()
}

/// Groups normalised characters as `XXXX XXXX XXXX XXXX`.
pub fn group(normalized: &str) -> String {
    let mut out = String::with_capacity(normalized.len() + 4);
    for (i, c) in normalized.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// The masked form: every character hidden except the code's last four
/// (positions 13–16), e.g. `•••• •••• •••• 7F3K`. An incomplete or
/// over-long entry reveals nothing.
pub fn mask(normalized: &str) -> String {
    let n = normalized.chars().count();
    let masked: String = normalized
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if n == CODE_LEN && i >= CODE_LEN - 4 {
                c
            } else {
                MASK
            }
        })
        .collect();
    group(&masked)
}

/// A file name (or any text the person did not type as a code) with every
/// code-like stretch masked but its last four letters or digits: 6+ letters
/// and digits, at least one a digit, possibly split by `-`, `_` or spaces as
/// codes are written. A batch file named after its first card must not put
/// the card in the journal.
pub fn mask_code_like_runs(text: &str) -> String {
    // The extension stays as it is; in the stem any ASCII punctuation or
    // space may split a code (`QW23.ER45+…`).
    if let Some((stem, ext)) = text.rsplit_once('.')
        && !stem.is_empty()
        && ext.len() <= 5
        && ext.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return format!("{}.{ext}", mask_runs(stem));
    }
    mask_runs(text)
}

fn mask_runs(text: &str) -> String {
    let alnum = |c: char| fold_width(c).is_ascii_alphanumeric();
    let in_run = |c: char| {
        let c = fold_width(c);
        // Path separators end a stretch: each folder name is judged alone.
        c.is_ascii_alphanumeric()
            || (c.is_ascii_punctuation() && !matches!(c, '/' | '\\'))
            || c == ' '
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !in_run(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && in_run(chars[i]) {
            i += 1;
        }
        let run = &chars[start..i];
        let count = run.iter().filter(|c| alnum(**c)).count();
        let code_like = count >= 6 && run.iter().any(|c| fold_width(*c).is_ascii_digit());
        let mut seen = 0;
        for &c in run {
            if code_like && alnum(c) {
                seen += 1;
                out.push(if seen > count - 4 { c } else { '•' });
            } else {
                out.push(c);
            }
        }
    }
    out
}

/// What the code field displays while masked: every letter/digit becomes
/// `•` except the code's last four once the entry holds exactly 16 of them;
/// separators and stray characters stay visible so the person can find them.
/// One output char per input char, so the text cursor still lines up.
pub fn mask_raw(raw: &str) -> String {
    let is_code_char = |c: char| fold_width(c).is_ascii_alphanumeric();
    let positions: Vec<usize> = raw
        .chars()
        .enumerate()
        .filter(|&(_, c)| is_code_char(c))
        .map(|(i, _)| i)
        .collect();
    let reveal_from = if positions.len() == CODE_LEN {
        positions[CODE_LEN - 4]
    } else {
        usize::MAX
    };
    raw.chars()
        .enumerate()
        .map(|(i, c)| {
            if is_code_char(c) && i < reveal_from {
                MASK
            } else {
                c
            }
        })
        .collect()
}

/// A validated card secret. Never serialised; `Debug` and `Display` show
/// only the masked form; the buffer is wiped on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct CardSecret(String);

impl CardSecret {
    /// The plain code: for the clipboard hand-off and the fingerprint only.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
    pub fn last4(&self) -> &str {
        &self.0[CODE_LEN - 4..]
    }
}

impl fmt::Debug for CardSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardSecret({})", self.masked())
    }
}

impl fmt::Display for CardSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Drop for CardSecret {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Overwrites a string's bytes before it is freed (best effort: copies made
/// by widgets are out of our hands).
pub fn wipe(s: &mut String) {
    use zeroize::Zeroize;
    s.zeroize();
}

/// Why a verification code entry is not usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerificationProblem {
    Empty,
    NotDigit { ch: char, position: usize },
    WrongLength { have: usize },
}

/// A validated 6-digit verification code; masked like [`CardSecret`].
#[derive(Clone, PartialEq, Eq)]
pub struct VerificationCode(String);

impl VerificationCode {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for VerificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("VerificationCode(••••••)")
    }
}

impl Drop for VerificationCode {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

pub fn check_verification(raw: &str) -> Result<VerificationCode, VerificationProblem> {
    let mut digits = String::new();
    for (i, c) in raw.chars().enumerate() {
        if is_invisible(c) {
            continue;
        }
        let c = fold_width(c);
        if is_separator(c) {
            continue;
        }
        if !c.is_ascii_digit() {
            return Err(VerificationProblem::NotDigit {
                ch: c,
                position: i + 1,
            });
        }
        digits.push(c);
    }
    match digits.len() {
        0 => Err(VerificationProblem::Empty),
        VERIFICATION_LEN => Ok(VerificationCode(digits)),
        have => Err(VerificationProblem::WrongLength { have }),
    }
}

/// How a character is named in messages: control and invisible characters
/// as `U+XXXX`, everything else as itself.
pub fn describe_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() || is_invisible(c) {
        format!("U+{:04X}", c as u32)
    } else {
        format!("'{c}' (U+{:04X})", c as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_like_runs_in_a_file_name_are_masked() {
        assert_eq!(
            mask_code_like_runs("QW23ER45TY67UI89.csv"),
            "••••••••••••UI89.csv"
        );
        assert_eq!(
            mask_code_like_runs("QW23-ER45-TY67-UI89.csv"),
            "••••-••••-••••-UI89.csv"
        );
        assert_eq!(mask_code_like_runs("vc 654321.csv"), "•• ••4321.csv");
        for name in ["QW23.ER45.TY67.UI89.csv", "QW23+ER45+TY67+UI89.txt"] {
            let m = mask_code_like_runs(name);
            assert!(
                !m.contains("QW23") && !m.contains("TY67") && m.contains("UI89"),
                "{m}"
            );
        }
        assert_eq!(mask_code_like_runs("三张卡.csv"), "三张卡.csv");
        assert_eq!(
            mask_code_like_runs("/home/li/QW23.ER45.TY67.UI89.csv"),
            "/home/li/••••.••••.••••.UI89.csv"
        );
        assert_eq!(mask_code_like_runs("november.csv"), "november.csv");
    }

    #[test]
    fn a_code_check_never_debug_prints_the_code() {
        let c = check_code("QW23-ER45-TY67-UI89", &Alphabet::full());
        assert!(c.secret().is_some());
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("QW23") && !shown.contains("TY67"),
            "{shown}"
        );
        assert!(shown.contains("UI89"), "only the last four: {shown}");
    }

    #[test]
    fn accepts_plain_spaced_dashed_and_lower_case() {
        for raw in [
            "ABCD1234EFGH5678",
            "abcd 1234 efgh 5678",
            "ABCD-1234-EFGH-5678",
            " abcd-1234 EFGH5678 ",
        ] {
            let c = check_code(raw, &Alphabet::full());
            assert_eq!(c.normalized, "ABCD1234EFGH5678", "{raw}");
            assert!(c.secret().is_some(), "{raw}");
        }
    }

    #[test]
    fn folds_full_width_ime_input() {
        let c = check_code("ＡＢＣＤ１２３４ｅｆｇｈ　５６７８", &Alphabet::full());
        assert_eq!(c.normalized, "ABCD1234EFGH5678");
        assert!(c.problem.is_none());
    }

    #[test]
    fn strips_zero_width_and_bidi_characters() {
        let c = check_code(
            "\u{FEFF}AB\u{200B}CD1234\u{200D}EFGH\u{2066}5678\u{00AD}",
            &Alphabet::full(),
        );
        assert_eq!(c.normalized, "ABCD1234EFGH5678");
        assert!(c.problem.is_none());
    }

    #[test]
    fn rejects_other_characters_naming_character_and_position() {
        let c = check_code("ABCD12é4EFGH5678", &Alphabet::full());
        assert_eq!(
            c.problem,
            Some(CodeProblem::InvalidChar {
                ch: 'é',
                position: 7
            })
        );
        let c = check_code("AB😀CD", &Alphabet::full());
        assert_eq!(
            c.problem,
            Some(CodeProblem::InvalidChar {
                ch: '😀',
                position: 3
            })
        );
        let c = check_code("AB\u{7}C", &Alphabet::full());
        assert_eq!(
            c.problem,
            Some(CodeProblem::InvalidChar {
                ch: '\u{7}',
                position: 3
            })
        );
        assert_eq!(describe_char('\u{7}'), "U+0007");
    }

    #[test]
    fn reports_length_problems() {
        assert_eq!(
            check_code("", &Alphabet::full()).problem,
            Some(CodeProblem::Empty)
        );
        assert_eq!(
            check_code(" \u{200B} ", &Alphabet::full()).problem,
            Some(CodeProblem::Empty)
        );
        assert_eq!(
            check_code("ABCD", &Alphabet::full()).problem,
            Some(CodeProblem::TooShort { have: 4 })
        );
        assert_eq!(
            check_code("ABCD1234EFGH56789", &Alphabet::full()).problem,
            Some(CodeProblem::TooLong { have: 17 })
        );
    }

    #[test]
    fn several_codes_point_to_batch_mode() {
        let c = check_code("ABCD1234EFGH5678\nZZZZ1111YYYY2222", &Alphabet::full());
        assert_eq!(c.problem, Some(CodeProblem::SeveralCodes { count: 2 }));
        let c = check_code("ABCD1234EFGH5678ZZZZ1111YYYY2222AAAA", &Alphabet::full());
        assert_eq!(c.problem, Some(CodeProblem::SeveralCodes { count: 2 }));
        assert!(c.secret().is_none());
    }

    #[test]
    fn confusables_only_when_alphabet_has_both() {
        let c = check_code("O0IL SB58 AAAA AAAA", &Alphabet::full());
        let positions: Vec<usize> = c.confusables.iter().map(|c| c.position).collect();
        assert_eq!(positions, vec![1, 2, 3, 4, 5, 6, 7, 8]);
        let no_letters = Alphabet::new("0123456789").unwrap();
        let c = check_code("0123456789012345", &no_letters);
        assert!(
            c.confusables.iter().all(|x| x.found != '0'),
            "{:?}",
            c.confusables
        );
    }

    #[test]
    fn letter_outside_alphabet_suggests_lookalike() {
        let crockford = Alphabet::new("0123456789ABCDEFGHJKMNPQRSTVWXYZ").unwrap();
        let c = check_code("ABCD 1234 EFGH 567O", &crockford);
        assert_eq!(
            c.problem,
            Some(CodeProblem::NotInAlphabet {
                ch: 'O',
                position: 19,
                suggestion: Some('0')
            })
        );
    }

    #[test]
    fn masks_all_but_last_four_of_a_complete_code() {
        assert_eq!(mask("ABCD1234EFGH7F3K"), "•••• •••• •••• 7F3K");
        assert_eq!(mask("ABCD12"), "•••• ••");
        assert_eq!(group("ABCD1234EFGH7F3K"), "ABCD 1234 EFGH 7F3K");
        let s = check_code("ABCD1234EFGH7F3K", &Alphabet::full())
            .secret()
            .unwrap();
        assert_eq!(format!("{s:?}"), "CardSecret(•••• •••• •••• 7F3K)");
        assert_eq!(s.to_string(), "•••• •••• •••• 7F3K");
        assert_eq!(s.last4(), "7F3K");
    }

    #[test]
    fn masked_field_keeps_length_and_separators() {
        assert_eq!(mask_raw("ABCD 1234-efgh 7F3K"), "•••• ••••-•••• 7F3K");
        assert_eq!(mask_raw("ABCD12"), "••••••");
        assert_eq!(mask_raw("AB😀"), "••😀");
        assert_eq!(mask_raw("ＡＢ"), "••");
        let raw = "ABCD1234EFGH7F3K0";
        assert_eq!(mask_raw(raw).chars().count(), raw.chars().count());
        assert!(
            !mask_raw(raw).contains('7'),
            "17 characters: reveal nothing"
        );
    }

    #[test]
    fn verification_code_rules() {
        assert!(check_verification("123456").is_ok());
        assert!(check_verification("１２３ ４５６").is_ok());
        assert_eq!(
            check_verification("").unwrap_err(),
            VerificationProblem::Empty
        );
        assert_eq!(
            check_verification("12345").unwrap_err(),
            VerificationProblem::WrongLength { have: 5 }
        );
        assert_eq!(
            check_verification("12a456").unwrap_err(),
            VerificationProblem::NotDigit {
                ch: 'a',
                position: 3
            }
        );
        assert_eq!(
            format!("{:?}", check_verification("123456").unwrap()),
            "VerificationCode(••••••)"
        );
    }
}
