//! The language of messages: Chinese by default, English on request or
//! when the locale names another language.

/// A language the tool writes its messages in.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// Chinese (中文)
    Zh,
    /// English
    En,
}

impl Lang {
    /// Picks the language from the locale variables, in POSIX order of
    /// precedence (`LC_ALL`, `LC_MESSAGES`, `LANG`). A locale that names
    /// another language, such as `en_US.UTF-8` or `C`, gives English; no
    /// locale at all gives Chinese, the language of the forms.
    pub fn from_locale(lookup: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| lookup(name))
            .find(|value| !value.is_empty());
        match locale {
            Some(value) if !value.to_ascii_lowercase().starts_with("zh") => Lang::En,
            _ => Lang::Zh,
        }
    }
}

/// A message in each language of the tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    /// Creates a message from its Chinese and English wording.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// Returns the wording in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locale(pairs: &[(&str, &str)]) -> Lang {
        Lang::from_locale(|name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        })
    }

    #[test]
    fn locale_picks_language() {
        assert_eq!(locale(&[]), Lang::Zh);
        assert_eq!(locale(&[("LANG", "zh_CN.UTF-8")]), Lang::Zh);
        assert_eq!(locale(&[("LANG", "en_US.UTF-8")]), Lang::En);
        assert_eq!(locale(&[("LANG", "C")]), Lang::En);
        assert_eq!(locale(&[("LANG", "")]), Lang::Zh);
    }

    #[test]
    fn locale_follows_posix_precedence() {
        assert_eq!(
            locale(&[("LC_ALL", "en_GB.UTF-8"), ("LANG", "zh_CN.UTF-8")]),
            Lang::En
        );
        assert_eq!(
            locale(&[("LC_MESSAGES", "zh_TW.UTF-8"), ("LANG", "C")]),
            Lang::Zh
        );
    }
}
