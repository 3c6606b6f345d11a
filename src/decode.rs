//! Turns parsed YAML values into typed records, collecting one diagnostic
//! per wrong, missing or unknown value instead of stopping at the first.
//! Every diagnostic carries the key path of the value it is about.

use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use crate::date::Date;
use crate::diagnostic::{self as checks, Check, Diagnostic};
use crate::locate::join;

/// Reads the fields of one file and gathers the problems found on the way.
pub struct Decoder {
    file: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
}

/// One key of a mapping that the format allows, with its form label.
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
}

/// Shorthand for a table of allowed keys.
pub const fn field(key: &'static str, label: &'static str) -> Field {
    Field { key, label }
}

impl Decoder {
    /// Starts decoding the file at `file`.
    pub fn new(file: &Path) -> Decoder {
        Decoder {
            file: file.to_path_buf(),
            diagnostics: Vec::new(),
        }
    }

    /// Records a problem about the value at `path`.
    pub fn report(&mut self, check: Check, path: &str, message: String, hint: impl Into<String>) {
        let diagnostic = Diagnostic::new(check, &self.file, path, message, hint);
        self.diagnostics.push(diagnostic);
    }

    /// Returns `value` as a mapping whose keys are all in `fields`, reporting
    /// unknown keys (with the closest known key as a hint) and a wrong type.
    pub fn mapping<'v>(
        &mut self,
        value: &'v Value,
        path: &str,
        label: &str,
        fields: &[Field],
    ) -> Option<&'v Mapping> {
        let Value::Mapping(mapping) = value else {
            let found = describe(value);
            let message = if path.is_empty() {
                format!("the file holds {found}, but a record is a set of `key: value` lines")
            } else {
                format!("`{path}` ({label}) must be a block of `key: value` lines, found {found}")
            };
            self.report(
                checks::WRONG_TYPE,
                path,
                message,
                "indent the keys under it by two spaces",
            );
            return None;
        };
        for key in mapping.keys() {
            self.check_key(key, path, fields);
        }
        Some(mapping)
    }

    fn check_key(&mut self, key: &Value, path: &str, fields: &[Field]) {
        let Value::String(name) = key else {
            let text = scalar_text(key).unwrap_or_default();
            let message = format!("`{text}` is not a key of the record format");
            self.report(
                checks::UNKNOWN_KEY,
                &join(path, &text),
                message,
                known_keys(fields),
            );
            return;
        };
        if fields.iter().any(|field| field.key == name) {
            return;
        }
        let message = format!("unknown key `{}`", join(path, name));
        let hint = match closest_key(name, fields) {
            Some(field) => format!("did you mean `{}` ({})?", field.key, field.label),
            None => known_keys(fields),
        };
        let diagnostic = Diagnostic::new(
            checks::UNKNOWN_KEY,
            &self.file,
            join(path, name),
            message,
            hint,
        );
        self.diagnostics.push(diagnostic.at_key());
    }

    /// Returns the non-blank text at `key`, reporting it when missing or of the wrong type.
    pub fn required_text(&mut self, map: &Mapping, path: &str, field: &Field) -> Option<String> {
        let text = self.optional_text(map, path, field);
        if text.is_none() && self.is_absent_or_blank(map, field.key) {
            self.missing(map, path, field);
        }
        text
    }

    /// Returns the text at `key`, reporting it as missing only when `required`.
    fn text(&mut self, map: &Mapping, path: &str, field: &Field, required: bool) -> Option<String> {
        if required {
            self.required_text(map, path, field)
        } else {
            self.optional_text(map, path, field)
        }
    }

    /// Returns the text at `key`; `None` when it is absent or blank.
    pub fn optional_text(&mut self, map: &Mapping, path: &str, field: &Field) -> Option<String> {
        let value = map.get(field.key)?;
        let key_path = join(path, field.key);
        match scalar_text(value) {
            Some(text) if text.trim().is_empty() => None,
            Some(text) if self.has_control_character(&key_path, field, &text) => None,
            Some(text) => Some(text),
            None if value.is_null() => None,
            None => {
                let message = format!(
                    "`{key_path}` ({}) must be text, found {}",
                    field.label,
                    describe(value)
                );
                self.report(
                    checks::WRONG_TYPE,
                    &key_path,
                    message,
                    "write the text on the same line after `: `",
                );
                None
            }
        }
    }

    /// Returns the whole number at `key`, reporting it when missing, negative or not a number.
    pub fn count(&mut self, map: &Mapping, path: &str, field: &Field) -> Option<u32> {
        let Some(value) = map.get(field.key).filter(|value| !value.is_null()) else {
            self.missing(map, path, field);
            return None;
        };
        let key_path = join(path, field.key);
        if let Some(number) = value.as_u64() {
            return match u32::try_from(number) {
                Ok(count) => Some(count),
                Err(_) => {
                    let message = format!("`{key_path}` ({}) is too large: {number}", field.label);
                    self.report(
                        checks::COUNT_OUT_OF_RANGE,
                        &key_path,
                        message,
                        "write the real number of people",
                    );
                    None
                }
            };
        }
        if let Some(number) = value.as_i64() {
            let message = format!("`{key_path}` ({}) is negative: {number}", field.label);
            self.report(
                checks::COUNT_OUT_OF_RANGE,
                &key_path,
                message,
                "a count is 0 or more",
            );
            return None;
        }
        let found = describe(value);
        let message = format!(
            "`{key_path}` ({}) must be a whole number, found {found}",
            field.label
        );
        self.report(checks::WRONG_TYPE, &key_path, message, number_hint(value));
        None
    }

    /// Returns the date at `key`, reporting it when missing or not a real `YYYY-MM-DD` day.
    pub fn date(
        &mut self,
        map: &Mapping,
        path: &str,
        field: &Field,
        required: bool,
    ) -> Option<Date> {
        let text = self.text(map, path, field, required)?;
        let key_path = join(path, field.key);
        let date = Date::parse(text.trim());
        if date.is_none() {
            let message = format!("`{key_path}` ({}) is not a valid date: {text}", field.label);
            self.report(
                checks::INVALID_DATE,
                &key_path,
                message,
                "write a real day as YYYY-MM-DD, for example 2020-02-17",
            );
        }
        date
    }

    /// Returns the text at `key` when it is one of `choices`, reporting it otherwise.
    pub fn choice(
        &mut self,
        map: &Mapping,
        path: &str,
        field: &Field,
        choices: &[&str],
        required: bool,
        check: Check,
    ) -> Option<String> {
        let text = self.text(map, path, field, required)?;
        if choices.contains(&text.trim()) {
            return Some(text.trim().to_owned());
        }
        let key_path = join(path, field.key);
        let allowed = choices.join(" | ");
        let message = format!(
            "`{key_path}` ({}) must be one of {allowed}, found `{text}`",
            field.label
        );
        self.report(
            check,
            &key_path,
            message,
            format!("write one of: {allowed}"),
        );
        None
    }

    /// Returns the list at `key` (empty when absent), reporting a value that is not a list.
    pub fn list<'v>(&mut self, map: &'v Mapping, path: &str, field: &Field) -> &'v [Value] {
        match map.get(field.key) {
            None | Some(Value::Null) => &[],
            Some(Value::Sequence(items)) => items,
            Some(value) => {
                let key_path = join(path, field.key);
                let message = format!(
                    "`{key_path}` ({}) must be a list, found {}",
                    field.label,
                    describe(value)
                );
                self.report(
                    checks::WRONG_TYPE,
                    &key_path,
                    message,
                    "write a list such as [a, b], or one `- item` per line",
                );
                &[]
            }
        }
    }

    /// Returns a list of texts at `key`, reporting each element that is not
    /// written as text or is blank. Returns `None` when any element is wrong,
    /// so that checks counting the list do not report it a second time.
    pub fn text_list(&mut self, map: &Mapping, path: &str, field: &Field) -> Option<Vec<String>> {
        let key_path = join(path, field.key);
        let mut texts = Vec::new();
        let mut all_valid = true;
        for (index, item) in self.list(map, path, field).iter().enumerate() {
            let item_path = join(&key_path, &index.to_string());
            let problem = match item {
                Value::String(text) if !text.trim().is_empty() => {
                    if self.has_control_character(&item_path, field, text) {
                        all_valid = false;
                    } else {
                        texts.push(text.clone());
                    }
                    continue;
                }
                Value::String(_) | Value::Null => "is blank".to_owned(),
                other => format!("must be text, found {}", describe(other)),
            };
            let message = format!(
                "item {} of `{key_path}` ({}) {problem}",
                index + 1,
                field.label
            );
            let hint = "write each item as words, for example [小学三年级, 初中一年级]";
            self.report(checks::WRONG_TYPE, &item_path, message, hint);
            all_valid = false;
        }
        all_valid.then_some(texts)
    }

    /// Reports text holding a control character, which no form field has and
    /// which a terminal or browser would act on instead of showing.
    fn has_control_character(&mut self, key_path: &str, field: &Field, text: &str) -> bool {
        let Some(character) = text
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        else {
            return false;
        };
        let message = format!(
            "`{key_path}` ({}) contains the control character U+{:04X}",
            field.label,
            u32::from(character)
        );
        let hint = "delete the character; it is invisible in most editors, so retype the value";
        self.report(checks::WRONG_TYPE, key_path, message, hint);
        true
    }

    /// Reports a required key that is absent, or present with no value.
    pub fn missing(&mut self, map: &Mapping, path: &str, field: &Field) {
        let key_path = join(path, field.key);
        if map.contains_key(field.key) {
            let message = format!("`{key_path}` ({}) is blank", field.label);
            let hint = format!("write {} after `{}: `", field.label, field.key);
            let diagnostic =
                Diagnostic::new(checks::MISSING_KEY, &self.file, key_path, message, hint);
            self.diagnostics.push(diagnostic.at_key());
            return;
        }
        let message = format!("`{key_path}` ({}) is missing", field.label);
        let hint = format!(
            "add the line `{}: ...` and fill in {}",
            field.key, field.label
        );
        self.report(checks::MISSING_KEY, &key_path, message, hint);
    }

    fn is_absent_or_blank(&self, map: &Mapping, key: &str) -> bool {
        match map.get(key) {
            None | Some(Value::Null) => true,
            Some(value) => scalar_text(value).is_some_and(|text| text.trim().is_empty()),
        }
    }
}

/// Returns a scalar as text: strings as written, integers in decimal. Lists,
/// mappings, booleans and fractions are not text.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) if number.is_i64() || number.is_u64() => Some(number.to_string()),
        Value::Tagged(tagged) => scalar_text(&tagged.value),
        _ => None,
    }
}

/// Returns a short description of a value's type for messages.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".to_owned(),
        Value::Bool(flag) => format!("the yes/no value `{flag}`"),
        Value::Number(number) => format!("the number `{number}`"),
        Value::String(text) => format!("the text `{text}`"),
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "a block of `key: value` lines".to_owned(),
        Value::Tagged(tagged) => describe(&tagged.value),
    }
}

fn number_hint(value: &Value) -> String {
    match value {
        Value::String(text) if text.chars().any(is_full_width_digit) => {
            let ascii: String = text.chars().map(to_ascii_digit).collect();
            format!("full-width digits were typed with a Chinese input method: write `{ascii}`")
        }
        _ => "write digits only, for example 2".to_owned(),
    }
}

/// Returns whether a character is a full-width digit (０ to ９).
pub fn is_full_width_digit(character: char) -> bool {
    ('\u{ff10}'..='\u{ff19}').contains(&character)
}

fn to_ascii_digit(character: char) -> char {
    if is_full_width_digit(character) {
        char::from(b'0' + (character as u32 - 0xff10) as u8)
    } else {
        character
    }
}

fn closest_key<'f>(name: &str, fields: &'f [Field]) -> Option<&'f Field> {
    fields
        .iter()
        .map(|field| (strsim::damerau_levenshtein(name, field.key), field))
        .filter(|(distance, field)| *distance <= 2.max(field.key.len() / 3))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, field)| field)
}

fn known_keys(fields: &[Field]) -> String {
    let keys: Vec<&str> = fields.iter().map(|field| field.key).collect();
    format!("the keys allowed here are: {}", keys.join(", "))
}
