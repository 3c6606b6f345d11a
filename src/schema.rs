//! JSON Schemas (draft 2020-12) of the family, team and campaign formats,
//! built from the key tables of `form`, so that an editor can complete keys
//! and flag wrong values while the user types.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde_json::{Map, Value, json};

use crate::decode::Field;
use crate::error::Error;
use crate::form::{
    APPROVAL, CAMPAIGN, DEPLOYMENTS, FAMILY, GENDERS, HOUSEHOLD, LEADER, MEMBER, TEAM, TEAM_KINDS,
    TRAININGS, UNIVERSITY, VISIT, VISIT_MODES, WORKER,
};

/// The JSON Schema dialect of every schema written here.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// A mobile (11 digits starting with 1) or a landline (area code 0xx or
/// 0xxx, an optional hyphen, then 7 or 8 digits), as `check::is_valid_phone`
/// accepts them.
pub const PHONE_PATTERN: &str = "^(?:1[0-9]{10}|0[0-9]{2,3}-?[0-9]{7,8})$";
/// The shape of a date. Whether the day exists (2020-02-30) is left to `check`.
pub const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
/// Text with at least one character that is not white space: `check`
/// reports blank text as a missing value.
const NOT_BLANK_PATTERN: &str = "\\S";

/// Options of `schema`.
#[derive(Debug, Args)]
pub struct SchemaArguments {
    /// Format whose schema is printed to stdout
    #[arg(value_enum, default_value_t = Kind::Family)]
    pub kind: Kind,
    /// Folder to write all three schemas into, as family.schema.json,
    /// team.schema.json and campaign.schema.json, instead of printing one
    #[arg(long, value_name = "DIR", conflicts_with = "kind")]
    pub out: Option<PathBuf>,
}

/// A file format of a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// A family file (Attachment 1)
    Family,
    /// A team file, inside a folder named `teams`
    Team,
    /// The campaign file, campaign.yaml
    Campaign,
}

impl Kind {
    /// Every format, in the order the schemas are written.
    pub const ALL: [Kind; 3] = [Kind::Family, Kind::Team, Kind::Campaign];

    /// Returns the top-level keys of the format.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Family => FAMILY,
            Kind::Team => TEAM,
            Kind::Campaign => CAMPAIGN,
        }
    }

    /// Returns the name of the whole record, as the forms call it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Family => "家庭登记表",
            Kind::Team => "志愿者团队",
            Kind::Campaign => "活动设置",
        }
    }

    /// Returns the file name of the format's schema, such as `family.schema.json`.
    pub fn schema_file_name(self) -> &'static str {
        match self {
            Kind::Family => "family.schema.json",
            Kind::Team => "team.schema.json",
            Kind::Campaign => "campaign.schema.json",
        }
    }
}

/// Whether a key must be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// The key must be present with a value; blank is reported as missing.
    Required,
    /// The key may be absent or left blank.
    Optional,
    /// The key may be absent, but when written it needs a value.
    NotBlank,
}

/// The kind of value a key takes.
#[derive(Clone, Copy)]
pub enum ValueKind {
    /// Text; a whole number is also read as text, exactly as written.
    Text,
    /// A mobile or landline number.
    Phone,
    /// A date written as YYYY-MM-DD.
    Date,
    /// A whole number of people or days, at least `minimum`.
    Count { minimum: u32 },
    /// One of a fixed list of words.
    Choice(&'static [&'static str]),
    /// The list of service codes 1 to 5.
    Needs,
    /// A list of texts.
    TextList,
    /// A block of `key: value` lines with these keys.
    Block(&'static [Field]),
    /// A list of blocks with these keys.
    Blocks(&'static [Field]),
}

/// The values one key accepts, as `check` enforces them on that key alone.
#[derive(Clone, Copy)]
pub struct Rule {
    pub presence: Presence,
    pub value: ValueKind,
    /// A rule that depends on other keys, for people to read.
    pub note: Option<&'static str>,
}

const fn rule(presence: Presence, value: ValueKind) -> Rule {
    Rule {
        presence,
        value,
        note: None,
    }
}

const fn noted(presence: Presence, value: ValueKind, note: &'static str) -> Rule {
    Rule {
        presence,
        value,
        note: Some(note),
    }
}

/// Returns the rule of the key at `path` in a file of `kind`, where `path`
/// joins the keys with dots and leaves out list indices (`visits.date`).
/// Returns `None` for a path that is not in the key tables.
pub fn rule_at(kind: Kind, path: &str) -> Option<Rule> {
    use Presence::{NotBlank, Optional, Required};
    use ValueKind::*;
    let rule = match (kind, path) {
        (Kind::Family, "university") => rule(Required, Text),
        (Kind::Family, "worker") => rule(Required, Block(WORKER)),
        (Kind::Family, "worker.name" | "worker.hospital" | "worker.aided_hospital") => {
            rule(Required, Text)
        }
        (Kind::Family, "worker.gender") => rule(Required, Choice(GENDERS)),
        (Kind::Family, "worker.deployment") => rule(Optional, Choice(DEPLOYMENTS)),
        (Kind::Family, "family") => rule(Required, Block(HOUSEHOLD)),
        (Kind::Family, "family.size") => noted(
            Required,
            Count { minimum: 1 },
            "不少于 in_hubei、elderly、minors 三项之和",
        ),
        (Kind::Family, "family.in_hubei" | "family.elderly") => {
            rule(Required, Count { minimum: 0 })
        }
        (Kind::Family, "family.minors") => {
            noted(Required, Count { minimum: 0 }, "grades 中每个孩子写一项")
        }
        (Kind::Family, "family.address") => rule(Required, Text),
        (Kind::Family, "family.phone") => rule(Required, Phone),
        (Kind::Family, "family.elderly_health") => noted(Optional, Text, "elderly 大于 0 时必填"),
        (Kind::Family, "family.grades") => noted(
            Optional,
            TextList,
            "每个未成年子女写一项，例如 [小学三年级]；没有就写 []",
        ),
        (Kind::Family, "needs") => rule(Required, Needs),
        (Kind::Family, "needs_summary") => noted(Optional, Text, "选了代码 5（其他）时必填"),
        (Kind::Family, "team") => noted(
            Required,
            Text,
            "同一高校的团队文件名，不含 .yaml，例如 team-01",
        ),
        (Kind::Family, "plan") => rule(Required, Text),
        (Kind::Family, "offline") => noted(
            Optional,
            Text,
            "选了代码 4（生活帮扶）时写明由谁批准、如何防护",
        ),
        (Kind::Family, "approval") => noted(Optional, Block(APPROVAL), "高校团委同意后填写"),
        (Kind::Family, "approval.opinion" | "approval.signer") => rule(Required, Text),
        (Kind::Family, "approval.date" | "visits.date") => rule(Required, Date),
        (Kind::Family, "visits") => noted(Optional, Blocks(VISIT), "每次回访写一项"),
        (Kind::Family, "visits.mode") => rule(Required, Choice(VISIT_MODES)),
        (Kind::Family, "visits.note") => rule(Optional, Text),
        (Kind::Team, "university") => rule(Required, Text),
        (Kind::Team, "name") => noted(Optional, Text, "不填时用文件名"),
        (Kind::Team, "kind") => rule(Required, Choice(TEAM_KINDS)),
        (Kind::Team, "leader") => rule(Required, Block(LEADER)),
        (Kind::Team, "leader.name") => rule(Required, Text),
        (Kind::Team, "leader.phone") => rule(Required, Phone),
        (Kind::Team, "members") => rule(Required, Count { minimum: 1 }),
        (Kind::Team, "roster") => noted(Optional, Blocks(MEMBER), "填写时人数须等于 members"),
        (Kind::Team, "roster.name") => rule(Required, Text),
        (Kind::Team, "roster.training") => {
            noted(Required, Choice(TRAININGS), "只有 合格 的志愿者可以上岗")
        }
        (Kind::Team, "roster.skills") => rule(Optional, TextList),
        (Kind::Campaign, "title" | "issuer") => rule(Optional, Text),
        (Kind::Campaign, "deadline") => rule(NotBlank, Date),
        (Kind::Campaign, "visit_interval_days") => rule(NotBlank, Count { minimum: 0 }),
        (Kind::Campaign, "universities") => rule(Optional, Blocks(UNIVERSITY)),
        (Kind::Campaign, "as_of") => rule(Optional, Date),
        (Kind::Campaign, "universities.name") => rule(Required, Text),
        (Kind::Campaign, "universities.folder") => rule(Optional, Text),
        (Kind::Campaign, "universities.deadline") => rule(Optional, Date),
        _ => return None,
    };
    Some(rule)
}

/// Returns the rule of a key that is in the key tables.
pub fn rule_of(kind: Kind, path: &str) -> Rule {
    // `every_key_has_a_rule` below walks every table, so a key added to a
    // table without a rule fails the tests instead of reaching a user.
    rule_at(kind, path).unwrap_or_else(|| panic!("no schema rule for `{path}`"))
}

/// Describes a rule in Chinese, such as `必填，男 或 女`, for schema
/// descriptions and the comments of `new`.
pub fn describe(rule: &Rule) -> String {
    let presence = match rule.presence {
        Presence::Required => "必填",
        Presence::Optional | Presence::NotBlank => "选填",
    };
    let value = match rule.value {
        ValueKind::Text | ValueKind::Block(_) => String::new(),
        ValueKind::Phone => {
            "11 位手机号或带区号的固定电话，写在引号里，例如 \"13800001234\" 或 \"0371-60001234\""
                .to_owned()
        }
        ValueKind::Date => "日期，格式 YYYY-MM-DD，例如 2020-02-17".to_owned(),
        ValueKind::Count { minimum: 0 } => "整数，0 或以上".to_owned(),
        ValueKind::Count { minimum } => format!("整数，至少 {minimum}"),
        ValueKind::Choice(choices) => alternatives(choices),
        ValueKind::Needs => format!("服务内容代码列表，至少一项，例如 [1, 2]；{NEED_CODES}"),
        ValueKind::TextList => "文字列表".to_owned(),
        ValueKind::Blocks(_) => "列表，每项以 - 开头".to_owned(),
    };
    let parts: Vec<&str> = [value.as_str(), rule.note.unwrap_or("")]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect();
    if parts.is_empty() {
        presence.to_owned()
    } else {
        format!("{presence}，{}", parts.join("；"))
    }
}

/// The service codes as the form's note lists them.
const NEED_CODES: &str = "1 子女学习辅导，2 心理援助，3 健康咨询与在线问诊，4 生活帮扶，5 其他";

/// Joins choices the way a Chinese form does: `甲、乙 或 丙`.
fn alternatives(choices: &[&str]) -> String {
    match choices.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} 或 {last}", rest.join("、")),
        None => String::new(),
    }
}

/// Builds the JSON Schema of one format.
pub fn document(kind: Kind) -> Value {
    let mut schema = object_schema(kind, "", kind.fields());
    let map = schema
        .as_object_mut()
        .expect("object_schema returns a JSON object");
    map.insert("$schema".to_owned(), json!(DIALECT));
    map.insert("title".to_owned(), json!(kind.label()));
    // An empty campaign file keeps every default.
    if kind == Kind::Campaign {
        map.insert("type".to_owned(), json!(["object", "null"]));
    }
    schema
}

/// Builds the schema of a block whose keys are `fields`, at `path`.
fn object_schema(kind: Kind, path: &str, fields: &[Field]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in fields {
        let key_path = join(path, field.key);
        let rule = rule_of(kind, &key_path);
        // NotBlank keys may be absent, so only Required ones are listed.
        if rule.presence == Presence::Required {
            required.push(json!(field.key));
        }
        let mut property = value_schema(kind, &key_path, &rule);
        let property_map = property
            .as_object_mut()
            .expect("value_schema returns a JSON object");
        property_map.insert("title".to_owned(), json!(field.label));
        property_map.insert("description".to_owned(), json!(describe(&rule)));
        properties.insert(field.key.to_owned(), property);
    }
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// Builds the schema of one value, without title and description.
fn value_schema(kind: Kind, path: &str, rule: &Rule) -> Value {
    let optional = rule.presence == Presence::Optional;
    match rule.value {
        ValueKind::Text if optional => json!({ "type": ["string", "integer", "null"] }),
        ValueKind::Text => json!({ "type": ["string", "integer"], "pattern": NOT_BLANK_PATTERN }),
        ValueKind::Phone => json!({
            "anyOf": [
                { "type": "string", "pattern": PHONE_PATTERN },
                // An unquoted mobile is read as a number and accepted as
                // written. An unquoted landline loses its leading 0 in the
                // parsed value, so the schema requires quotes there.
                { "type": "integer", "minimum": 10_000_000_000_u64, "maximum": 19_999_999_999_u64 },
            ],
        }),
        ValueKind::Date => json!({ "type": nullable("string", optional), "pattern": DATE_PATTERN }),
        ValueKind::Count { minimum } => json!({ "type": "integer", "minimum": minimum }),
        ValueKind::Choice(choices) => {
            let mut allowed: Vec<Value> = choices.iter().map(|choice| json!(choice)).collect();
            if optional {
                allowed.push(Value::Null);
            }
            json!({ "enum": allowed })
        }
        ValueKind::Needs => json!({
            "type": "array",
            "minItems": 1,
            "items": { "enum": [1, 2, 3, 4, 5], "description": NEED_CODES },
        }),
        ValueKind::TextList => json!({
            "type": ["array", "null"],
            "items": { "type": "string", "pattern": NOT_BLANK_PATTERN },
        }),
        ValueKind::Block(fields) => {
            let mut block = object_schema(kind, path, fields);
            if optional {
                block["type"] = json!(["object", "null"]);
            }
            block
        }
        ValueKind::Blocks(fields) => json!({
            "type": ["array", "null"],
            "items": object_schema(kind, path, fields),
        }),
    }
}

fn nullable(type_name: &str, optional: bool) -> Value {
    if optional {
        json!([type_name, "null"])
    } else {
        json!(type_name)
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Returns the schema of `kind` as pretty-printed JSON ending in a newline.
pub fn to_json(kind: Kind) -> String {
    // A tree of strings, numbers and arrays always serializes.
    let text = serde_json::to_string_pretty(&document(kind)).expect("a schema serializes");
    text + "\n"
}

/// Runs `schema`: prints one schema, or writes all three into `--out`.
/// Returns the paths written, which is empty when printing.
pub fn run(arguments: &SchemaArguments) -> Result<Vec<PathBuf>, Error> {
    let Some(dir) = &arguments.out else {
        print!("{}", to_json(arguments.kind));
        return Ok(Vec::new());
    };
    write_all(dir)
}

/// Writes `family.schema.json`, `team.schema.json` and `campaign.schema.json`
/// into `dir`, creating it when missing and replacing older schemas.
pub fn write_all(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    std::fs::create_dir_all(dir).map_err(|error| Error::io(dir, error))?;
    let mut written = Vec::new();
    for kind in Kind::ALL {
        let path = dir.join(kind.schema_file_name());
        std::fs::write(&path, to_json(kind)).map_err(|error| Error::io(&path, error))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(kind: Kind, path: &str, fields: &[Field], paths: &mut Vec<String>) {
        for field in fields {
            let key_path = join(path, field.key);
            let rule = rule_at(kind, &key_path);
            assert!(rule.is_some(), "no rule for `{key_path}` in {kind:?}");
            if let Some(Rule {
                value: ValueKind::Block(inner) | ValueKind::Blocks(inner),
                ..
            }) = rule
            {
                walk(kind, &key_path, inner, paths);
            }
            paths.push(key_path);
        }
    }

    #[test]
    fn every_key_has_a_rule() {
        for kind in Kind::ALL {
            let mut paths = Vec::new();
            walk(kind, "", kind.fields(), &mut paths);
            assert!(!paths.is_empty());
        }
    }

    #[test]
    fn describes_choices_and_counts() {
        let gender = rule_of(Kind::Family, "worker.gender");
        assert_eq!(describe(&gender), "必填，男 或 女");
        let size = rule_of(Kind::Team, "members");
        assert_eq!(describe(&size), "必填，整数，至少 1");
        let kind = rule_of(Kind::Team, "kind");
        assert_eq!(
            describe(&kind),
            "必填，青年志愿者服务队、研究生支教团 或 其他优秀青年志愿者"
        );
    }
}
