//! Turns parsed YAML values into typed records, collecting one diagnostic
//! per wrong, missing or unknown value instead of stopping at the first.
//! Every diagnostic carries the key path of the value it is about.

use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use crate::date::Date;
use crate::diagnostic::{self as checks, Check, Diagnostic, Text};
use crate::locate::{SourceMap, join};
use crate::tree::Spans;

/// Reads the fields of one file and gathers the problems found on the way.
pub struct Decoder<'s> {
    file: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text, to take a number written where text belongs exactly
    /// as written: YAML reads `+8613800001234` as 8613800001234.
    source: Option<&'s str>,
    /// Places of the values of `source`.
    places: Places<'s>,
}

/// Places of the values of a decoder's source.
enum Places<'s> {
    /// Recorded by the fast parser.
    Spans(&'s Spans),
    /// Built from the source the first time a number is read as text.
    Map(Option<SourceMap>),
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

impl<'s> Decoder<'s> {
    /// Starts decoding the file at `file`.
    pub fn new(file: &Path) -> Decoder<'s> {
        Decoder {
            file: file.to_path_buf(),
            diagnostics: Vec::new(),
            source: None,
            places: Places::Map(None),
        }
    }

    /// Starts decoding the file at `file` whose text is `source`, so that
    /// numbers in text fields keep every character as written. `spans` are
    /// the places that the fast parser recorded, if it read the file.
    pub fn with_source(file: &Path, source: &'s str, spans: Option<&'s Spans>) -> Decoder<'s> {
        Decoder {
            source: Some(source),
            places: spans.map_or(Places::Map(None), Places::Spans),
            ..Decoder::new(file)
        }
    }

    /// Returns the value at `key_path` as written in the source, when it is
    /// known and fits on one line.
    fn written(&mut self, key_path: &str) -> Option<String> {
        let source = self.source?;
        match &mut self.places {
            Places::Spans(spans) => spans.written(source, key_path),
            Places::Map(map) => map
                .get_or_insert_with(|| SourceMap::build(source))
                .written(source, key_path),
        }
    }

    /// Records a problem about the value at `path`.
    pub fn report(&mut self, check: Check, path: &str, message: Text, hint: Text) {
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
            let (message, hint) = if path.is_empty() {
                not_a_record(value, &found)
            } else {
                let message = Text::new(
                    format!(
                        "`{path}`（{label}）下面应当是若干行 `键: 值`，实际是{}",
                        found.zh
                    ),
                    format!(
                        "`{path}` ({label}) must be a block of `key: value` lines, found {}",
                        found.en
                    ),
                );
                let keys = key_list(fields);
                let hint = Text::new(
                    format!(
                        "在 `{path}:` 下面另起几行，每行比 `{path}` 多缩进两个空格，写这些键：{keys}"
                    ),
                    format!(
                        "under `{path}:` write these keys on lines of their own, indented two spaces more than `{path}`: {keys}"
                    ),
                );
                (message, hint)
            };
            self.report(checks::WRONG_TYPE, path, message, hint);
            return None;
        };
        for key in mapping.keys() {
            self.check_key(key, path, fields, mapping);
        }
        Some(mapping)
    }

    fn check_key(&mut self, key: &Value, path: &str, fields: &[Field], mapping: &Mapping) {
        let Value::String(name) = key else {
            let text = scalar_text(key).unwrap_or_default();
            let message = Text::new(
                format!("`{text}` 不是记录格式中的键"),
                format!("`{text}` is not a key of the record format"),
            );
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
        let key_path = join(path, name);
        let (message, hint) = match (ideographic_indent(name), closest_key(name.trim(), fields)) {
            (true, _) => (
                Text::new(
                    format!(
                        "键 `{}` 前面有全角空格（U+3000），YAML 不把它当作缩进",
                        name.trim()
                    ),
                    format!(
                        "the key `{}` is preceded by full-width spaces (U+3000), which YAML does not take as indentation",
                        name.trim()
                    ),
                ),
                Text::new(
                    "删掉这些全角空格，改用半角空格缩进（把输入法切换到半角）",
                    "delete the full-width spaces and indent with half-width spaces (switch the input method to 半角)",
                ),
            ),
            (false, Some(field)) if mapping.contains_key(field.key) => (
                Text::new(
                    format!("未知的键 `{key_path}`"),
                    format!("unknown key `{key_path}`"),
                ),
                Text::new(
                    format!(
                        "这一段已经有 `{}`（{}），这一行可能是多余的：核对两行后删掉写错的一行",
                        field.key, field.label
                    ),
                    format!(
                        "this block already has `{}` ({}), so this line may be a leftover: compare the two and delete the wrong one",
                        field.key, field.label
                    ),
                ),
            ),
            (false, Some(field)) => (
                Text::new(
                    format!("未知的键 `{key_path}`"),
                    format!("unknown key `{key_path}`"),
                ),
                Text::new(
                    format!("是不是要写 `{}`（{}）？", field.key, field.label),
                    format!("did you mean `{}` ({})?", field.key, field.label),
                ),
            ),
            (false, None) => (
                Text::new(
                    format!("未知的键 `{key_path}`"),
                    format!("unknown key `{key_path}`"),
                ),
                known_keys(fields),
            ),
        };
        let diagnostic = Diagnostic::new(checks::UNKNOWN_KEY, &self.file, key_path, message, hint);
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
        // The key path is joined only when it is used, because most texts
        // need no message and a record has dozens of them.
        let key_path = || join(path, field.key);
        let text = match value {
            Value::Number(_) => self.written(&key_path()).or_else(|| scalar_text(value)),
            _ => scalar_text(value),
        };
        match text {
            Some(text) if text.trim().is_empty() => None,
            Some(text) if self.has_control_character(key_path, field, &text) => None,
            Some(text) => Some(text),
            None if value.is_null() => None,
            None => {
                let key_path = key_path();
                let found = describe(value);
                let message = Text::new(
                    format!(
                        "`{key_path}`（{}）应当是文字，实际是{}",
                        field.label, found.zh
                    ),
                    format!(
                        "`{key_path}` ({}) must be text, found {}",
                        field.label, found.en
                    ),
                );
                let hint = Text::new(
                    format!("在 `{}: ` 后面同一行写上{}", field.key, field.label),
                    format!(
                        "write {} on the same line after `{}: `",
                        field.label, field.key
                    ),
                );
                self.report(checks::WRONG_TYPE, &key_path, message, hint);
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
        let label = field.label;
        if let Some(number) = value.as_u64() {
            if let Ok(count) = u32::try_from(number) {
                return Some(count);
            }
            let message = Text::new(
                format!("`{key_path}`（{label}）太大：{number}"),
                format!("`{key_path}` ({label}) is too large: {number}"),
            );
            let hint = Text::new("写实际人数", "write the real number of people");
            self.report(checks::COUNT_OUT_OF_RANGE, &key_path, message, hint);
            return None;
        }
        if let Some(number) = value.as_i64() {
            let message = Text::new(
                format!("`{key_path}`（{label}）是负数：{number}"),
                format!("`{key_path}` ({label}) is negative: {number}"),
            );
            let hint = Text::new("人数是 0 或正整数", "a count is 0 or more");
            self.report(checks::COUNT_OUT_OF_RANGE, &key_path, message, hint);
            return None;
        }
        let found = describe(value);
        let message = Text::new(
            format!("`{key_path}`（{label}）应当是整数，实际是{}", found.zh),
            format!(
                "`{key_path}` ({label}) must be a whole number, found {}",
                found.en
            ),
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
            let message = Text::new(
                format!("`{key_path}`（{}）不是有效的日期：{text}", field.label),
                format!("`{key_path}` ({}) is not a valid date: {text}", field.label),
            );
            let hint = Text::new(
                "按 年-月-日 写一个真实存在的日期，例如 2020-02-17",
                "write a real day as YYYY-MM-DD, for example 2020-02-17",
            );
            self.report(checks::INVALID_DATE, &key_path, message, hint);
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
        let message = Text::new(
            format!(
                "`{key_path}`（{}）只能是 {allowed} 之一，实际是 `{text}`",
                field.label
            ),
            format!(
                "`{key_path}` ({}) must be one of {allowed}, found `{text}`",
                field.label
            ),
        );
        let hint = Text::new(
            format!("改为其中之一：{allowed}"),
            format!("write one of: {allowed}"),
        );
        self.report(check, &key_path, message, hint);
        None
    }

    /// Returns the list at `key` (empty when absent), reporting a value that is not a list.
    pub fn list<'v>(&mut self, map: &'v Mapping, path: &str, field: &Field) -> &'v [Value] {
        match map.get(field.key) {
            None | Some(Value::Null) => &[],
            Some(Value::Sequence(items)) => items,
            Some(value) => {
                let key_path = join(path, field.key);
                let found = describe(value);
                let message = Text::new(
                    format!(
                        "`{key_path}`（{}）应当是列表，实际是{}",
                        field.label, found.zh
                    ),
                    format!(
                        "`{key_path}` ({}) must be a list, found {}",
                        field.label, found.en
                    ),
                );
                let hint = Text::new(
                    "写成 [甲, 乙] 这样的列表，或者每项一行、以 `- ` 开头",
                    "write a list such as [a, b], or one `- item` per line",
                );
                self.report(checks::WRONG_TYPE, &key_path, message, hint);
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
            let item_path = || join(&key_path, &index.to_string());
            let (problem_zh, problem_en) = match item {
                Value::String(text) if !text.trim().is_empty() => {
                    if self.has_control_character(item_path, field, text) {
                        all_valid = false;
                    } else {
                        texts.push(text.clone());
                    }
                    continue;
                }
                Value::String(_) | Value::Null => ("是空的".to_owned(), "is blank".to_owned()),
                other => {
                    let found = describe(other);
                    (
                        format!("应当是文字，实际是{}", found.zh),
                        format!("must be text, found {}", found.en),
                    )
                }
            };
            let number = index + 1;
            let message = Text::new(
                format!(
                    "`{key_path}`（{}）的第 {number} 项{problem_zh}",
                    field.label
                ),
                format!(
                    "item {number} of `{key_path}` ({}) {problem_en}",
                    field.label
                ),
            );
            let hint = Text::new(
                "每一项都用文字写，例如 [小学三年级, 初中一年级]",
                "write each item as words, for example [小学三年级, 初中一年级]",
            );
            self.report(checks::WRONG_TYPE, &item_path(), message, hint);
            all_valid = false;
        }
        all_valid.then_some(texts)
    }

    /// Reports text holding a control character, which no form field has and
    /// which a terminal or browser would act on instead of showing.
    fn has_control_character(
        &mut self,
        key_path: impl FnOnce() -> String,
        field: &Field,
        text: &str,
    ) -> bool {
        // Control characters are U+0000 to U+001F, U+007F and U+0080 to
        // U+009F, whose UTF-8 starts with byte C2. One pass over the bytes
        // without an early exit, which compilers turn into vector
        // instructions, rules them out for almost every text.
        let suspect = text.bytes().fold(false, |found, byte| {
            found
                | (byte < 0x20 && !matches!(byte, b'\n' | b'\r' | b'\t'))
                | (byte == 0x7F)
                | (byte == 0xC2)
        });
        if !suspect {
            return false;
        }
        let Some(character) = text
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        else {
            return false;
        };
        let code = u32::from(character);
        let key_path = key_path();
        let message = Text::new(
            format!("`{key_path}`（{}）含有控制字符 U+{code:04X}", field.label),
            format!(
                "`{key_path}` ({}) contains the control character U+{code:04X}",
                field.label
            ),
        );
        let hint = Text::new(
            "删除这个字符；它在多数编辑器里看不见，最好把整个值重新输入一遍",
            "delete the character; it is invisible in most editors, so retype the value",
        );
        self.report(checks::WRONG_TYPE, &key_path, message, hint);
        true
    }

    /// Reports a required block of keys, such as `worker`, that is absent or
    /// empty, listing the keys that go inside it.
    pub fn missing_block(&mut self, map: &Mapping, field: &Field, inner: &[Field]) {
        let (key, label, keys) = (field.key, field.label, key_list(inner));
        let present = map.contains_key(key);
        let message = if present {
            Text::new(
                format!("`{key}`（{label}）没有填写"),
                format!("`{key}` ({label}) is blank"),
            )
        } else {
            Text::new(
                format!("缺少 `{key}`（{label}）"),
                format!("`{key}` ({label}) is missing"),
            )
        };
        let hint = Text::new(
            format!("写一行 `{key}:`，在它下面另起几行、各缩进两个空格，写这些键：{keys}"),
            format!(
                "write a line `{key}:` and under it, each on its own line indented two spaces, the keys {keys}"
            ),
        );
        let diagnostic = Diagnostic::new(checks::MISSING_KEY, &self.file, key, message, hint);
        self.diagnostics.push(if present {
            diagnostic.at_key()
        } else {
            diagnostic
        });
    }

    /// Reports a required key that is absent, or present with no value.
    pub fn missing(&mut self, map: &Mapping, path: &str, field: &Field) {
        let key_path = join(path, field.key);
        let (key, label) = (field.key, field.label);
        if map.contains_key(field.key) {
            let message = Text::new(
                format!("`{key_path}`（{label}）没有填写"),
                format!("`{key_path}` ({label}) is blank"),
            );
            let hint = Text::new(
                format!("在 `{key}: ` 后面填写{label}"),
                format!("write {label} after `{key}: `"),
            );
            let diagnostic =
                Diagnostic::new(checks::MISSING_KEY, &self.file, key_path, message, hint);
            self.diagnostics.push(diagnostic.at_key());
            return;
        }
        let message = Text::new(
            format!("缺少 `{key_path}`（{label}）"),
            format!("`{key_path}` ({label}) is missing"),
        );
        let hint = Text::new(
            format!("加上一行 `{key}: ...`，填写{label}"),
            format!("add the line `{key}: ...` and fill in {label}"),
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

/// Returns a short description of a value and its type for messages.
pub fn describe(value: &Value) -> Text {
    match value {
        Value::Null => Text::new("空值", "nothing"),
        Value::Bool(flag) => Text::new(
            format!("是非值 `{flag}`"),
            format!("the yes/no value `{flag}`"),
        ),
        Value::Number(number) => {
            Text::new(format!("数字 `{number}`"), format!("the number `{number}`"))
        }
        Value::String(text) => Text::new(format!("文字 `{text}`"), format!("the text `{text}`")),
        Value::Sequence(_) => Text::new("一个列表", "a list"),
        Value::Mapping(_) => Text::new("若干行 `键: 值`", "a block of `key: value` lines"),
        Value::Tagged(tagged) => describe(&tagged.value),
    }
}

/// Explains why a whole file is not a record: it is empty, a list or one value.
fn not_a_record(value: &Value, found: &Text) -> (Text, Text) {
    let message = match value {
        Value::Null => Text::new("文件是空的", "the file is empty"),
        _ => Text::new(
            format!(
                "文件内容是{}，但一条记录应当由若干行 `键: 值` 组成",
                found.zh
            ),
            format!(
                "the file holds {}, but a record is a set of `key: value` lines",
                found.en
            ),
        ),
    };
    let hint = Text::new(
        "从 `shoulashou new` 生成的模板或另一条记录开始，每行写一个 `键: 值`，顶层的键不缩进",
        "start from another record, one `key: value` per line with the top-level keys not indented",
    );
    (message, hint)
}

/// Returns how to write a count that was typed some other way.
fn number_hint(value: &Value) -> Text {
    let text = match value {
        Value::String(text) => text.trim(),
        Value::Bool(_) => "",
        _ => return Text::new("只写阿拉伯数字，例如 2", "write digits only, for example 2"),
    };
    if text.chars().any(is_full_width_digit) {
        let ascii: String = text.chars().map(to_ascii_digit).collect();
        return Text::new(
            format!("这是中文输入法打出的全角数字，请改成半角的 `{ascii}`"),
            format!("full-width digits were typed with a Chinese input method: write `{ascii}`"),
        );
    }
    if let Some(number) = chinese_numeral(text) {
        return Text::new(
            format!("用阿拉伯数字写人数：`{text}` 写作 `{number}`"),
            format!("write the count in digits: `{text}` is `{number}`"),
        );
    }
    if matches!(value, Value::Bool(_)) || YES_NO.contains(&text.to_lowercase().as_str()) {
        return Text::new(
            "这里要写人数而不是“是/否”：没有就写 0，有几人就写几",
            "a count is expected, not yes or no: write 0 for none, otherwise the number of people",
        );
    }
    Text::new("只写阿拉伯数字，例如 2", "write digits only, for example 2")
}

/// Words for yes and no that people type where a count belongs.
const YES_NO: &[&str] = &[
    "yes", "no", "y", "n", "是", "否", "有", "无", "没有", "true", "false",
];

/// Returns the value of a Chinese numeral from 零 to 九十九, such as 两 or 十二.
fn chinese_numeral(text: &str) -> Option<u32> {
    let digit = |character: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == character)
            .map(|d| d as u32)
            .or((character == '两').then_some(2))
    };
    let characters: Vec<char> = text.chars().collect();
    match characters.as_slice() {
        [single] => digit(*single).or((*single == '十').then_some(10)),
        ['十', ones] => Some(10 + digit(*ones)?),
        [tens, '十'] => Some(digit(*tens)? * 10),
        [tens, '十', ones] => Some(digit(*tens)? * 10 + digit(*ones)?),
        _ => None,
    }
}

/// Returns whether a key read by YAML starts with ideographic spaces, which
/// means the line was indented with them.
fn ideographic_indent(name: &str) -> bool {
    name.starts_with('\u{3000}')
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

/// Returns the keys of a block, separated by commas.
fn key_list(fields: &[Field]) -> String {
    let keys: Vec<&str> = fields.iter().map(|field| field.key).collect();
    keys.join(", ")
}

fn known_keys(fields: &[Field]) -> Text {
    let keys: Vec<&str> = fields.iter().map(|field| field.key).collect();
    let keys = keys.join(", ");
    Text::new(
        format!("这里可以用的键有：{keys}"),
        format!("the keys allowed here are: {keys}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_chinese_numerals() {
        for (text, value) in [
            ("两", 2),
            ("三", 3),
            ("十", 10),
            ("十二", 12),
            ("二十", 20),
            ("九十九", 99),
        ] {
            assert_eq!(chinese_numeral(text), Some(value), "{text}");
        }
        assert_eq!(chinese_numeral("三个"), None);
    }

    #[test]
    fn hints_at_digits_for_numerals_and_yes_no() {
        let hint = number_hint(&Value::String("两".to_owned()));
        assert!(hint.en.contains("`2`"), "{}", hint.en);
        let hint = number_hint(&Value::String("是".to_owned()));
        assert!(hint.en.contains("not yes or no"), "{}", hint.en);
        let hint = number_hint(&Value::String("２".to_owned()));
        assert!(hint.zh.contains("`2`"), "{}", hint.zh);
    }
}
