//! The rules of the programme that one family or team must follow on its
//! own: household counts, service codes, phones, training and follow-up.
//! Rules that compare records with each other live in `across`.

use std::path::Path;

use crate::campaign::Campaign;
use crate::date::Date;
use crate::diagnostic::{self as checks, Check, Diagnostic, Text};
use crate::record::{Family, Team};

/// Checks one family on its own.
pub fn family(family: &Family, campaign: &Campaign, as_of: Date) -> Vec<Diagnostic> {
    let mut found = Found::new(&family.source.path);
    household(&mut found, family);
    cell_lengths(&mut found, family);
    needs(&mut found, family);
    phone(
        &mut found,
        "family.phone",
        "家庭联系方式",
        &family.household.phone,
    );
    follow_up(&mut found, family, campaign, as_of);
    future_dates(&mut found, family, as_of);
    found.diagnostics
}

fn household(found: &mut Found, family: &Family) {
    let household = &family.household;
    let (size, in_hubei, elderly, minors) = (
        household.size,
        household.in_hubei,
        household.elderly,
        household.minors,
    );
    if size == 0 {
        let message = Text::new(
            "`family.size`（家庭人数）是 0",
            "`family.size` (家庭人数) is 0",
        );
        let hint = Text::new("家庭至少有 1 人", "a family has at least 1 person");
        found.push(checks::COUNT_OUT_OF_RANGE, "family.size", message, hint);
    }
    let counted = u64::from(in_hubei) + u64::from(elderly) + u64::from(minors);
    if counted > u64::from(size) {
        let sum = format!(
            "家庭援鄂人数 {in_hubei} + 家中老年人数 {elderly} + 未成年子女数 {minors} = {counted}"
        );
        let message = Text::new(
            format!("{sum}，超过了家庭人数 {size}"),
            format!("{sum} is more than 家庭人数 {size}"),
        );
        let hint = Text::new(
            "改正 `size`，或者改正 `in_hubei`、`elderly`、`minors` 中写错的一项",
            "correct `size` or one of `in_hubei`, `elderly`, `minors`",
        );
        found.push(checks::COUNTS_EXCEED_SIZE, "family.size", message, hint);
    }
    let grades = household.grades.len();
    if grades != minors as usize {
        let message = Text::new(
            format!(
                "`family.grades`（就读年级）有 {grades} 项，但 `family.minors`（未成年子女数）是 {minors}"
            ),
            format!(
                "`family.grades` (就读年级) has {grades} entries but `family.minors` (未成年子女数) is {minors}"
            ),
        );
        let hint = if minors == 0 {
            Text::new("没有未成年子女时写 `grades: []`", "write `grades: []`")
        } else {
            Text::new(
                format!("每个孩子写一个年级，共 {minors} 项"),
                format!("list one grade per minor, {minors} in all"),
            )
        };
        found.push(checks::GRADES_MISMATCH, "family.grades", message, hint);
    }
    if elderly > 0 && household.elderly_health.is_none() {
        let message = Text::new(
            format!(
                "`family.elderly` 是 {elderly}，但没有填写 `family.elderly_health`（健康状况）"
            ),
            format!(
                "`family.elderly_health` (健康状况) is missing although `family.elderly` is {elderly}"
            ),
        );
        let hint = Text::new(
            "写明老人的健康状况，例如 高血压 或 良好",
            "describe the elderly's health, for example 高血压 or 良好",
        );
        found.push(
            checks::MISSING_ELDERLY_HEALTH,
            "family.elderly_health",
            message,
            hint,
        );
    }
}

/// Excel's limit on the text of one cell, in UTF-16 code units.
const MAX_CELL_TEXT: usize = 32_767;

/// Checks the texts written into the Attachment 2 workbook against the cell
/// limit, so that `check` finds what would otherwise stop `build`.
fn cell_lengths(found: &mut Found, family: &Family) {
    let worker = &family.worker;
    let texts = [
        ("university", "高校", &family.university),
        ("worker.name", "医务人员姓名", &worker.name),
        ("worker.hospital", "所属医院", &worker.hospital),
        ("worker.aided_hospital", "援助医院", &worker.aided_hospital),
    ];
    for (path, label, text) in texts {
        let length = text.encode_utf16().count();
        if length <= MAX_CELL_TEXT {
            continue;
        }
        let message = Text::new(
            format!(
                "`{path}`（{label}）有 {length} 个字符，超过了 Excel 单元格最多容纳的 {MAX_CELL_TEXT} 个"
            ),
            format!(
                "`{path}` ({label}) is {length} characters long, more than the {MAX_CELL_TEXT} an Excel cell holds"
            ),
        );
        let hint = Text::new(
            format!("把{label}改短；详细说明写进 `plan`"),
            format!("shorten {label}; put longer explanations in `plan`"),
        );
        found.push(checks::TEXT_TOO_LONG, path, message, hint);
    }
}

fn needs(found: &mut Found, family: &Family) {
    let household = &family.household;
    if family.needs.is_empty() {
        let message = Text::new(
            "`needs`（需要帮扶内容）一项也没有",
            "`needs` (需要帮扶内容) lists no service code",
        );
        let hint = Text::new(
            "至少写一个服务内容代码，例如 needs: [1, 2]；1 子女学习辅导，2 心理援助，3 健康咨询与在线问诊，4 生活帮扶，5 其他",
            "list at least one code, for example needs: [1, 2]; 1 子女学习辅导, 2 心理援助, 3 健康咨询与在线问诊, 4 生活帮扶, 5 其他",
        );
        found.push(checks::NO_NEEDS, "needs", message, hint);
    }
    let at_code = |code: u8| match family.needs.iter().position(|&chosen| chosen == code) {
        Some(index) => format!("needs.{index}"),
        None => "needs".to_owned(),
    };
    if family.needs.contains(&5) && family.needs_summary.is_none() {
        let message = Text::new(
            "选了代码 5（其他），但没有填写 `needs_summary`（帮扶需求简述）",
            "code 5 (其他) needs a `needs_summary` (帮扶需求简述)",
        );
        let hint = Text::new(
            "在最外层（不缩进，与 `needs` 同级）加一行 `needs_summary:`，写明家庭需要什么帮助",
            "add a top-level line `needs_summary:` (not indented, beside `needs`) describing what the family needs",
        );
        found.push(checks::MISSING_NEEDS_SUMMARY, &at_code(5), message, hint);
    }
    if family.needs.contains(&1) && household.minors == 0 {
        let message = Text::new(
            "选了代码 1（子女学习辅导），但 `family.minors`（未成年子女数）是 0",
            "code 1 (子女学习辅导) is chosen but `family.minors` (未成年子女数) is 0",
        );
        let hint = Text::new(
            "删去代码 1，或者在 `minors` 和 `grades` 中写上孩子",
            "remove code 1, or record the children in `minors` and `grades`",
        );
        found.push(checks::TUTORING_WITHOUT_MINORS, &at_code(1), message, hint);
    }
    if family.needs.contains(&3) && household.elderly == 0 {
        let message = Text::new(
            "选了代码 3（健康咨询与在线问诊），但 `family.elderly`（家中老年人数）是 0",
            "code 3 (健康咨询与在线问诊) is chosen but `family.elderly` (家中老年人数) is 0",
        );
        let hint = Text::new(
            "核对 `elderly`；如果没有老人需要，就删去代码 3",
            "check `elderly`, or remove code 3 if no elderly person needs it",
        );
        found.push(checks::HEALTH_WITHOUT_ELDERLY, &at_code(3), message, hint);
    }
    if family.needs.contains(&4) && family.offline.is_none() {
        let message = Text::new(
            "代码 4（生活帮扶）是线下服务，但 `offline` 没有写明由谁批准、如何防护",
            "code 4 (生活帮扶) is offline help but `offline` says nothing of how it is approved and protected",
        );
        let hint = Text::new(
            "加上 `offline:`，写明高校团委的批准和防护措施",
            "add `offline:` naming who approved it and the protection used",
        );
        found.push(
            checks::OFFLINE_WITHOUT_ARRANGEMENT,
            &at_code(4),
            message,
            hint,
        );
    }
}

fn future_dates(found: &mut Found, family: &Family, as_of: Date) {
    let approval = family
        .approval
        .iter()
        .map(|approval| ("approval.date".to_owned(), approval.date));
    let visits = family
        .visits
        .iter()
        .enumerate()
        .map(|(index, visit)| (format!("visits.{index}.date"), visit.date));
    for (path, date) in approval.chain(visits).filter(|(_, date)| *date > as_of) {
        let message = Text::new(
            format!("`{path}` 是 {date}，晚于报表日期 {as_of}"),
            format!("`{path}` is {date}, after the build date {as_of}"),
        );
        let hint = Text::new(
            "改正年份或日期；回访完成后再记录",
            "correct the year or day, or record the visit once it has taken place",
        );
        found.push(checks::FUTURE_DATE, &path, message, hint);
    }
}

fn follow_up(found: &mut Found, family: &Family, campaign: &Campaign, as_of: Date) {
    let Some(approval) = &family.approval else {
        let message = Text::new(
            "这户家庭还没有 `approval`（高校团委意见）",
            "the family has no `approval` (高校团委意见) yet",
        );
        let hint = Text::new(
            "高校团委同意后，加上 `approval:`，写明 `opinion`、`signer` 和 `date`",
            "add `approval:` with `opinion`, `signer` and `date` once the League committee agrees",
        );
        // Points at `approval:` when it is written but blank, else at the file.
        let diagnostic =
            Diagnostic::new(checks::NOT_APPROVED, found.file, "approval", message, hint);
        found.diagnostics.push(diagnostic.at_key());
        return;
    };
    // Dates after the build date are reported by `future_dates` and would
    // otherwise hide that the family is overdue.
    let (last, path) = match family
        .visits
        .iter()
        .enumerate()
        .filter(|(_, visit)| visit.date <= as_of)
        .max_by_key(|(_, visit)| visit.date)
    {
        Some((index, visit)) => (visit.date, format!("visits.{index}.date")),
        None => (approval.date, "approval.date".to_owned()),
    };
    let days = as_of.days_since(last);
    let interval = campaign.visit_interval_days;
    if days > i64::from(interval) {
        let message = Text::new(
            format!(
                "最近一次跟进是 {last}，距 {as_of} 已 {days} 天；家庭应每 {interval} 天回访一次"
            ),
            format!(
                "the last follow-up was on {last}, {days} days before {as_of}; families are visited every {interval} days"
            ),
        );
        let hint = Text::new(
            "回访这户家庭，并在 `visits:` 下加一条记录",
            "visit the family and add an entry under `visits:`",
        );
        found.push(checks::VISIT_OVERDUE, &path, message, hint);
    }
}

/// Checks one team on its own.
pub fn team(team: &Team) -> Vec<Diagnostic> {
    let mut found = Found::new(&team.source.path);
    let members = team.members;
    if members == 0 {
        let message = Text::new(
            "`members`（志愿者团队成员人数）是 0",
            "`members` (志愿者团队成员人数) is 0",
        );
        let hint = Text::new("团队至少有 1 名成员", "a team has at least 1 member");
        found.push(checks::COUNT_OUT_OF_RANGE, "members", message, hint);
    }
    let listed = team.roster.len();
    if listed > 0 && listed != members as usize {
        let message = Text::new(
            format!(
                "`roster` 列了 {listed} 名志愿者，但 `members`（志愿者团队成员人数）是 {members}"
            ),
            format!(
                "`roster` lists {listed} volunteers but `members` (志愿者团队成员人数) is {members}"
            ),
        );
        let hint = Text::new(
            "让 `members` 等于 `roster` 中的人数",
            "make `members` equal the number of people in `roster`",
        );
        found.push(checks::ROSTER_SIZE_MISMATCH, "members", message, hint);
    }
    for (index, member) in team.roster.iter().enumerate() {
        if member.training == "合格" {
            continue;
        }
        let (name, training) = (&member.name, &member.training);
        let message = Text::new(
            format!("志愿者 {name} 的基础培训是“{training}”；基础培训不合格的绝不上岗"),
            format!(
                "volunteer {name} has training `{training}`; no one serves before passing basic training (合格)"
            ),
        );
        let hint = Text::new(
            "培训考核合格后把 `training` 改为 合格；在此之前把这名志愿者移出 `roster`，并把 `members` 减 1",
            "once the volunteer passes, set `training` to 合格; until then take them off `roster` and lower `members` by 1",
        );
        found.push(
            checks::UNTRAINED_VOLUNTEER,
            &format!("roster.{index}.training"),
            message,
            hint,
        );
    }
    phone(&mut found, "leader.phone", "联系方式", &team.leader.phone);
    found.diagnostics
}

/// Returns whether `phone` is a Chinese mobile (11 digits starting with 1) or a
/// landline (area code 0xx or 0xxx, an optional hyphen, then 7 or 8 digits).
pub fn is_valid_phone(phone: &str) -> bool {
    let digits_only = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if phone.len() == 11 && phone.starts_with('1') && digits_only(phone) {
        return true;
    }
    let (area, number) = match phone.split_once('-') {
        Some(parts) => parts,
        None => return landline_without_hyphen(phone),
    };
    digits_only(area)
        && digits_only(number)
        && area.starts_with('0')
        && (3..=4).contains(&area.len())
        && (7..=8).contains(&number.len())
}

fn landline_without_hyphen(phone: &str) -> bool {
    // Area codes are 3 or 4 digits and numbers 7 or 8, so 10 to 12 digits in all.
    phone.starts_with('0')
        && (10..=12).contains(&phone.len())
        && phone.bytes().all(|b| b.is_ascii_digit())
}

fn phone(found: &mut Found, path: &str, label: &str, phone: &str) {
    if is_valid_phone(phone.trim()) {
        return;
    }
    let (reason_zh, reason_en) = phone_problem(phone.trim());
    let message = Text::new(
        format!("`{path}`（{label}）`{phone}` 既不是手机号也不是固定电话：{reason_zh}"),
        format!(
            "`{path}` ({label}) `{phone}` is neither a mobile nor a landline number: {reason_en}"
        ),
    );
    let hint = Text::new(
        "写 11 位手机号，如 \"13800001234\"，或带区号的固定电话，如 \"0371-60001234\"，并加上引号",
        "write an 11-digit mobile such as \"13800001234\" or a landline such as \"0371-60001234\", in quotes",
    );
    found.push(checks::INVALID_PHONE, path, message, hint);
}

/// Says what is wrong with a phone number, in the terms of its likely kind.
fn phone_problem(phone: &str) -> (String, String) {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if let Some(other) = phone.chars().find(|c| !c.is_ascii_digit() && *c != '-') {
        return (
            format!("含有“{other}”，电话只能有数字和一个连字符"),
            format!("it contains `{other}`; a phone has only digits and one hyphen"),
        );
    }
    let hyphens = phone.matches('-').count();
    if hyphens > 1 {
        return (
            format!("有 {hyphens} 个连字符，区号和号码之间只能有一个"),
            format!(
                "it has {hyphens} hyphens, and only one goes between the area code and the number"
            ),
        );
    }
    if phone.starts_with('1') {
        return (
            format!("有 {digits} 位数字，手机号是 11 位"),
            format!("it has {digits} digits, and a mobile has 11"),
        );
    }
    if phone.starts_with('0') {
        return (
            format!("有 {digits} 位数字，固定电话是 3 到 4 位区号加 7 到 8 位号码"),
            format!(
                "it has {digits} digits, and a landline is a 3- or 4-digit area code and 7 or 8 digits"
            ),
        );
    }
    (
        "手机号以 1 开头，固定电话以区号 0 开头".to_owned(),
        "a mobile starts with 1 and a landline with its area code's 0".to_owned(),
    )
}

/// Diagnostics gathered for one file.
struct Found<'a> {
    file: &'a Path,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Found<'a> {
    fn new(file: &'a Path) -> Found<'a> {
        Found {
            file,
            diagnostics: Vec::new(),
        }
    }

    fn push(&mut self, check: Check, path: &str, message: Text, hint: Text) {
        let diagnostic = Diagnostic::new(check, self.file, path, message, hint);
        self.diagnostics.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_accepts_mobiles_and_landlines() {
        for phone in [
            "13800001234",
            "0371-60001234",
            "037160001234",
            "010-1234567",
            "0398-1234567",
        ] {
            assert!(is_valid_phone(phone), "{phone}");
        }
    }

    #[test]
    fn phone_rejects_other_shapes() {
        for phone in [
            "1380000123",
            "23800001234",
            "0371-600",
            "371-60001234",
            "03716-60001234",
            "1380000123a",
            "",
            "０371-60001234",
        ] {
            assert!(!is_valid_phone(phone), "{phone}");
        }
    }
}
