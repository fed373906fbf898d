//! A JSON file of the person's (settings, channel profiles, remedy book)
//! that does not read, kept so it can be said in either language: serde's
//! own sentence is English, so other languages get the kind of fault and
//! where it is, in their words.

use crate::i18n::{Lang, Texts};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonFaultKind {
    /// Not JSON (a missing comma, a stray character).
    Syntax,
    /// JSON, but a value of the wrong kind or an unknown field.
    Data,
    /// The file stops in the middle.
    Eof,
    Io,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonFault {
    pub kind: JsonFaultKind,
    pub line: usize,
    pub column: usize,
    /// serde's sentence, cut to a few hundred characters (a planted
    /// megabyte-long key must not become a megabyte-long notice).
    english: String,
}

impl JsonFault {
    pub fn from_serde(e: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        let kind = match e.classify() {
            Category::Syntax => JsonFaultKind::Syntax,
            Category::Data => JsonFaultKind::Data,
            Category::Eof => JsonFaultKind::Eof,
            Category::Io => JsonFaultKind::Io,
        };
        let english: String = e.to_string().chars().take(160).collect();
        JsonFault {
            kind,
            line: e.line(),
            column: e.column(),
            english,
        }
    }

    /// The fault in `tr`'s language: serde's sentence in English; the kind
    /// and place in words otherwise.
    pub fn describe(&self, tr: &Texts) -> String {
        if tr.lang() == Lang::En {
            return self.english.clone();
        }
        let key = match self.kind {
            JsonFaultKind::Syntax => "json.syntax",
            JsonFaultKind::Data => "json.data",
            JsonFaultKind::Eof => "json.eof",
            JsonFaultKind::Io => "json.io",
        };
        tr.fmt(key, &[("line", &self.line), ("column", &self.column)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_said_in_chinese_with_its_place_and_in_serdes_english() {
        let zh = Texts::new(Lang::Zh);
        let en = Texts::new(Lang::En);
        let cases = [
            ("{\"hold_s\": \"ten\"}", JsonFaultKind::Data),
            ("{\"hold_s\" 10}", JsonFaultKind::Syntax),
            ("{\"hold_s\": 10", JsonFaultKind::Eof),
        ];
        for (text, kind) in cases {
            let e =
                serde_json::from_str::<std::collections::BTreeMap<String, u32>>(text).unwrap_err();
            let f = JsonFault::from_serde(&e);
            assert_eq!(f.kind, kind, "{text}");
            let said = f.describe(&zh);
            assert!(said.contains(&f.line.to_string()), "{said}");
            assert!(
                !said.chars().any(|c| c.is_ascii_lowercase()),
                "English in zh: {said}"
            );
            assert_eq!(f.describe(&en), e.to_string());
        }
    }
}
