//! `new`: writes a family or team file with every key of its format, each
//! commented with the form's label and rule, and a first line that points
//! the VS Code YAML extension at the format's JSON Schema.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use clap::{Args, ValueEnum};
use unicode_width::UnicodeWidthStr;

use crate::decode::Field;
use crate::error::Error;
use crate::lang::{Lang, Text};
use crate::schema::{self, Kind, Presence, ValueKind};

/// Folder, relative to the campaign folder, where `schema --out schemas`
/// writes the schemas that scaffolded files point at.
pub const SCHEMA_DIR: &str = "schemas";

/// Options of `new`.
#[derive(Debug, Args)]
pub struct NewArguments {
    /// Kind of record to write
    #[arg(value_enum)]
    pub kind: RecordKind,
    /// File to write, such as records/zzu/wang-family.yaml; a team file goes
    /// inside a folder named `teams`. Missing folders are created.
    pub path: PathBuf,
    /// University to fill in as `university`
    #[arg(long, value_name = "NAME")]
    pub university: Option<String>,
}

/// A record that `new` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecordKind {
    /// A family file (Attachment 1)
    Family,
    /// A volunteer team file
    Team,
}

impl RecordKind {
    fn format(self) -> Kind {
        match self {
            RecordKind::Family => Kind::Family,
            RecordKind::Team => Kind::Team,
        }
    }
}

/// Runs `new` from the campaign folder, the current directory: checks the
/// path, creates missing folders and writes the file, never replacing one.
pub fn run(arguments: &NewArguments, lang: Lang, quiet: bool) -> Result<(), Error> {
    let path = &arguments.path;
    check_path(path, arguments.kind)?;
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|error| Error::io(&parent, error))?;

    let kind = arguments.kind.format();
    let root = std::env::current_dir().map_err(|error| Error::io(".", error))?;
    let schema_path = root.join(SCHEMA_DIR).join(kind.schema_file_name());
    let reference = schema_reference(&parent, &root, kind.schema_file_name())?;
    let text = render(kind, arguments.university.as_deref(), &reference);
    write_new(path, &text, lang)?;

    if !quiet {
        let shown = path.display();
        let done = Text::new(
            format!("已生成 {shown}：在每个冒号后面填写，然后运行 shoulashou check"),
            format!("wrote {shown}: fill in a value after each colon, then run shoulashou check"),
        );
        eprintln!("{}", done.get(lang));
        if !schema_path.is_file() {
            let hint = Text::new(
                format!(
                    "在这个文件夹运行 shoulashou schema --out {SCHEMA_DIR}，VS Code 就能补全和检查这个文件"
                ),
                format!(
                    "run shoulashou schema --out {SCHEMA_DIR} in this folder so that VS Code can complete and check the file"
                ),
            );
            eprintln!("{}", hint.get(lang));
        }
    }
    Ok(())
}

/// Rejects a path that `check` would not read as a record of `kind`: not
/// `.yaml` or `.yml`, or a team outside a folder named `teams` (it would be
/// read as a family), or a family inside one.
fn check_path(path: &Path, kind: RecordKind) -> Result<(), Error> {
    let shown = path.display();
    let is_yaml = path
        .extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            extension.eq_ignore_ascii_case("yaml") || extension.eq_ignore_ascii_case("yml")
        });
    if !is_yaml {
        return Err(Error::Usage(format!(
            "{shown} does not end in .yaml or .yml, so check and build would skip it; name it like records/zzu/wang-family.yaml"
        )));
    }
    let in_teams = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|name| name == "teams");
    match (kind, in_teams) {
        (RecordKind::Team, false) => Err(Error::Usage(format!(
            "{shown} is not inside a folder named `teams`, so it would be read as a family; write team files like records/zzu/teams/team-01.yaml"
        ))),
        (RecordKind::Family, true) => Err(Error::Usage(format!(
            "{shown} is inside a folder named `teams`, so it would be read as a team; put family files outside `teams`, like records/zzu/wang-family.yaml"
        ))),
        _ => Ok(()),
    }
}

/// Creates `path` with `text`, failing when any file is already there.
fn write_new(path: &Path, text: &str, lang: Lang) -> Result<(), Error> {
    // `create_new` fails atomically when the path exists, so a file
    // created between a check and the write is not replaced either.
    let file = OpenOptions::new().write(true).create_new(true).open(path);
    let mut file = match file {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            let shown = path.display();
            let message = Text::new(
                format!("{shown} 已经存在；new 从不覆盖文件：换一个文件名，或者先删除这个文件"),
                format!(
                    "{shown} already exists; new never replaces a file: choose another name or delete the file first"
                ),
            );
            return Err(Error::Usage(message.get(lang).to_owned()));
        }
        Err(error) => return Err(Error::io(path, error)),
    };
    file.write_all(text.as_bytes())
        .map_err(|error| Error::io(path, error))
}

/// Returns the `$schema` reference from a file in `file_dir` to the schema
/// `file_name` in the `schemas` folder of `root`. It is a relative path with
/// `/` separators, which the YAML extension resolves against the file. When
/// no relative path exists (another drive on Windows), it is a `file:` URL.
pub fn schema_reference(file_dir: &Path, root: &Path, file_name: &str) -> Result<String, Error> {
    let file_dir = file_dir
        .canonicalize()
        .map_err(|error| Error::io(file_dir, error))?;
    let root = root
        .canonicalize()
        .map_err(|error| Error::io(root, error))?;
    let schema = root.join(SCHEMA_DIR).join(file_name);

    let from: Vec<Component> = file_dir.components().collect();
    let to: Vec<Component> = schema.components().collect();
    if from.first() != to.first() {
        return Ok(file_url(&schema));
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|component| component.as_os_str().to_string_lossy().into_owned()),
    );
    Ok(parts.join("/"))
}

fn file_url(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    if text.starts_with('/') {
        format!("file://{text}")
    } else {
        format!("file:///{text}")
    }
}

/// Builds the text of a new record of `kind`: the schema line, a short
/// guide, then every key with its label and rule as a comment.
pub fn render(kind: Kind, university: Option<&str>, schema_reference: &str) -> String {
    let mut lines = vec![
        format!("# yaml-language-server: $schema={schema_reference}"),
        format!(
            "# {}：在每个冒号后面填写；# 后面是说明，可以留着。",
            kind.label()
        ),
        "# 行首是 # 的键属于选填的块：要填写时，删掉 # 和它后面的一个空格。".to_owned(),
    ];
    let context = Context { kind, university };
    block_lines(&context, "", kind.fields(), &Indent::top(), &mut lines);
    lines.join("\n") + "\n"
}

struct Context<'a> {
    kind: Kind,
    university: Option<&'a str>,
}

/// The start of a block's keys: the indentation, whether they are commented
/// out, and whether they form a list item (`- ` before the first).
#[derive(Clone)]
struct Indent {
    spaces: String,
    commented: bool,
    list_item: bool,
}

impl Indent {
    fn top() -> Indent {
        Indent {
            spaces: String::new(),
            commented: false,
            list_item: false,
        }
    }

    /// Returns the text before the key at `index` of the block.
    fn prefix(&self, index: usize) -> String {
        let mut prefix = self.spaces.clone();
        if self.commented {
            prefix.push_str("# ");
        }
        if self.list_item {
            prefix.push_str(if index == 0 { "- " } else { "  " });
        }
        prefix
    }

    /// Returns the indentation of the keys of a block nested in this one.
    fn nested(&self, commented: bool, list_item: bool) -> Indent {
        // Blocks nest one level below the top in every format, so the parent
        // is never commented out nor a list item itself.
        debug_assert!(!self.commented && !self.list_item);
        Indent {
            spaces: format!("{}  ", self.spaces),
            commented,
            list_item,
        }
    }
}

/// Appends the lines of a block's keys, their comments aligned in a column.
fn block_lines(
    context: &Context,
    path: &str,
    fields: &[Field],
    indent: &Indent,
    lines: &mut Vec<String>,
) {
    let lefts: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(index, field)| {
            let value = match (path, field.key, context.university) {
                ("", "university", Some(name)) => format!(" {}", yaml_scalar(name)),
                _ => String::new(),
            };
            format!("{}{}:{value}", indent.prefix(index), field.key)
        })
        .collect();
    let width = lefts.iter().map(|left| left.width()).max().unwrap_or(0);

    for (field, left) in fields.iter().zip(&lefts) {
        let key_path = if path.is_empty() {
            field.key.to_owned()
        } else {
            format!("{path}.{}", field.key)
        };
        let rule = schema::rule_of(context.kind, &key_path);
        let padding = " ".repeat(width - left.width() + 2);
        let comment = format!("{}：{}", field.label, schema::describe(&rule));
        lines.push(format!("{left}{padding}# {comment}"));

        let optional = rule.presence == Presence::Optional;
        let nested = match rule.value {
            ValueKind::Block(inner) => Some((inner, indent.nested(optional, false))),
            ValueKind::Blocks(inner) => Some((inner, indent.nested(true, true))),
            _ => None,
        };
        if let Some((inner, inner_indent)) = nested {
            block_lines(context, &key_path, inner, &inner_indent, lines);
        }
    }
}

/// Writes `text` as a YAML scalar that reads back as the same string: plain
/// when that is safe, else double-quoted (JSON strings are valid YAML).
fn yaml_scalar(text: &str) -> String {
    let plain = format!("key: {text}");
    let reads_back = serde_yaml::from_str::<serde_yaml::Mapping>(&plain)
        .ok()
        .and_then(|mapping| mapping.get("key").cloned())
        .is_some_and(|value| value.as_str() == Some(text));
    if reads_back && !text.contains('#') {
        text.to_owned()
    } else {
        // Serializing a string to JSON cannot fail.
        serde_json::to_string(text).expect("a string serializes to JSON")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_names_that_yaml_would_change() {
        assert_eq!(yaml_scalar("郑州大学"), "郑州大学");
        assert_eq!(yaml_scalar("A: B"), "\"A: B\"");
        assert_eq!(yaml_scalar("123"), "\"123\"");
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar(" 前后空格 "), "\" 前后空格 \"");
    }

    #[test]
    fn comments_items_of_optional_lists() {
        let text = render(Kind::Team, None, "schemas/team.schema.json");
        assert!(text.contains("\n  # - name:"), "{text}");
        assert!(text.contains("\n  #   training:"), "{text}");
    }
}
