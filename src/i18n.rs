//! Localised strings. Every user-facing string lives in
//! `assets/i18n/<lang>.json` as a flat key → text map; `{name}` marks a
//! placeholder. A unit test fails when a key exists in one language only.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Its own name, shown in the language picker.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Zh => "简体中文",
            Lang::En => "English",
        }
    }

    /// Chinese for any `zh*` locale, English otherwise.
    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "zh_cn" | "cn" => Some(Lang::Zh),
            "en" | "en-us" | "en_us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// The system's language (LANG / LC_* on Linux).
    pub fn system() -> Lang {
        sys_locale::get_locale()
            .map(|l| Lang::from_locale(&l))
            .unwrap_or(Lang::En)
    }
}

const ZH_JSON: &str = include_str!("../assets/i18n/zh-CN.json");
const EN_JSON: &str = include_str!("../assets/i18n/en.json");

fn parse_table(json: &str) -> HashMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The strings of both languages, with the one in use.
#[derive(Debug, Clone)]
pub struct Texts {
    lang: Lang,
    zh: HashMap<String, String>,
    en: HashMap<String, String>,
}

impl Texts {
    pub fn new(lang: Lang) -> Self {
        Self {
            lang,
            zh: parse_table(ZH_JSON),
            en: parse_table(EN_JSON),
        }
    }

    /// The texts in `lang`, parsed once per process (for code that writes
    /// in a language other than the window's, every frame).
    pub fn shared(lang: Lang) -> &'static Texts {
        static ZH: std::sync::OnceLock<Texts> = std::sync::OnceLock::new();
        static EN: std::sync::OnceLock<Texts> = std::sync::OnceLock::new();
        match lang {
            Lang::Zh => ZH.get_or_init(|| Texts::new(Lang::Zh)),
            Lang::En => EN.get_or_init(|| Texts::new(Lang::En)),
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
    }

    fn table(&self) -> &HashMap<String, String> {
        match self.lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// The text for `key`; a missing key shows as itself (and fails a test).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.table().get(key).map(String::as_str).unwrap_or(key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.table().contains_key(key)
    }

    /// A value the journal keeps as an identifier (a risk level, a release
    /// mode, a screenshot's step, a reason) in words: `value.<arg>.<raw>`,
    /// or the raw value when the tables have no entry (ids, numbers, paths).
    pub fn value<'a>(&'a self, arg: &str, raw: &'a str) -> &'a str {
        self.table()
            .get(&format!("value.{arg}.{raw}"))
            .map_or(raw, String::as_str)
    }

    /// Like [`Texts::fmt`], for arguments held as (name, value) pairs.
    pub fn fmt_pairs<K: AsRef<str>, V: std::fmt::Display>(
        &self,
        key: &str,
        args: &[(K, V)],
    ) -> String {
        let args: Vec<(&str, &dyn std::fmt::Display)> = args
            .iter()
            .map(|(k, v)| (k.as_ref(), v as &dyn std::fmt::Display))
            .collect();
        self.fmt(key, &args)
    }

    /// A count with its noun: `{key}_one` for exactly one ("1 row"), else
    /// `key` ("3 rows"); both fill `{n}`. Chinese has no plural, so both
    /// of its keys say the same.
    pub fn counted(&self, key: &str, n: usize) -> String {
        let key = if n == 1 {
            format!("{key}_one")
        } else {
            key.to_owned()
        };
        self.fmt(&key, &[("n", &n)])
    }

    /// The text for `key` with `{name}` placeholders filled in.
    pub fn fmt(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut out = self.get(key).to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), &value.to_string());
        }
        out
    }
}

/// A byte count in the units people use (language-neutral: "20 MB").
pub fn bytes_words(n: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if n >= MB && n.is_multiple_of(MB) {
        format!("{} MB", n / MB)
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KB", n / 1024)
    } else {
        format!("{n} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_languages_have_the_same_keys_and_placeholders() {
        let zh = parse_table(ZH_JSON);
        let en = parse_table(EN_JSON);
        assert!(!zh.is_empty() && !en.is_empty(), "locale files parse");
        let zk: BTreeSet<_> = zh.keys().collect();
        let ek: BTreeSet<_> = en.keys().collect();
        assert_eq!(
            zk.difference(&ek).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "only in zh-CN"
        );
        assert_eq!(
            ek.difference(&zk).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "only in en"
        );
        let holes = |s: &str| -> BTreeSet<String> {
            s.split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(h, _)| h.to_owned()))
                .collect()
        };
        for k in zk {
            assert_eq!(holes(&zh[k]), holes(&en[k]), "placeholders differ for {k}");
            assert!(
                !zh[k].trim().is_empty() && !en[k].trim().is_empty(),
                "empty text for {k}"
            );
        }
    }

    #[test]
    fn every_key_used_in_the_source_exists() {
        // Keys are written as tr.get("…") / tr.fmt("…", …) / tr_key!("…") in src/.
        let zh = parse_table(ZH_JSON);
        let mut missing = Vec::new();
        for path in walk(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))) {
            let text = std::fs::read_to_string(&path).unwrap();
            for marker in [".get(\"", ".fmt(\""] {
                for piece in text.split(marker).skip(1) {
                    let key = piece.split('"').next().unwrap_or("");
                    if key.contains('.') && !zh.contains_key(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from the locale files: {missing:#?}"
        );
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn locale_detection() {
        assert_eq!(Lang::from_locale("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_locale("zh_TW.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("en-US"), Lang::En);
        assert_eq!(Lang::from_locale("de-DE"), Lang::En);
        let t = Texts::new(Lang::En);
        assert_eq!(
            t.fmt("entry.code_too_short", &[("have", &3)]),
            "3 of 16 characters"
        );
    }
}
