//! The keys of each record kind with their form labels, and the decoding of
//! a parsed file into a `Family`, a `Team` or the `Campaign`.

use std::path::Path;

use serde_yaml::{Mapping, Value};

use crate::campaign::{Campaign, UniversityEntry};
use crate::decode::{Decoder, Field, describe, field, scalar_text};
use crate::diagnostic::{self as checks, Text};
use crate::locate::join;
use crate::record::{Approval, Family, Household, Leader, Member, Source, Team, Visit, Worker};

/// Keys of a family file (Attachment 1), with their form labels.
pub const FAMILY: &[Field] = &[
    field("university", "高校"),
    field("worker", "医务人员"),
    field("family", "家庭"),
    field("needs", "需要帮扶内容"),
    field("needs_summary", "帮扶需求简述"),
    field("team", "志愿者团队"),
    field("plan", "“一家一策”简介"),
    field("offline", "线下帮扶安排"),
    field("approval", "高校团委意见"),
    field("visits", "回访记录"),
];
/// Keys of the `worker` block of a family.
pub const WORKER: &[Field] = &[
    field("name", "医务人员姓名"),
    field("gender", "性别"),
    field("hospital", "医务人员所属医院"),
    field("aided_hospital", "援助医院（含在本院抗疫一线）"),
    field("deployment", "派出类别"),
];
/// Keys of the `family` block of a family.
pub const HOUSEHOLD: &[Field] = &[
    field("size", "家庭人数"),
    field("in_hubei", "家庭援鄂人数"),
    field("address", "家庭地址"),
    field("phone", "家庭联系方式"),
    field("elderly", "家中老年人数"),
    field("elderly_health", "健康状况"),
    field("minors", "未成年子女数"),
    field("grades", "就读年级"),
];
/// Keys of the `approval` block of a family.
pub const APPROVAL: &[Field] = &[
    field("opinion", "高校团委意见"),
    field("signer", "负责人签名"),
    field("date", "日期"),
];
/// Keys of each item of a family's `visits`.
pub const VISIT: &[Field] = &[
    field("date", "回访日期"),
    field("mode", "回访方式"),
    field("note", "回访记录"),
];
/// Keys of a team file.
pub const TEAM: &[Field] = &[
    field("university", "高校"),
    field("name", "团队名称"),
    field("kind", "团队类别"),
    field("leader", "志愿者团队负责人"),
    field("members", "志愿者团队成员人数"),
    field("roster", "团队成员名单"),
];
/// Keys of the `leader` block of a team.
pub const LEADER: &[Field] = &[
    field("name", "志愿者团队负责人姓名"),
    field("phone", "联系方式"),
];
/// Keys of each item of a team's `roster`.
pub const MEMBER: &[Field] = &[
    field("name", "姓名"),
    field("training", "基础培训"),
    field("skills", "特长"),
];
/// Keys of the campaign file.
pub const CAMPAIGN: &[Field] = &[
    field("title", "活动名称"),
    field("issuer", "发文单位"),
    field("deadline", "汇总表截止日期"),
    field("visit_interval_days", "回访间隔天数"),
    field("universities", "高校名单"),
    field("as_of", "统计日期"),
];
/// Keys of each item of the campaign's `universities`.
pub const UNIVERSITY: &[Field] = &[
    field("name", "高校"),
    field("folder", "输出文件夹"),
    field("deadline", "截止日期"),
];

/// Allowed values of `worker.gender`.
pub const GENDERS: &[&str] = &["男", "女"];
/// Allowed values of `worker.deployment`.
pub const DEPLOYMENTS: &[&str] = &["援鄂", "省内", "本院"];
/// Allowed values of a team's `kind`.
pub const TEAM_KINDS: &[&str] = &["青年志愿者服务队", "研究生支教团", "其他优秀青年志愿者"];
/// Allowed values of a roster member's `training`.
pub const TRAININGS: &[&str] = &["合格", "未合格", "未参加"];
/// Allowed values of a visit's `mode`.
pub const VISIT_MODES: &[&str] = &["线上", "线下"];

/// Returns the form label of the key at `key_path` in a family, team or
/// campaign file, such as 家庭人数 for `family.size`. The three formats share
/// only `university`, whose label is the same in both records, so the path
/// alone determines the table to look in. List indices (`visits.0.date`) are
/// skipped.
pub fn label_at(key_path: &str) -> Option<&'static str> {
    let mut segments = key_path
        .split('.')
        .filter(|segment| !segment.chars().all(|c| c.is_ascii_digit()));
    let first = segments.next()?;
    let (table, nested): (&[Field], Option<&[Field]>) = match first {
        "worker" => (FAMILY, Some(WORKER)),
        "family" => (FAMILY, Some(HOUSEHOLD)),
        "approval" => (FAMILY, Some(APPROVAL)),
        "visits" => (FAMILY, Some(VISIT)),
        "leader" => (TEAM, Some(LEADER)),
        "roster" => (TEAM, Some(MEMBER)),
        "universities" => (CAMPAIGN, Some(UNIVERSITY)),
        _ => (
            [FAMILY, TEAM, CAMPAIGN]
                .into_iter()
                .find(|table| table.iter().any(|field| field.key == first))?,
            None,
        ),
    };
    let (fields, name) = match (segments.next(), nested) {
        (None, _) => (table, first),
        (Some(name), Some(nested)) => (nested, name),
        (Some(_), None) => return None,
    };
    if segments.next().is_some() {
        return None;
    }
    fields
        .iter()
        .find(|field| field.key == name)
        .map(|field| field.label)
}

fn key<'f>(fields: &'f [Field], name: &str) -> &'f Field {
    // The tables above are constants and every caller names a key of its own table.
    fields
        .iter()
        .find(|field| field.key == name)
        .expect("key is in its table")
}

/// Decodes one family file. Returns `None` when a required part is missing or wrong;
/// the reasons are in `decoder.diagnostics`.
pub fn family(decoder: &mut Decoder, value: &Value, source: Source) -> Option<Family> {
    let map = decoder.mapping(value, "", "家庭登记表", FAMILY)?;
    let university = decoder.required_text(map, "", key(FAMILY, "university"));
    let worker = section(decoder, map, "worker", FAMILY).and_then(|m| worker(decoder, m));
    let household = section(decoder, map, "family", FAMILY).and_then(|m| household(decoder, m));
    let needs = needs(decoder, map);
    let needs_summary = decoder.optional_text(map, "", key(FAMILY, "needs_summary"));
    let team = decoder.required_text(map, "", key(FAMILY, "team"));
    let plan = decoder.required_text(map, "", key(FAMILY, "plan"));
    let offline = decoder.optional_text(map, "", key(FAMILY, "offline"));
    // An invalid approval, visit or code is reported and left out, so the
    // rest of the family is still checked against the other records.
    let approval = match map.get("approval") {
        None | Some(Value::Null) => None,
        Some(value) => decoder
            .mapping(value, "approval", "高校团委意见", APPROVAL)
            .and_then(|m| approval(decoder, m)),
    };
    let visits = visits(decoder, map);
    Some(Family {
        source,
        university: university?.into(),
        worker: worker?,
        household: household?,
        needs: needs?.into(),
        needs_summary: needs_summary.map(Into::into),
        team: team?.into(),
        plan: plan?.into(),
        offline: offline.map(Into::into),
        approval,
        visits: visits.into(),
        page_text: None,
    })
}

fn section<'v>(
    decoder: &mut Decoder,
    map: &'v Mapping,
    name: &str,
    fields: &[Field],
) -> Option<&'v Mapping> {
    let field = key(fields, name);
    let table = match name {
        "worker" => WORKER,
        "family" => HOUSEHOLD,
        _ => LEADER,
    };
    match map.get(name) {
        None | Some(Value::Null) => {
            decoder.missing_block(map, field, table);
            None
        }
        Some(value) => decoder.mapping(value, name, field.label, table),
    }
}

fn worker(decoder: &mut Decoder, map: &Mapping) -> Option<Worker> {
    let path = "worker";
    let name = decoder.required_text(map, path, key(WORKER, "name"));
    let gender = decoder.choice(
        map,
        path,
        key(WORKER, "gender"),
        GENDERS,
        true,
        checks::INVALID_GENDER,
    );
    let hospital = decoder.required_text(map, path, key(WORKER, "hospital"));
    let aided_hospital = decoder.required_text(map, path, key(WORKER, "aided_hospital"));
    let deployment_field = key(WORKER, "deployment");
    let deployment = if map.get("deployment").is_some_and(|v| !v.is_null()) {
        Some(decoder.choice(
            map,
            path,
            deployment_field,
            DEPLOYMENTS,
            false,
            checks::INVALID_CHOICE,
        )?)
    } else {
        None
    };
    Some(Worker {
        name: name?.into(),
        gender: gender?.into(),
        hospital: hospital?.into(),
        aided_hospital: aided_hospital?.into(),
        deployment: deployment.map(Into::into),
    })
}

fn household(decoder: &mut Decoder, map: &Mapping) -> Option<Household> {
    let path = "family";
    let size = decoder.count(map, path, key(HOUSEHOLD, "size"));
    let in_hubei = decoder.count(map, path, key(HOUSEHOLD, "in_hubei"));
    let address = decoder.required_text(map, path, key(HOUSEHOLD, "address"));
    let phone = decoder.required_text(map, path, key(HOUSEHOLD, "phone"));
    let elderly = decoder.count(map, path, key(HOUSEHOLD, "elderly"));
    let elderly_health = decoder.optional_text(map, path, key(HOUSEHOLD, "elderly_health"));
    let minors = decoder.count(map, path, key(HOUSEHOLD, "minors"));
    let grades = decoder.text_list(map, path, key(HOUSEHOLD, "grades"));
    Some(Household {
        size: size?,
        in_hubei: in_hubei?,
        address: address?.into(),
        phone: phone?.into(),
        elderly: elderly?,
        elderly_health: elderly_health.map(Into::into),
        minors: minors?,
        grades: grades?.into(),
    })
}

fn needs(decoder: &mut Decoder, map: &Mapping) -> Option<Vec<u8>> {
    let field = key(FAMILY, "needs");
    match map.get("needs") {
        None | Some(Value::Null) => {
            decoder.missing(map, "", field);
            return None;
        }
        Some(Value::Sequence(_)) => {}
        Some(value) => {
            let found = describe(value);
            let message = Text::new(
                format!("`needs`（需要帮扶内容）应当是代码列表，实际是{}", found.zh),
                format!(
                    "`needs` (需要帮扶内容) must be a list of codes, found {}",
                    found.en
                ),
            );
            let hint = match scalar_text(value) {
                Some(code) => Text::new(
                    format!("写成 `needs: [{code}]`"),
                    format!("write `needs: [{code}]`"),
                ),
                None => Text::new(
                    "把服务内容代码写成列表，例如 needs: [1, 2]",
                    "write the codes as a list, for example needs: [1, 2]",
                ),
            };
            decoder.report(checks::WRONG_TYPE, "needs", message, hint);
            return None;
        }
    }
    let mut codes = Vec::new();
    let mut valid = true;
    for (index, item) in decoder.list(map, "", field).iter().enumerate() {
        let path = join("needs", &index.to_string());
        match item.as_u64() {
            Some(code @ 1..=5) => codes.push(code as u8),
            Some(_) | None if item.is_number() => {
                let code = scalar_text(item).unwrap_or_else(|| describe(item).en);
                let message = Text::new(
                    format!("`needs`（需要帮扶内容）中的代码 {code} 不在 1 到 5 之间"),
                    format!(
                        "`needs` (需要帮扶内容) has the code {code}, but codes run from 1 to 5"
                    ),
                );
                let hint = joined_codes_hint(&code).unwrap_or_else(codes_hint);
                decoder.report(checks::INVALID_NEED_CODE, &path, message, hint);
                valid = false;
            }
            _ => {
                let (number, found) = (index + 1, describe(item));
                let message = Text::new(
                    format!(
                        "`needs`（需要帮扶内容）的第 {number} 项应当是 1 到 5 的代码，实际是{}",
                        found.zh
                    ),
                    format!(
                        "item {number} of `needs` (需要帮扶内容) must be a code from 1 to 5, found {}",
                        found.en
                    ),
                );
                decoder.report(checks::WRONG_TYPE, &path, message, codes_hint());
                valid = false;
            }
        }
    }
    codes.sort_unstable();
    codes.dedup();
    (valid || !codes.is_empty()).then_some(codes)
}

/// Returns a hint for codes typed without a separator, such as `12` for 1 and 2.
fn joined_codes_hint(code: &str) -> Option<Text> {
    let digits: Vec<char> = code.chars().collect();
    let separate = digits.len() > 1 && digits.iter().all(|digit| ('1'..='5').contains(digit));
    if !separate {
        return None;
    }
    let list: Vec<String> = digits.iter().map(char::to_string).collect();
    let (zh, en) = (list.join("、"), list.join(", "));
    Some(Text::new(
        format!("是不是 {zh} 几项？代码之间用逗号隔开，例如 needs: [{en}]"),
        format!("did you mean the codes {en}? Separate codes with commas, as in needs: [{en}]"),
    ))
}

/// Returns the hint that lists the service codes, as the form's note does.
fn codes_hint() -> Text {
    Text::new(
        "服务内容填数字：1 子女学习辅导，2 心理援助，3 健康咨询与在线问诊，4 生活帮扶，5 其他",
        "write the service codes as numbers: 1 子女学习辅导, 2 心理援助, 3 健康咨询与在线问诊, 4 生活帮扶, 5 其他",
    )
}

fn approval(decoder: &mut Decoder, map: &Mapping) -> Option<Approval> {
    let path = "approval";
    let opinion = decoder.required_text(map, path, key(APPROVAL, "opinion"));
    let signer = decoder.required_text(map, path, key(APPROVAL, "signer"));
    let date = decoder.date(map, path, key(APPROVAL, "date"), true);
    Some(Approval {
        opinion: opinion?.into(),
        signer: signer?.into(),
        date: date?,
    })
}

fn visits(decoder: &mut Decoder, map: &Mapping) -> Vec<Visit> {
    let (visits, _) = blocks(
        decoder,
        map,
        key(FAMILY, "visits"),
        VISIT,
        |decoder, m, path| {
            let date = decoder.date(m, path, key(VISIT, "date"), true);
            let modes = (VISIT_MODES, checks::INVALID_CHOICE);
            let mode = decoder.choice(m, path, key(VISIT, "mode"), modes.0, true, modes.1);
            let note = decoder.optional_text(m, path, key(VISIT, "note"));
            Some(Visit {
                date: date?,
                mode: mode?.into(),
                note: note.map(Into::into),
            })
        },
    );
    visits
}

/// Decodes each item of the list at `field` as a block of `fields`, returning
/// the items that decoded and whether all of them did.
fn blocks<T>(
    decoder: &mut Decoder,
    map: &Mapping,
    field: &Field,
    fields: &[Field],
    mut decode: impl FnMut(&mut Decoder, &Mapping, &str) -> Option<T>,
) -> (Vec<T>, bool) {
    let mut items = Vec::new();
    let mut all_valid = true;
    for (index, item) in decoder.list(map, "", field).iter().enumerate() {
        let path = join(field.key, &index.to_string());
        let decoded = decoder
            .mapping(item, &path, field.label, fields)
            .and_then(|block| decode(decoder, block, &path));
        match decoded {
            Some(decoded) => items.push(decoded),
            None => all_valid = false,
        }
    }
    (items, all_valid)
}

/// Decodes one team file.
pub fn team(decoder: &mut Decoder, value: &Value, source: Source) -> Option<Team> {
    let map = decoder.mapping(value, "", "志愿者团队", TEAM)?;
    let university = decoder.required_text(map, "", key(TEAM, "university"));
    let name = decoder.optional_text(map, "", key(TEAM, "name"));
    let kind = decoder.choice(
        map,
        "",
        key(TEAM, "kind"),
        TEAM_KINDS,
        true,
        checks::INVALID_CHOICE,
    );
    let leader = section(decoder, map, "leader", TEAM).and_then(|m| {
        let name = decoder.required_text(m, "leader", key(LEADER, "name"));
        let phone = decoder.required_text(m, "leader", key(LEADER, "phone"));
        Some(Leader {
            name: name?,
            phone: phone?,
        })
    });
    let members = decoder.count(map, "", key(TEAM, "members"));
    let roster = roster(decoder, map);
    Some(Team {
        name: name.unwrap_or_else(|| source.id.to_string()),
        source,
        university: university?,
        kind: kind?,
        leader: leader?,
        members: members?,
        roster: roster?,
    })
}

fn roster(decoder: &mut Decoder, map: &Mapping) -> Option<Vec<Member>> {
    let (roster, valid) = blocks(
        decoder,
        map,
        key(TEAM, "roster"),
        MEMBER,
        |decoder, m, path| {
            let name = decoder.required_text(m, path, key(MEMBER, "name"));
            let choices = (TRAININGS, checks::INVALID_CHOICE);
            let training =
                decoder.choice(m, path, key(MEMBER, "training"), choices.0, true, choices.1);
            let skills = decoder
                .text_list(m, path, key(MEMBER, "skills"))
                .unwrap_or_default();
            Some(Member {
                name: name?,
                training: training?,
                skills,
            })
        },
    );
    valid.then_some(roster)
}

/// Decodes the campaign file; missing keys keep the defaults of the 2020 notice.
pub fn campaign(decoder: &mut Decoder, value: &Value) -> Option<Campaign> {
    let mut campaign = Campaign::default();
    if value.is_null() {
        return Some(campaign);
    }
    let map = decoder.mapping(value, "", "活动设置", CAMPAIGN)?;
    if let Some(title) = decoder.optional_text(map, "", key(CAMPAIGN, "title")) {
        campaign.title = title;
    }
    if let Some(issuer) = decoder.optional_text(map, "", key(CAMPAIGN, "issuer")) {
        campaign.issuer = issuer;
    }
    if map.contains_key("deadline") {
        campaign.deadline = decoder.date(map, "", key(CAMPAIGN, "deadline"), true)?;
    }
    if map.contains_key("visit_interval_days") {
        campaign.visit_interval_days =
            decoder.count(map, "", key(CAMPAIGN, "visit_interval_days"))?;
    }
    if map.get("as_of").is_some_and(|value| !value.is_null()) {
        campaign.as_of = Some(decoder.date(map, "", key(CAMPAIGN, "as_of"), true)?);
    }
    if map.contains_key("universities") {
        campaign.universities = universities(decoder, map)?;
    }
    Some(campaign)
}

fn universities(decoder: &mut Decoder, map: &Mapping) -> Option<Vec<UniversityEntry>> {
    let field = key(CAMPAIGN, "universities");
    let (entries, valid) = blocks(decoder, map, field, UNIVERSITY, |decoder, m, path| {
        let name = decoder.required_text(m, path, key(UNIVERSITY, "name"));
        let folder = decoder.optional_text(m, path, key(UNIVERSITY, "folder"));
        let deadline = if m.get("deadline").is_some_and(|v| !v.is_null()) {
            Some(decoder.date(m, path, key(UNIVERSITY, "deadline"), true)?)
        } else {
            None
        };
        Some(UniversityEntry {
            name: name?,
            folder,
            deadline,
        })
    });
    valid.then_some(entries)
}

/// Returns the id of a record: its file name without the extension.
pub fn record_id(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_at_finds_keys_of_every_format() {
        assert_eq!(label_at("family.size"), Some("家庭人数"));
        assert_eq!(label_at("worker.name"), Some("医务人员姓名"));
        assert_eq!(label_at("visits.0.date"), Some("回访日期"));
        assert_eq!(label_at("needs.1"), Some("需要帮扶内容"));
        assert_eq!(label_at("name"), Some("团队名称"));
        assert_eq!(label_at("roster.2.training"), Some("基础培训"));
        assert_eq!(label_at("universities.0.folder"), Some("输出文件夹"));
        assert_eq!(label_at("family.sizes"), None);
        assert_eq!(label_at("plan.size"), None);
    }
}
