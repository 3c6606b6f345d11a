//! `import`: reads an Attachment 2 workbook (信息汇总表) as universities
//! filled it in Excel or WPS and writes one family record per table row,
//! leaving the Attachment 1 fields that the summary lacks blank.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use calamine::{Data, Dimensions, Range, Reader, Sheets, open_workbook_auto};
use unicode_width::UnicodeWidthStr;

use crate::error::Error;
use crate::lang::{Lang, Text};
use crate::names;
use crate::record::need_label;
use crate::workbook::SHEET_NAME;

/// How many rows from the top of a sheet are searched for the header row.
const HEADER_SEARCH_ROWS: usize = 20;

/// Column at which the comments of a written record start, in display columns.
const COMMENT_COLUMN: usize = 34;

/// Settings of one import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub workbook: PathBuf,
    pub university: String,
    pub records: PathBuf,
    pub lang: Lang,
}

/// The files an import wrote and the rows it skipped.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Record files written, in table order.
    pub written: Vec<PathBuf>,
    /// Rows skipped or values not understood, one message each.
    pub warnings: Vec<Text>,
}

/// The columns of Attachment 2, in the form's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    University,
    Name,
    Hospital,
    AidedHospital,
    Size,
    Elderly,
    Minors,
    TeamMembers,
    Needs,
}

const COLUMNS: [Column; 9] = [
    Column::University,
    Column::Name,
    Column::Hospital,
    Column::AidedHospital,
    Column::Size,
    Column::Elderly,
    Column::Minors,
    Column::TeamMembers,
    Column::Needs,
];

impl Column {
    /// Returns the header of the column on the official form.
    fn label(self) -> &'static str {
        crate::workbook::HEADERS[self as usize]
    }

    /// Returns whether a workbook without this column cannot be imported. A missing
    /// 高校 column means every row is the given university, and the team
    /// size only ends up in a comment.
    fn required(self) -> bool {
        !matches!(self, Column::University | Column::TeamMembers)
    }

    /// Recognises a header cell with its spaces and line breaks removed.
    /// Universities shorten or lengthen labels (`姓名`, `医务人员所属医院`),
    /// so each is matched by the part no other header has.
    fn of_header(label: &str) -> Option<Column> {
        let column = if label.contains("姓名") {
            Column::Name
        } else if label.contains("援助医院") {
            Column::AidedHospital
        } else if label.contains("医院") {
            Column::Hospital
        } else if label.contains("高校") || label.contains("学校") {
            Column::University
        } else if label.contains("老年") {
            Column::Elderly
        } else if label.contains("未成年") {
            Column::Minors
        } else if label.contains("团队") {
            Column::TeamMembers
        } else if label.contains("家庭") && label.contains("人数") {
            Column::Size
        } else if label.contains("服务内容") || label.contains("帮扶内容") {
            Column::Needs
        } else {
            return None;
        };
        Some(column)
    }
}

/// The text of every cell of one sheet, with the 1-based row number the
/// spreadsheet program shows for the first row.
struct Grid {
    first_row: usize,
    rows: Vec<Vec<String>>,
}

/// The position of the header row in the grid and, for each column of the
/// form, the index of the cell that contains it.
struct Header {
    row: usize,
    cells: [Option<usize>; 9],
}

/// A whole number read from a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Count {
    Value(u32),
    Blank,
    /// Text that is not a whole number, kept to show in a comment.
    Unreadable(String),
}

/// One row of the table, as the record will hold it.
#[derive(Debug)]
struct Row {
    number: usize,
    university: String,
    name: String,
    hospital: String,
    aided_hospital: String,
    size: Count,
    elderly: Count,
    minors: Count,
    team_members: Count,
    needs: Vec<u8>,
    needs_text: String,
}

/// Imports the workbook of `options` into family records under
/// `records/<university>/`. Writes nothing when the workbook cannot be read,
/// has no header row, or when any file it would write exists already.
pub fn import(options: &ImportOptions) -> Result<ImportReport, Error> {
    let lang = options.lang;
    let grid = read_grid(&options.workbook, lang)?;
    let header = find_header(&grid).ok_or_else(|| missing_header(options, lang))?;
    check_required(&header, options, lang)?;

    let mut report = ImportReport::default();
    let rows = table_rows(&grid, &header, &options.university, &mut report.warnings);
    let folder = university_folder(options)?;
    let planned: Vec<(PathBuf, Row)> = rows
        .into_iter()
        .enumerate()
        .map(|(index, row)| (folder.join(format!("family-{:03}.yaml", index + 1)), row))
        .collect();
    reject_existing(&planned, lang)?;

    fs::create_dir_all(&folder).map_err(|error| Error::io(&folder, error))?;
    let source_name = options
        .workbook
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    for (path, row) in &planned {
        let text = record_text(row, &source_name, &mut report.warnings);
        write_new(path, &text)?;
        report.written.push(path.clone());
    }
    Ok(report)
}

/// Returns the one-line summary printed after an import.
pub fn summary_line(report: &ImportReport, options: &ImportOptions) -> String {
    let count = report.written.len();
    let folder = options.records.join(&options.university);
    let text = Text::new(
        format!(
            "已导入 {count} 户家庭到 {}；请补全留空的项目，然后运行 shoulashou check",
            folder.display()
        ),
        format!(
            "imported {count} families into {}; fill in the blank fields, then run `shoulashou check`",
            folder.display()
        ),
    );
    text.get(options.lang).to_owned()
}

fn usage(zh: String, en: String, lang: Lang) -> Error {
    Error::Usage(Text::new(zh, en).get(lang).to_owned())
}

/// Reads the sheet named like the form's (信息汇总表), else the first sheet
/// that has cells, and copies the value of every merged area into each of
/// its cells, so a 高校 column merged down the table names every row.
fn read_grid(path: &Path, lang: Lang) -> Result<Grid, Error> {
    let shown = path.display();
    let unreadable = |detail: String| {
        usage(
            format!(
                "无法读取工作簿 {shown}：{detail}。请确认它是 Excel 或 WPS 保存的 .xlsx、.xls 或 .ods 文件"
            ),
            format!(
                "cannot read the workbook {shown}: {detail}. Check that it is an .xlsx, .xls or .ods file saved by Excel or WPS"
            ),
            lang,
        )
    };
    if !path.is_file() {
        return Err(unreadable(
            Text::new("文件不存在", "no such file").get(lang).to_owned(),
        ));
    }
    let mut workbook = open_workbook_auto(path).map_err(|error| unreadable(error.to_string()))?;

    let mut names = workbook.sheet_names();
    if let Some(index) = names.iter().position(|name| name.trim() == SHEET_NAME) {
        names.swap(0, index);
    }
    for name in names {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|error| unreadable(error.to_string()))?;
        if range.is_empty() {
            continue;
        }
        let merged = merged_areas(&mut workbook, &name);
        return Ok(grid_of(&range, &merged));
    }
    Err(unreadable(
        Text::new("每张工作表都是空的", "every sheet is empty")
            .get(lang)
            .to_owned(),
    ))
}

/// Returns the merged areas of a sheet. Only the .xlsx and .xls readers
/// report them; an .ods file keeps merged values in their first cell only.
fn merged_areas<R: std::io::Read + std::io::Seek>(
    workbook: &mut Sheets<R>,
    sheet: &str,
) -> Vec<Dimensions> {
    // NOTE: no test reads an .xls file, so the .xls path, merged areas
    // included, relies on calamine's reader alone.
    match workbook {
        Sheets::Xlsx(xlsx) => xlsx.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        Sheets::Xls(xls) => xls.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn grid_of(range: &Range<Data>, merged: &[Dimensions]) -> Grid {
    // A non-empty range has a start; the caller skips empty ones.
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<String>> = range
        .rows()
        .map(|row| row.iter().map(cell_text).collect())
        .collect();
    for area in merged {
        let (top, left) = area.start;
        let (bottom, right) = area.end;
        let at = |row: u32, column: u32| {
            let row = usize::try_from(row.checked_sub(first_row)?).ok()?;
            let column = usize::try_from(column.checked_sub(first_column)?).ok()?;
            Some((row, column))
        };
        let Some((top_row, left_column)) = at(top, left) else {
            continue;
        };
        let value = rows
            .get(top_row)
            .and_then(|row| row.get(left_column))
            .cloned()
            .unwrap_or_default();
        for row in top..=bottom {
            for column in left..=right {
                if let Some((r, c)) = at(row, column)
                    && let Some(cell) = rows.get_mut(r).and_then(|cells| cells.get_mut(c))
                {
                    cell.clone_from(&value);
                }
            }
        }
    }
    Grid {
        first_row: first_row as usize + 1,
        rows,
    }
}

/// Returns a cell as trimmed text. Whole numbers lose the `.0` that a
/// float would print, so `4` typed into a number cell reads as `4`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Int(number) => number.to_string(),
        Data::Float(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
            format!("{}", *number as i64)
        }
        Data::Float(number) => number.to_string(),
        Data::String(text) => text.trim().to_owned(),
        Data::Bool(value) => value.to_string(),
        Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::DateTime(value) => value.to_string(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// Removes every space, full-width space and line break, so that labels
/// spaced out to line up on the printed form (`高  校`) match.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Finds the header row among the first rows: the first row with a
/// 医务人员姓名 cell and at least four other labels of the form.
fn find_header(grid: &Grid) -> Option<Header> {
    grid.rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(index, row)| {
            let mut cells = [None; 9];
            for (position, text) in row.iter().enumerate() {
                if let Some(column) = Column::of_header(&squeeze(text)) {
                    cells[column as usize].get_or_insert(position);
                }
            }
            let found = cells.iter().filter(|cell| cell.is_some()).count();
            let has_name = cells[Column::Name as usize].is_some();
            (has_name && found >= 5).then_some(Header { row: index, cells })
        })
}

fn missing_header(options: &ImportOptions, lang: Lang) -> Error {
    let headers = crate::workbook::HEADERS.join("、");
    let shown = options.workbook.display();
    usage(
        format!(
            "在工作簿 {shown} 的前 {HEADER_SEARCH_ROWS} 行中没有找到附件2的表头。\
             表头一行应包含：{headers}"
        ),
        format!(
            "no Attachment 2 header row in the first {HEADER_SEARCH_ROWS} rows of {shown}. \
             The header row must contain: {headers}"
        ),
        lang,
    )
}

fn check_required(header: &Header, options: &ImportOptions, lang: Lang) -> Result<(), Error> {
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|column| column.required() && header.cells[**column as usize].is_none())
        .map(|column| column.label())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let (shown, labels) = (options.workbook.display(), missing.join("、"));
    Err(usage(
        format!("工作簿 {shown} 的表头缺少这些列：{labels}。请按附件2的格式补上表头"),
        format!(
            "the header row of {shown} lacks these columns: {labels}. \
             Add them as on the Attachment 2 form"
        ),
        lang,
    ))
}

/// Returns the families of the table: the rows under the header up to the
/// note (备注…), leaving out blank rows, rows without a worker's name and
/// rows of other universities, each of the last two with a warning.
fn table_rows(
    grid: &Grid,
    header: &Header,
    university: &str,
    warnings: &mut Vec<Text>,
) -> Vec<Row> {
    let mut rows = Vec::new();
    for (index, cells) in grid.rows.iter().enumerate().skip(header.row + 1) {
        let number = grid.first_row + index;
        let get = |column: Column| {
            header.cells[column as usize]
                .and_then(|position| cells.get(position))
                .map(String::as_str)
                .unwrap_or("")
        };
        if cells.iter().any(|cell| squeeze(cell).starts_with("备注")) {
            break;
        }
        if cells.iter().all(|cell| cell.is_empty()) {
            continue;
        }

        let name = name_text(get(Column::Name));
        if name.is_empty() {
            let first = cells.iter().find(|cell| !cell.is_empty());
            let shown = first.map(String::as_str).unwrap_or_default();
            warnings.push(Text::new(
                format!("第 {number} 行没有医务人员姓名（“{shown}”），已跳过"),
                format!("row {number} has no 医务人员姓名 (`{shown}`), skipped"),
            ));
            continue;
        }
        let row_university = squeeze(get(Column::University));
        if !row_university.is_empty() && row_university != squeeze(university) {
            warnings.push(Text::new(
                format!("第 {number} 行（{name}）属于 {row_university}，不是 {university}，已跳过"),
                format!(
                    "row {number} ({name}) belongs to {row_university}, not {university}, skipped"
                ),
            ));
            continue;
        }

        let needs_text = get(Column::Needs).to_owned();
        rows.push(Row {
            number,
            university: university.to_owned(),
            name,
            hospital: one_line(get(Column::Hospital)),
            aided_hospital: one_line(get(Column::AidedHospital)),
            size: count(get(Column::Size)),
            elderly: count(get(Column::Elderly)),
            minors: count(get(Column::Minors)),
            team_members: count(get(Column::TeamMembers)),
            needs: need_codes(&needs_text),
            needs_text,
        });
    }
    rows
}

/// Returns a name without the spaces that align short Chinese names on
/// paper (`王  某`); a name with Latin letters keeps single spaces.
fn name_text(text: &str) -> String {
    if text.chars().any(|c| c.is_ascii_alphabetic()) {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        squeeze(text)
    }
}

/// Joins the lines of a cell wrapped with Alt+Enter: Chinese lines join
/// directly, other lines with a space.
fn one_line(text: &str) -> String {
    let mut joined = String::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if joined.chars().last().is_some_and(|c| c.is_ascii()) {
            joined.push(' ');
        }
        joined.push_str(line);
    }
    joined
}

/// Replaces full-width digits, typed with a Chinese input method, by ASCII digits.
fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            other => other,
        })
        .collect()
}

/// Reads a count such as `4`, `4.0`, ` ４ ` or `4人`.
fn count(text: &str) -> Count {
    let digits = ascii_digits(&squeeze(text));
    if digits.is_empty() {
        return Count::Blank;
    }
    let number = digits.trim_end_matches(['人', '名', '个', '位']);
    let number = number.strip_suffix(".0").unwrap_or(number);
    match number.parse::<u32>() {
        Ok(value) => Count::Value(value),
        Err(_) => Count::Unreadable(text.to_owned()),
    }
}

/// Reads service codes written as `1、2`, `1,2`, `1，2`, `1 2`, `12` or
/// `1.2` (a number cell): every digit is one code, because codes have one
/// digit. A cell with no digit is matched against the codes' labels, such
/// as 心理援助. Digits outside 1 to 5 are kept so that `check` reports them.
fn need_codes(text: &str) -> Vec<u8> {
    let mut codes: Vec<u8> = Vec::new();
    for c in ascii_digits(text).chars() {
        if let Some(digit) = c.to_digit(10) {
            let code = digit as u8;
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
    }
    if codes.is_empty() {
        codes = crate::record::NEED_CODES
            .into_iter()
            .filter(|&code| text.contains(need_label(code)))
            .collect();
    }
    codes
}

fn university_folder(options: &ImportOptions) -> Result<PathBuf, Error> {
    let name = options.university.trim();
    if let Some(reason) = names::unusable_reason(name) {
        return Err(usage(
            format!("--university “{name}” 不能用作文件夹名：{}", reason.zh),
            format!(
                "--university `{name}` cannot be a folder name: {}",
                reason.en
            ),
            options.lang,
        ));
    }
    Ok(options.records.join(name))
}

fn reject_existing(planned: &[(PathBuf, Row)], lang: Lang) -> Result<(), Error> {
    let existing: Vec<String> = planned
        .iter()
        .filter(|(path, _)| path.exists())
        .map(|(path, _)| path.display().to_string())
        .collect();
    if existing.is_empty() {
        return Ok(());
    }
    let list = existing.join("\n  ");
    Err(usage(
        format!(
            "这些文件已经存在，导入不会覆盖任何文件，因此什么也没有写：\n  {list}\n\
             请用 --records 指定另一个文件夹，或者先移走这些文件"
        ),
        format!(
            "these files exist already and import never overwrites a file, so nothing was written:\n  {list}\n\
             Pass another folder with --records, or move these files away first"
        ),
        lang,
    ))
}

/// Creates `path` and writes `text`, failing if the file appeared since the
/// check for existing files.
fn write_new(path: &Path, text: &str) -> Result<(), Error> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|error| Error::io(path, error))?;
    file.write_all(text.as_bytes())
        .map_err(|error| Error::io(path, error))
}

/// Returns a scalar as YAML: plain when YAML reads it back as the same
/// text, quoted otherwise (for `true`, `120`, `a: b` and the like).
fn yaml_text(text: &str) -> String {
    let plain = serde_yaml::to_string(text).unwrap_or_default();
    let plain = plain.trim_end_matches('\n');
    if plain.contains('\n') || plain.is_empty() {
        // JSON strings are valid YAML double-quoted scalars. Serializing a
        // string to JSON cannot fail.
        serde_json::to_string(text).expect("a string serializes to JSON")
    } else {
        plain.to_owned()
    }
}

fn count_yaml(count: &Count) -> String {
    match count {
        Count::Value(value) => value.to_string(),
        Count::Blank | Count::Unreadable(_) => String::new(),
    }
}

/// Appends one line: `content`, then the comment at [`COMMENT_COLUMN`].
fn line(out: &mut String, content: &str, comment: &str) {
    out.push_str(content);
    if !comment.is_empty() {
        let width = content.width();
        let padding = COMMENT_COLUMN.saturating_sub(width).max(1);
        out.push_str(&" ".repeat(padding));
        out.push_str("# ");
        out.push_str(comment);
    }
    // Trailing spaces after `key:` with no value would be invisible noise.
    let trimmed = out.trim_end_matches(' ').len();
    out.truncate(trimmed);
    out.push('\n');
}

/// Returns the comment of a count: its label, and the cell's text when it
/// was not a whole number.
fn count_comment(label: &str, count: &Count) -> String {
    match count {
        Count::Unreadable(text) => format!("{label}（待填：原表为“{text}”，不是整数）"),
        Count::Blank => format!("{label}（待填：原表为空）"),
        Count::Value(_) => label.to_owned(),
    }
}

/// Returns the text of one family record, with every Attachment 1 field
/// that the summary lacks present but blank, and its label and allowed
/// values in a comment.
fn record_text(row: &Row, source: &str, warnings: &mut Vec<Text>) -> String {
    let number = row.number;
    for (label, count) in [
        ("家庭人数", &row.size),
        ("老年人数", &row.elderly),
        ("未成年人数", &row.minors),
    ] {
        if let Count::Unreadable(text) = count {
            warnings.push(Text::new(
                format!("第 {number} 行的{label}“{text}”不是整数，已留空"),
                format!("row {number}: {label} `{text}` is not a whole number, left blank"),
            ));
        }
    }

    let mut out = String::new();
    out.push_str(&format!(
        "# 由 shoulashou import 从 {source} 第 {number} 行导入（附件2 信息汇总表）。\n\
         # Imported by `shoulashou import` from {source}, row {number}.\n\
         # 汇总表没有的项目留空待填，补全后运行 shoulashou check。\n\
         # Fields the summary lacks are blank: fill them in, then run `shoulashou check`.\n\n"
    ));
    line(
        &mut out,
        &format!("university: {}", yaml_text(&row.university)),
        "高校",
    );
    out.push('\n');
    worker_lines(&mut out, row);
    out.push('\n');
    household_lines(&mut out, row);
    out.push('\n');
    plan_lines(&mut out, row);
    out
}

fn worker_lines(out: &mut String, row: &Row) {
    line(out, "worker:", "医务人员");
    line(
        out,
        &format!("  name: {}", yaml_text(&row.name)),
        "医务人员姓名",
    );
    line(out, "  gender:", "性别（待填）：男 或 女");
    let hospital = format!("  hospital: {}", optional_text(&row.hospital));
    line(out, &hospital, "医务人员所属医院");
    let aided = format!("  aided_hospital: {}", optional_text(&row.aided_hospital));
    line(out, &aided, "援助医院（含在本院抗疫一线）");
    line(out, "  # deployment:", "派出类别，可选：援鄂 | 省内 | 本院");
}

fn optional_text(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        yaml_text(text)
    }
}

fn household_lines(out: &mut String, row: &Row) {
    line(out, "family:", "家庭");
    let size = format!("  size: {}", count_yaml(&row.size));
    line(
        out,
        &size,
        &count_comment("家庭人数（含医务人员本人）", &row.size),
    );
    line(out, "  in_hubei:", "家庭援鄂人数（待填）：0 到家庭人数");
    line(out, "  address:", "家庭地址（待填，网页中遮盖）");
    line(
        out,
        "  phone:",
        "家庭联系方式（待填）：手机或座机，加引号，如 \"13800001234\"",
    );

    let elderly = format!("  elderly: {}", count_yaml(&row.elderly));
    line(out, &elderly, &count_comment("家中老年人数", &row.elderly));
    if row.elderly == Count::Value(0) {
        line(out, "  # elderly_health:", "健康状况：有老人时必填");
    } else {
        line(out, "  elderly_health:", "健康状况（待填）：有老人时必填");
    }

    let minors = format!("  minors: {}", count_yaml(&row.minors));
    line(out, &minors, &count_comment("未成年子女数", &row.minors));
    if row.minors == Count::Value(0) {
        line(out, "  grades: []", "就读年级：每个未成年子女一项");
    } else {
        line(
            out,
            "  grades:",
            "就读年级（待填）：每个未成年子女一项，如 [小学三年级]",
        );
    }
}

fn plan_lines(out: &mut String, row: &Row) {
    let codes: Vec<String> = row.needs.iter().map(u8::to_string).collect();
    let needs = format!("needs: [{}]", codes.join(", "));
    let mut comment = String::from("需要帮扶内容：1 子女学习辅导 2 心理援助");
    if row.needs.is_empty() {
        comment = format!("需要帮扶内容（待填：原表为“{}”）", row.needs_text);
    }
    line(out, &needs, &comment);
    line(out, "", "3 健康咨询与在线问诊 4 生活帮扶 5 其他");

    if row.needs.contains(&5) {
        line(
            out,
            "needs_summary:",
            "帮扶需求简述（待填）：选 5 其他 时必填",
        );
    } else {
        line(out, "# needs_summary:", "帮扶需求简述：选 5 其他 时必填");
    }

    line(
        out,
        "team:",
        "志愿者团队（待填）：本校 teams/ 文件夹中的团队编号",
    );
    let members = match &row.team_members {
        Count::Value(value) => value.to_string(),
        Count::Blank => "（空）".to_owned(),
        Count::Unreadable(text) => text.clone(),
    };
    line(out, &format!("# 汇总表中的志愿服务团队人数：{members}"), "");

    line(out, "plan:", "“一家一策”简介（待填），可用 Markdown");
    if row.needs.contains(&4) {
        line(
            out,
            "offline:",
            "线下帮扶安排（待填）：生活帮扶如何审批和防护",
        );
    }
    out.push('\n');
    line(out, "# approval:", "高校团委意见（审批后填写）");
    line(out, "#   opinion: 同意", "");
    line(out, "#   signer:", "负责人签名");
    line(out, "#   date:", "日期 YYYY-MM-DD");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_every_separator() {
        for text in [
            "1、2",
            "1,2",
            "1，2",
            "1 2",
            "12",
            "1.2",
            "１，２",
            " 1 ; 2 ",
        ] {
            assert_eq!(need_codes(text), vec![1, 2], "codes of `{text}`");
        }
        assert_eq!(need_codes("3"), vec![3]);
        assert_eq!(need_codes("心理援助、生活帮扶"), vec![2, 4]);
        assert_eq!(need_codes("1、7"), vec![1, 7]);
        assert!(need_codes("").is_empty());
    }

    #[test]
    fn counts_stored_as_text() {
        assert_eq!(count("4"), Count::Value(4));
        assert_eq!(count(" ４ "), Count::Value(4));
        assert_eq!(count("4.0"), Count::Value(4));
        assert_eq!(count("4人"), Count::Value(4));
        assert_eq!(count(""), Count::Blank);
        assert_eq!(count("四"), Count::Unreadable("四".to_owned()));
        assert_eq!(count("-1"), Count::Unreadable("-1".to_owned()));
    }

    #[test]
    fn headers_with_spaces() {
        assert_eq!(
            Column::of_header(&squeeze("高  校")),
            Some(Column::University)
        );
        assert_eq!(
            Column::of_header(&squeeze("医务人员姓    名")),
            Some(Column::Name)
        );
        assert_eq!(
            Column::of_header(&squeeze("医务人员所属医院")),
            Some(Column::Hospital)
        );
        assert_eq!(
            Column::of_header(&squeeze("援助医院（含在本院抗疫一线）")),
            Some(Column::AidedHospital)
        );
        assert_eq!(
            Column::of_header("志愿服务团队人数"),
            Some(Column::TeamMembers)
        );
        assert_eq!(Column::of_header("家庭人数"), Some(Column::Size));
        assert_eq!(Column::of_header("序号"), None);
    }

    #[test]
    fn names_lose_alignment_spaces() {
        assert_eq!(name_text("王  某"), "王某");
        assert_eq!(name_text("王\u{3000}某"), "王某");
        assert_eq!(name_text(" Anna  Li "), "Anna Li");
    }

    #[test]
    fn yaml_text_quotes_only_when_needed() {
        assert_eq!(yaml_text("王某"), "王某");
        assert_eq!(yaml_text("true"), "'true'");
        assert_eq!(yaml_text("120"), "'120'");
        assert_eq!(yaml_text("a: b"), "'a: b'");
        let value: String = serde_yaml::from_str(&yaml_text("#1 医院")).unwrap();
        assert_eq!(value, "#1 医院");
    }
}
