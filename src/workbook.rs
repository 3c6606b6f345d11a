//! Attachment 2 workbooks (信息汇总表), laid out like the official form: a
//! merged title row, the nine headers, one row per family, then the note on
//! service codes. Phone numbers and addresses are not among the columns.

use std::borrow::Cow;
use std::fmt::Write;
use std::hash::Hasher as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, IgnoreError, Workbook,
    Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

use crate::campaign::Campaign;
use crate::date::Date;
use crate::digest::Digest;
use crate::error::Error;
use crate::record::{NEED_CODES, need_label};
use crate::summary::{FamilyReport, Summary, UniversityReport};

mod province;

pub use province::ProvinceRows;

/// File name of the province-wide workbook.
pub const PROVINCE_WORKBOOK: &str = "附件2-信息汇总表-全省.xlsx";

/// Name of the only worksheet, the form's own name.
pub const SHEET_NAME: &str = "信息汇总表";

/// Record keys behind each column, named in error messages.
const RECORD_KEYS: [&str; 9] = [
    "university",
    "worker.name",
    "worker.hospital",
    "worker.aided_hospital",
    "family.size",
    "family.elderly",
    "family.minors",
    "team",
    "needs",
];

/// Column headers of the form, in its order.
pub const HEADERS: [&str; 9] = [
    "高校",
    "医务人员姓名",
    "所属医院",
    "援助医院",
    "家庭人数",
    "老年人数",
    "未成年人数",
    "志愿服务团队人数",
    "服务内容",
];

/// Excel's limit on the length of one cell's text, in UTF-16 code units.
const MAX_CELL_TEXT: usize = 32_767;

/// Column widths in Excel character units, where a CJK character counts 2.
const MIN_COLUMN_WIDTH: usize = 6;
const MAX_COLUMN_WIDTH: usize = 60;
const COLUMN_PADDING: usize = 2;

const TITLE_ROW: u32 = 0;
const HEADER_ROW: u32 = 1;
const FIRST_DATA_ROW: u32 = 2;
const LAST_COLUMN: u16 = HEADERS.len() as u16 - 1;
const SERVICE_COLUMN: u16 = 8;

/// Paper size code for A4 in the SpreadsheetML page setup.
const PAPER_A4: u8 = 9;

/// Returns the file name of one university's workbook.
pub fn university_workbook_name(university: &str) -> String {
    format!("附件2-信息汇总表-{university}.xlsx")
}

/// Returns the form's title for a campaign, such as
/// `与抗疫一线医务人员家庭手拉手专项志愿服务信息汇总表`.
pub fn form_title(campaign: &Campaign) -> String {
    format!("{}{SHEET_NAME}", campaign.title)
}

/// Returns the note printed under the table, built from the service code labels.
pub fn service_note() -> String {
    let codes: Vec<String> = NEED_CODES
        .iter()
        .map(|&code| format!("{code}：{}", need_label(code)))
        .collect();
    format!("备注：服务内容填数字，{}", codes.join(" "))
}

/// Writes the workbook of one university to `path`.
///
/// The campaign supplies the title, and the university's deadline becomes the
/// document's creation date, so that two builds write identical bytes.
pub fn write_university(
    report: &UniversityReport,
    campaign: &Campaign,
    path: &Path,
) -> Result<(), Error> {
    let bytes = university_workbook(report, campaign, path)?;
    std::fs::write(path, bytes).map_err(|error| Error::io(path, error))
}

/// Returns the bytes of the workbook of one university, which goes to `path`;
/// the path only names the workbook in error messages.
pub fn university_workbook(
    report: &UniversityReport,
    campaign: &Campaign,
    path: &Path,
) -> Result<Vec<u8>, Error> {
    let rows = rows_of(std::slice::from_ref(report));
    let document = Document {
        campaign,
        subject: &report.name,
        created: report.deadline,
    };
    workbook_bytes(&document, &rows, path)
}

/// Writes the province-wide workbook, every university in report order, to `path`.
///
/// The campaign's default deadline becomes the document's creation date.
pub fn write_province(summary: &Summary, path: &Path) -> Result<(), Error> {
    let bytes = province_workbook(summary, path)?;
    std::fs::write(path, bytes).map_err(|error| Error::io(path, error))
}

/// Returns the bytes of the province-wide workbook, which goes to `path`;
/// the path only names the workbook in error messages.
///
/// It keeps no rows for a next build, so it keeps the worksheet XML of
/// about 4,000 rows per thread in memory at a time. Rows are written by whole
/// universities, so a university of more families raises that bound.
pub fn province_workbook(summary: &Summary, path: &Path) -> Result<Vec<u8>, Error> {
    province::streamed_province_workbook(summary, path)
}

/// Like [`province_workbook`], given the [`rows_digest`] of each university
/// in report order, and taking over the rows of `previous`, the rows of the
/// last build, whose university has the same digest and first row. Returns
/// the rows of this workbook for the next build too.
pub fn province_workbook_with(
    summary: &Summary,
    path: &Path,
    digests: &[u128],
    previous: &ProvinceRows,
) -> Result<(Vec<u8>, ProvinceRows), Error> {
    province::province_workbook(summary, path, digests, previous)
}

/// Returns a hash of everything the workbook of one university is made from,
/// so that a rebuild can tell whether the workbook would change. `rows` is
/// the [`rows_digest`] of the university.
pub fn university_fingerprint(report: &UniversityReport, campaign: &Campaign, rows: u128) -> u128 {
    let document = Document {
        campaign,
        subject: &report.name,
        created: report.deadline,
    };
    fingerprint(&document, &[rows])
}

/// Returns a hash of everything the province workbook is made from, given
/// the [`rows_digest`] of each university in report order.
pub fn province_fingerprint(summary: &Summary, rows: &[u128]) -> u128 {
    fingerprint(&province_document(summary.campaign), rows)
}

/// Returns a hash of the cells of a university's rows, which its own
/// workbook and the province workbook show.
pub fn rows_digest(report: &UniversityReport) -> u128 {
    let mut hasher = Digest::new();
    for family in &report.families {
        let record = family.family;
        let worker = &record.worker;
        let household = &record.household;
        for text in [
            report.name.as_str(),
            &*worker.name,
            &*worker.hospital,
            &*worker.aided_hospital,
        ] {
            hash_text(&mut hasher, text);
        }
        for number in [
            household.size,
            household.elderly,
            household.minors,
            family.team_members,
        ] {
            hasher.write(&number.to_le_bytes());
        }
        // The service codes cell is made from the codes alone.
        hasher.write(&(record.needs.len() as u64).to_le_bytes());
        hasher.write(&record.needs);
    }
    hasher.finish128()
}

fn province_document(campaign: &Campaign) -> Document<'_> {
    Document {
        campaign,
        subject: "全省",
        created: campaign.deadline,
    }
}

fn fingerprint(document: &Document, rows: &[u128]) -> u128 {
    let mut hasher = Digest::new();
    hash_text(&mut hasher, &form_title(document.campaign));
    hash_text(&mut hasher, &document.campaign.issuer);
    hash_text(&mut hasher, document.subject);
    hash_text(&mut hasher, &document.created.to_string());
    for digest in rows {
        hasher.write(&digest.to_le_bytes());
    }
    hasher.finish128()
}

/// Feeds a text with a tag and its length, so that no two different lists
/// of cells feed the hasher the same bytes.
fn hash_text(hasher: &mut Digest, text: &str) {
    hasher.write(&[0]);
    hasher.write(&(text.len() as u64).to_le_bytes());
    hasher.write(text.as_bytes());
}

/// Document properties of one workbook: the campaign, a subject and a creation date.
struct Document<'a> {
    campaign: &'a Campaign,
    subject: &'a str,
    created: Date,
}

/// One family's row, with the record file it came from for error messages.
struct Row<'a> {
    source: &'a Path,
    cells: [Cell<'a>; 9],
}

enum Cell<'a> {
    Text(Cow<'a, str>),
    Number(u32),
}

/// The formats of the form, created once per workbook.
struct Formats {
    title: Format,
    header: Format,
    text: Format,
    number: Format,
    note: Format,
}

fn rows_of<'a>(reports: &'a [UniversityReport<'a>]) -> Vec<Row<'a>> {
    reports
        .iter()
        .flat_map(|report| {
            report
                .families
                .iter()
                .map(|family| row_of(&report.name, family))
        })
        .collect()
}

fn row_of<'a>(university: &'a str, report: &'a FamilyReport<'a>) -> Row<'a> {
    let family = report.family;
    let text = |value: &'a str| Cell::Text(Cow::Borrowed(value));
    Row {
        source: &family.source.path,
        cells: [
            text(university),
            text(&family.worker.name),
            text(&family.worker.hospital),
            text(&family.worker.aided_hospital),
            Cell::Number(family.household.size),
            Cell::Number(family.household.elderly),
            Cell::Number(family.household.minors),
            Cell::Number(report.team_members),
            Cell::Text(Cow::Owned(need_codes(&family.needs))),
        ],
    }
}

/// Joins service codes with `、`, as in `1、2`.
fn need_codes(needs: &[u8]) -> String {
    let mut joined = String::with_capacity(needs.len() * 4);
    for (index, code) in needs.iter().enumerate() {
        if index > 0 {
            joined.push('、');
        }
        // Service codes are single digits, so most rows need no `write!`.
        if *code < 10 {
            joined.push(char::from(b'0' + code));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(joined, "{code}");
        }
    }
    joined
}

fn workbook_bytes(document: &Document, rows: &[Row], path: &Path) -> Result<Vec<u8>, Error> {
    check_text_lengths(rows, path)?;
    let layout = Layout {
        rows,
        first: 0,
        table_rows: rows.len(),
        widths: padded_widths(longest_values(rows)),
        note_row: FIRST_DATA_ROW + rows.len() as u32 + 1,
        compression: COMPRESSION,
    };
    form_bytes(document, &layout, path)
}

/// The zip compression level of every workbook: the fastest. A province
/// workbook of 100,000 rows spent most of its time compressing at the
/// default level 6, for files about a tenth smaller.
const COMPRESSION: u8 = 1;

/// The layout of a workbook that [`form_bytes`] writes, whose table has
/// `table_rows` rows.
struct Layout<'r, 'a> {
    /// The rows written, from the table's row `first` on, counted from 0.
    rows: &'r [Row<'a>],
    first: u32,
    table_rows: usize,
    widths: [f64; 9],
    /// The sheet row of the note, counted from 0.
    note_row: u32,
    /// Zip compression level, from 1 (fastest) to 9.
    compression: u8,
}

/// Returns the bytes of a workbook of the form, laid out by `layout`.
fn form_bytes(document: &Document, layout: &Layout, path: &Path) -> Result<Vec<u8>, Error> {
    without_panics(path, || form_bytes_of(document, layout, path))
}

thread_local! {
    /// Whether this thread runs rust_xlsxwriter inside [`without_panics`],
    /// which reports its panics as errors.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `write`, which drives rust_xlsxwriter, and returns a panic in it as
/// an error of the workbook at `path`.
///
/// In constant memory mode, rust_xlsxwriter 0.102 panics, instead of
/// returning an error, when it cannot write a worksheet's rows to its
/// temporary file, as when the temporary folder is full. The panic message
/// is kept off stderr, because the error reports it with the fix.
fn without_panics<T>(path: &Path, write: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    GUARDED.with(|guarded| guarded.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(write));
    GUARDED.with(|guarded| guarded.set(false));
    result.unwrap_or_else(|payload| {
        let reason = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("no reason given");
        Err(Error::Workbook {
            path: path.to_owned(),
            message: format!(
                "rust_xlsxwriter stopped: {reason}. It writes the rows through a temporary \
                 file in {}; if that folder is full, make room in it or set TMPDIR (TEMP \
                 on Windows) to a folder with more free space",
                std::env::temp_dir().display()
            ),
        })
    })
}

/// Writes the workbook for [`form_bytes`], which turns panics in it into errors.
fn form_bytes_of(document: &Document, layout: &Layout, path: &Path) -> Result<Vec<u8>, Error> {
    let xlsx_error = |error: XlsxError| workbook_error(path, error);

    let mut workbook = Workbook::new();
    workbook.set_zip_compression_level(layout.compression);
    workbook.set_properties(&properties(document).map_err(xlsx_error)?);
    let formats = formats();
    // Constant memory mode streams each finished row to a temporary file, so
    // rows must be written top to bottom. Merged ranges, formats, column
    // widths and page setup still work because they are stored apart from
    // the cells and written when the workbook is saved.
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_error)?;
    set_up_sheet(sheet, &layout.widths, layout.table_rows).map_err(xlsx_error)?;
    write_cells(sheet, &form_title(document.campaign), layout, &formats).map_err(xlsx_error)?;

    workbook.save_to_buffer().map_err(xlsx_error)
}

fn properties(document: &Document) -> Result<DocProperties, XlsxError> {
    let (year, month, day) = document.created.ymd();
    // `Date` keeps month in 1..=12 and day in 1..=31, so the casts are exact.
    let created = u16::try_from(year)
        .ok()
        .and_then(|year| ExcelDateTime::from_ymd(year, month as u8, day as u8).ok())
        .ok_or_else(|| {
            XlsxError::ParameterError(format!(
                "deadline {} is outside the years 1900 to 9999 that Excel supports. \
                 Fix `deadline` in campaign.yaml.",
                document.created
            ))
        })?;
    Ok(DocProperties::new()
        .set_title(form_title(document.campaign))
        .set_subject(document.subject)
        .set_author(&document.campaign.issuer)
        .set_creation_datetime(&created))
}

fn formats() -> Formats {
    let bordered = Format::new()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    Formats {
        title: Format::new()
            .set_bold()
            .set_font_size(16)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        header: bordered
            .clone()
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_text_wrap(),
        text: bordered.clone().set_text_wrap(),
        number: bordered.set_align(FormatAlign::Center),
        note: Format::new().set_align(FormatAlign::Left),
    }
}

fn set_up_sheet(
    sheet: &mut Worksheet,
    widths: &[f64; 9],
    row_count: usize,
) -> Result<(), XlsxError> {
    sheet.set_name(SHEET_NAME)?;
    for (column, &width) in (0..).zip(widths) {
        sheet.set_column_width(column, width)?;
    }
    sheet.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    sheet
        .set_landscape()
        .set_paper_size(PAPER_A4)
        .set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;

    // Codes such as `1、2` are text, so a lone `3` is text too, and Excel
    // would mark it as a number stored as text without this.
    if row_count > 0 {
        let last_row = FIRST_DATA_ROW + row_count as u32 - 1;
        let service = SERVICE_COLUMN;
        sheet.ignore_error_range(
            FIRST_DATA_ROW,
            service,
            last_row,
            service,
            IgnoreError::NumberStoredAsText,
        )?;
    }
    Ok(())
}

fn write_cells(
    sheet: &mut Worksheet,
    title: &str,
    layout: &Layout,
    formats: &Formats,
) -> Result<(), XlsxError> {
    // Row heights must be set before the row is written in constant memory mode.
    sheet.set_row_height(TITLE_ROW, 30)?;
    sheet.merge_range(TITLE_ROW, 0, TITLE_ROW, LAST_COLUMN, title, &formats.title)?;
    for (column, header) in (0..).zip(HEADERS) {
        sheet.write_string_with_format(HEADER_ROW, column, header, &formats.header)?;
    }

    // rust_xlsxwriter hashes the whole `Format` for each formatted cell,
    // about 40% of the CPU time of a workbook in a `perf` profile of the
    // generated 10,000-family campaign. So data cells are written without a
    // format and take their column's format when their row is flushed to the
    // temporary file. Every row has the same kinds of cells, so the first
    // row gives each column's format.
    let rows = layout.rows;
    let Some(first) = rows.first() else {
        return write_note(sheet, layout.note_row, formats);
    };
    let column_formats = first
        .cells
        .each_ref()
        .map(|cell| cell_format(cell, formats));
    for (column, format) in (0..).zip(column_formats) {
        sheet.set_column_format(column, format)?;
    }
    for (row_number, row) in (FIRST_DATA_ROW + layout.first..).zip(rows) {
        for ((column, cell), column_format) in (0..).zip(&row.cells).zip(column_formats) {
            write_data_cell(sheet, row_number, column, cell, column_format, formats)?;
        }
    }

    // One blank row separates the table from the note, as on the form.
    // Writing the note also flushes the last data row.
    write_note(sheet, layout.note_row, formats)?;

    // Setting the default format clears the columns' formats, so that the
    // empty cells around the table stay unformatted.
    // NOTE: this relies on rust_xlsxwriter 0.102's constant memory mode,
    // which fixes a cell's format index when its row is flushed. The test
    // `data_cells_take_column_formats` fails if that changes.
    let unformatted = Format::new();
    for column in 0..=LAST_COLUMN {
        sheet.set_column_format(column, &unformatted)?;
    }
    Ok(())
}

fn write_note(sheet: &mut Worksheet, row: u32, formats: &Formats) -> Result<(), XlsxError> {
    sheet.merge_range(row, 0, row, LAST_COLUMN, &service_note(), &formats.note)?;
    Ok(())
}

fn cell_format<'a>(cell: &Cell, formats: &'a Formats) -> &'a Format {
    match cell {
        Cell::Text(_) => &formats.text,
        Cell::Number(_) => &formats.number,
    }
}

/// Writes one data cell, without a format when its column's format is the
/// right one.
fn write_data_cell(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    cell: &Cell,
    column_format: &Format,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let format = cell_format(cell, formats);
    let own_format = !std::ptr::eq(format, column_format);
    match cell {
        // rust_xlsxwriter drops an empty string written without a format,
        // while one written with a format becomes a formatted blank cell.
        Cell::Text(text) if text.is_empty() => sheet.write_blank(row, column, format)?,
        Cell::Text(text) if own_format => {
            sheet.write_string_with_format(row, column, text.as_ref(), format)?
        }
        Cell::Text(text) => sheet.write_string(row, column, text.as_ref())?,
        Cell::Number(number) if own_format => {
            sheet.write_number_with_format(row, column, *number, format)?
        }
        Cell::Number(number) => sheet.write_number(row, column, *number)?,
    };
    Ok(())
}

/// Rejects any cell text over Excel's limit, naming the record it came from,
/// before the workbook file is created.
fn check_text_lengths(rows: &[Row], path: &Path) -> Result<(), Error> {
    for row in rows {
        for (column, cell) in row.cells.iter().enumerate() {
            let Cell::Text(text) = cell else { continue };
            // A UTF-16 text is never longer than its UTF-8 bytes, so only
            // long texts need counting.
            if text.len() <= MAX_CELL_TEXT {
                continue;
            }
            let length = text.encode_utf16().count();
            if length > MAX_CELL_TEXT {
                let message = format!(
                    "{} (`{}`) in {} is {length} characters long, more than the \
                     {MAX_CELL_TEXT} an Excel cell can contain. Shorten it in that record.",
                    HEADERS[column],
                    RECORD_KEYS[column],
                    row.source.display()
                );
                return Err(Error::Workbook {
                    path: path.to_owned(),
                    message,
                });
            }
        }
    }
    Ok(())
}

/// Returns each column's width: its longest value or header, plus padding,
/// kept between the minimum and maximum (longer text wraps).
#[cfg(test)]
fn column_widths(rows: &[Row]) -> [f64; 9] {
    padded_widths(longest_values(rows))
}

/// Returns the display width of each column's longest value or header.
fn longest_values(rows: &[Row]) -> [usize; 9] {
    let mut longest = HEADERS.map(UnicodeWidthStr::width);
    for row in rows {
        for (max, cell) in longest.iter_mut().zip(&row.cells) {
            let width = match cell {
                Cell::Text(text) => text.width(),
                Cell::Number(number) => decimal_digits(*number),
            };
            *max = (*max).max(width);
        }
    }
    longest
}

/// Returns the width of columns whose longest values are `longest`, plus
/// padding, kept between the minimum and maximum (longer text wraps).
fn padded_widths(longest: [usize; 9]) -> [f64; 9] {
    longest.map(|width| {
        let padded = (width + COLUMN_PADDING).clamp(MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH);
        padded as f64
    })
}

fn decimal_digits(number: u32) -> usize {
    number.checked_ilog10().map_or(1, |log| log as usize + 1)
}

fn workbook_error(path: &Path, error: XlsxError) -> Error {
    match error {
        XlsxError::IoError(source) => Error::io(path, source),
        // rust_xlsxwriter streams the rows of a worksheet through a file in
        // the system's temporary folder, which the user can point elsewhere.
        XlsxError::TempFileError(folder, source) => {
            let reason = format!(
                "{source}, so the rows of workbook {} have nowhere to go; set TMPDIR \
                 (TEMP on Windows) to a folder that exists and can be written, or unset it",
                path.display()
            );
            Error::io(folder, std::io::Error::new(source.kind(), reason))
        }
        other => Error::Workbook {
            path: path.to_owned(),
            message: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::PathBuf;

    use calamine::{
        BorderStyle, Data, Dimensions, HorizontalAlignment, Range, Reader, StyleRange,
        VerticalAlignment, Xlsx, open_workbook,
    };

    use super::*;
    use crate::record::{Family, Household, Leader, Source, Team, Worker};

    const NOTE: &str = "备注：服务内容填数字，1：子女学习辅导 2：心理援助 \
                        3：健康咨询与在线问诊 4：生活帮扶 5：其他";
    const TITLE: &str = "与抗疫一线医务人员家庭手拉手专项志愿服务信息汇总表";

    struct Fixture {
        campaign: Campaign,
        families: Vec<std::sync::Arc<Family>>,
        teams: Vec<std::sync::Arc<Team>>,
    }

    impl Fixture {
        fn summary(&self) -> Summary<'_> {
            let as_of = Date::from_ymd(2020, 2, 24).unwrap();
            Summary::build(&self.campaign, &self.families, &self.teams, &[], as_of)
        }
    }

    fn source(folder: &str, id: &str) -> Source {
        Source {
            path: PathBuf::from(format!("{folder}/{id}.yaml")).into(),
            id: id.into(),
        }
    }

    fn team(university: &str, id: &str, members: u32) -> Team {
        Team {
            source: source("records/teams", id),
            university: university.to_owned(),
            name: id.to_owned(),
            kind: "青年志愿者服务队".to_owned(),
            leader: Leader {
                name: "李某".to_owned(),
                phone: "13900000000".to_owned(),
            },
            members,
            roster: Vec::new(),
        }
    }

    fn family(university: &str, id: &str, worker: &str, hospital: &str, team: &str) -> Family {
        Family {
            source: source("records", id),
            university: university.into(),
            worker: Worker {
                name: worker.into(),
                gender: "女".into(),
                hospital: hospital.into(),
                aided_hospital: "武汉某医院".into(),
                deployment: None,
            },
            household: Household {
                size: 4,
                in_hubei: 1,
                address: "郑州市金水区某路1号".into(),
                phone: "13800000000".into(),
                elderly: 2,
                elderly_health: Some("高血压".into()),
                minors: 1,
                grades: vec!["小学三年级".into()].into(),
            },
            needs: vec![1, 2].into(),
            needs_summary: None,
            team: team.into(),
            plan: "每周两次线上辅导".into(),
            offline: None,
            approval: None,
            visits: Box::default(),
            page_text: None,
        }
    }

    /// Two universities: 郑州大学 with two families, 河南大学 with one.
    fn fixture() -> Fixture {
        let first = family(
            "郑州大学",
            "a-wang",
            "王某",
            "郑州大学第一附属医院",
            "zzu-01",
        );
        let mut second = family("郑州大学", "b-li", "李某", "郑州大学第二附属医院", "zzu-01");
        second.worker.aided_hospital = "郑州大学第二附属医院".into();
        second.household.size = 3;
        second.household.elderly = 0;
        second.needs = vec![1].into();
        let mut third = family("河南大学", "c-zhao", "赵某", "河南大学淮河医院", "henu-01");
        third.household.size = 5;
        third.household.minors = 2;
        third.needs = vec![2, 3, 4].into();
        Fixture {
            campaign: Campaign::default(),
            families: vec![third.into(), second.into(), first.into()],
            teams: vec![
                std::sync::Arc::new(team("郑州大学", "zzu-01", 5)),
                std::sync::Arc::new(team("河南大学", "henu-01", 3)),
            ],
        }
    }

    fn report<'a>(summary: &'a Summary, name: &str) -> &'a UniversityReport<'a> {
        summary
            .universities
            .iter()
            .find(|report| report.name == name)
            .unwrap()
    }

    fn read_sheet(path: &Path) -> Range<Data> {
        let mut workbook: Xlsx<_> = open_workbook(path).unwrap();
        workbook.worksheet_range(SHEET_NAME).unwrap()
    }

    fn read_merges(path: &Path) -> Vec<Dimensions> {
        let mut workbook: Xlsx<_> = open_workbook(path).unwrap();
        workbook.merge_cells_by_sheet_name(SHEET_NAME).unwrap()
    }

    fn text(value: &str) -> Data {
        Data::String(value.to_owned())
    }

    fn number(value: u32) -> Data {
        Data::Float(f64::from(value))
    }

    fn row(sheet: &Range<Data>, row: u32) -> Vec<Data> {
        (0..9)
            .map(|column| sheet.get_value((row, column)).cloned().unwrap_or_default())
            .collect()
    }

    fn zzu_rows() -> Vec<Vec<Data>> {
        vec![
            vec![
                text("郑州大学"),
                text("王某"),
                text("郑州大学第一附属医院"),
                text("武汉某医院"),
                number(4),
                number(2),
                number(1),
                number(5),
                text("1、2"),
            ],
            vec![
                text("郑州大学"),
                text("李某"),
                text("郑州大学第二附属医院"),
                text("郑州大学第二附属医院"),
                number(3),
                number(0),
                number(1),
                number(5),
                text("1"),
            ],
        ]
    }

    fn henu_rows() -> Vec<Vec<Data>> {
        vec![vec![
            text("河南大学"),
            text("赵某"),
            text("河南大学淮河医院"),
            text("武汉某医院"),
            number(5),
            number(2),
            number(2),
            number(3),
            text("2、3、4"),
        ]]
    }

    /// Checks the title, headers, data rows, blank row and note of a sheet.
    fn assert_form(path: &Path, expected_rows: &[Vec<Data>]) {
        let sheet = read_sheet(path);
        let note_row = 2 + expected_rows.len() as u32 + 1;

        assert_eq!(sheet.start(), Some((0, 0)));
        assert_eq!(sheet.end(), Some((note_row, 8)));
        assert_eq!(sheet.get_value((0, 0)), Some(&text(TITLE)));
        assert_eq!(row(&sheet, 1), HEADERS.map(text).to_vec());
        for (index, expected) in expected_rows.iter().enumerate() {
            assert_eq!(&row(&sheet, 2 + index as u32), expected, "data row {index}");
        }
        assert!(
            row(&sheet, note_row - 1)
                .iter()
                .all(|cell| *cell == Data::Empty)
        );
        assert_eq!(sheet.get_value((note_row, 0)), Some(&text(NOTE)));

        let merges = read_merges(path);
        assert!(
            merges.contains(&Dimensions {
                start: (0, 0),
                end: (0, 8)
            }),
            "{merges:?}"
        );
        let note_merge = Dimensions {
            start: (note_row, 0),
            end: (note_row, 8),
        };
        assert!(merges.contains(&note_merge), "{merges:?}");
    }

    #[test]
    fn note_matches_form() {
        assert_eq!(service_note(), NOTE);
    }

    #[test]
    fn title_appends_form_name() {
        assert_eq!(form_title(&Campaign::default()), TITLE);
    }

    #[test]
    fn university_workbook_reads_back() {
        let fixture = fixture();
        let summary = fixture.summary();
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(university_workbook_name("郑州大学"));

        write_university(report(&summary, "郑州大学"), &fixture.campaign, &path).unwrap();

        assert_form(&path, &zzu_rows());
    }

    #[test]
    fn province_workbook_lists_universities_in_order() {
        let fixture = fixture();
        let summary = fixture.summary();
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(PROVINCE_WORKBOOK);

        write_province(&summary, &path).unwrap();

        let mut expected = zzu_rows();
        expected.extend(henu_rows());
        assert_form(&path, &expected);
    }

    #[test]
    fn university_without_families_keeps_form() {
        let fixture = fixture();
        let summary = fixture.summary();
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("empty.xlsx");

        write_university(report(&summary, "新乡医学院"), &fixture.campaign, &path).unwrap();

        assert_form(&path, &[]);
    }

    #[test]
    fn title_follows_campaign() {
        let mut fixture = fixture();
        fixture.campaign.title = "手拉手志愿服务".to_owned();
        let summary = fixture.summary();
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(PROVINCE_WORKBOOK);

        write_province(&summary, &path).unwrap();

        let sheet = read_sheet(&path);
        assert_eq!(
            sheet.get_value((0, 0)),
            Some(&text("手拉手志愿服务信息汇总表"))
        );
    }

    #[test]
    fn writes_are_byte_identical() {
        let fixture = fixture();
        let summary = fixture.summary();
        let folder = tempfile::tempdir().unwrap();
        let write_both = |suffix: &str| {
            let province = folder.path().join(format!("province-{suffix}.xlsx"));
            let university = folder.path().join(format!("zzu-{suffix}.xlsx"));
            write_province(&summary, &province).unwrap();
            let zzu = report(&summary, "郑州大学");
            write_university(zzu, &fixture.campaign, &university).unwrap();
            (fs::read(province).unwrap(), fs::read(university).unwrap())
        };

        let first = write_both("first");
        // Cross a second boundary, the resolution of the document's timestamps.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let second = write_both("second");

        assert!(
            first.0 == second.0,
            "province workbook differs between writes"
        );
        assert!(
            first.1 == second.1,
            "university workbook differs between writes"
        );
    }

    /// Tells whether a cell has neither borders nor alignment. calamine
    /// gives a cell missing from the sheet the default style, and ignores
    /// column formats.
    fn is_unformatted(styles: &StyleRange, cell: (u32, u32)) -> bool {
        let Some(style) = styles.get(cell) else {
            return true;
        };
        let no_borders = style.borders.as_ref().is_none_or(|borders| {
            [&borders.left, &borders.right, &borders.top, &borders.bottom]
                .iter()
                .all(|border| border.style == BorderStyle::None)
        });
        no_borders && style.alignment.is_none()
    }

    #[test]
    fn data_cells_take_column_formats() {
        let fixture = fixture();
        let summary = fixture.summary();
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(PROVINCE_WORKBOOK);

        write_province(&summary, &path).unwrap();

        let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
        let styles = workbook.worksheet_style(SHEET_NAME).unwrap();
        for row in 2..5 {
            for column in 0..9 {
                let cell = (row, column);
                let style = styles.get(cell).unwrap();
                let borders = style.borders.as_ref().unwrap();
                for border in [&borders.left, &borders.right, &borders.top, &borders.bottom] {
                    assert_eq!(border.style, BorderStyle::Thin, "{cell:?}");
                }
                let alignment = style.alignment.as_ref().unwrap();
                assert_eq!(alignment.vertical, VerticalAlignment::Center, "{cell:?}");
                let is_number = (4..8).contains(&column);
                assert_eq!(alignment.wrap_text, !is_number, "{cell:?}");
                let centered = alignment.horizontal == HorizontalAlignment::Center;
                assert_eq!(centered, is_number, "{cell:?}");
            }
            assert!(
                is_unformatted(&styles, (row, 9)),
                "row {row} right of the table"
            );
        }
        for column in 0..10 {
            assert!(
                is_unformatted(&styles, (5, column)),
                "blank row, column {column}"
            );
            assert!(
                is_unformatted(&styles, (7, column)),
                "below the note, column {column}"
            );
        }

        // A column's own format would show on every empty cell of the column.
        let file = fs::File::open(&path).unwrap();
        let mut archive = zip::ZipArchive::new(file).unwrap();
        let mut sheet_xml = String::new();
        let mut part = archive.by_name("xl/worksheets/sheet1.xml").unwrap();
        std::io::Read::read_to_string(&mut part, &mut sheet_xml).unwrap();
        let columns: Vec<&str> = sheet_xml
            .split("<col ")
            .skip(1)
            .map(|rest| &rest[..rest.find("/>").unwrap()])
            .collect();
        // Neighbouring columns of the same width share one `<col>`.
        assert!(!columns.is_empty(), "{sheet_xml}");
        for column in columns {
            assert!(!column.contains("style="), "<col {column}/>");
        }
    }

    /// Returns the name and content of each part of a zipped workbook, in order.
    fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        (0..archive.len())
            .map(|index| {
                let mut part = archive.by_index(index).unwrap();
                let name = part.name().unwrap().into_owned();
                let mut content = Vec::new();
                std::io::Read::read_to_end(&mut part, &mut content).unwrap();
                (name, content)
            })
            .collect()
    }

    /// Asserts that `made` has every part of the province workbook as
    /// rust_xlsxwriter writes it in one piece, in the same order. The zip
    /// container may compress a part differently, because rust_xlsxwriter
    /// hands the compressor a worksheet in several pieces.
    fn assert_equals_whole_province(made: &[u8], summary: &Summary, case: &str) {
        let rows = rows_of(&summary.universities);
        let document = province_document(summary.campaign);
        let whole = workbook_bytes(&document, &rows, Path::new(PROVINCE_WORKBOOK)).unwrap();
        let (made, whole) = (parts(made), parts(&whole));
        let names = |parts: &[(String, Vec<u8>)]| -> Vec<String> {
            parts.iter().map(|(name, _)| name.clone()).collect()
        };
        assert_eq!(names(&made), names(&whole), "{case}");
        for ((name, made), (_, whole)) in made.iter().zip(&whole) {
            assert!(
                made == whole,
                "{case}: {name} differs:\n{}\n{}",
                String::from_utf8_lossy(made),
                String::from_utf8_lossy(whole)
            );
        }
    }

    /// Returns the digest of each university's rows, in report order.
    fn digests(summary: &Summary) -> Vec<u128> {
        summary.universities.iter().map(rows_digest).collect()
    }

    #[test]
    fn province_workbook_equals_one_written_whole() {
        let mut fixture = fixture();
        // Text that rust_xlsxwriter escapes or marks, and an empty cell.
        let family = std::sync::Arc::make_mut(&mut fixture.families[0]);
        family.worker.name = " 赵<某>&_x0041_ ".into();
        family.worker.aided_hospital = Box::default();
        let summary = fixture.summary();
        let path = Path::new(PROVINCE_WORKBOOK);

        let made = province_workbook(&summary, path).unwrap();

        assert_equals_whole_province(&made, &summary, "escaped text");
    }

    /// Returns the fixture with three families at 河南中医药大学 too, so
    /// that 河南理工大学, without families, lies between universities with
    /// families, and 新乡医学院, without families, comes last.
    fn fixture_with_gaps() -> Fixture {
        let mut fixture = fixture();
        let hospital = "河南中医药大学第一附属医院";
        for (id, worker) in [("d-zhou", "周某"), ("e-wu", "吴某"), ("f-zheng", "郑某")] {
            let added = family("河南中医药大学", id, worker, hospital, "hactcm-01");
            fixture.families.push(added.into());
        }
        let added = team("河南中医药大学", "hactcm-01", 4);
        fixture.teams.push(std::sync::Arc::new(added));
        fixture
    }

    /// Returns the province workbook made as a `serve` session makes it,
    /// taking over the rows of `previous`.
    fn kept_province(summary: &Summary, previous: &ProvinceRows) -> (Vec<u8>, ProvinceRows) {
        let path = Path::new(PROVINCE_WORKBOOK);
        province_workbook_with(summary, path, &digests(summary), previous).unwrap()
    }

    #[test]
    fn streamed_province_equals_kept_rows() {
        let mut without_first = fixture_with_gaps();
        without_first
            .families
            .retain(|family| &*family.university != "郑州大学");
        let cases = [
            ("gaps between universities", fixture_with_gaps()),
            ("first university without families", without_first),
        ];
        for (case, fixture) in cases {
            let summary = fixture.summary();
            let names: Vec<(&str, usize)> = summary
                .universities
                .iter()
                .map(|university| (university.name.as_str(), university.families.len()))
                .collect();
            let empty = names.iter().filter(|(_, families)| *families == 0).count();
            assert!(empty >= 2, "{case}: {names:?}");
            let path = Path::new(PROVINCE_WORKBOOK);

            let (kept, _) = kept_province(&summary, &ProvinceRows::default());
            let streamed = province_workbook(&summary, path).unwrap();

            assert_equals_whole_province(&streamed, &summary, case);
            assert!(streamed == kept, "{case}: streamed bytes differ");
            // Runs of one university each, zipped one or two at a time,
            // and one run for the whole table.
            for (run_rows, window) in [(1, 1), (1, 2), (2, 1), (1_000, 4)] {
                let streaming = province::Streaming { run_rows, window };
                let bytes = province::streamed_with(&summary, path, &streaming).unwrap();
                assert!(
                    bytes == kept,
                    "{case}: runs of {run_rows} rows, {window} at a time"
                );
            }
        }
    }

    #[test]
    fn streamed_province_equals_taken_over_rows() {
        let mut fixture = fixture_with_gaps();
        let summary = fixture.summary();
        let (_, first) = kept_province(&summary, &ProvinceRows::default());
        drop(summary);
        std::sync::Arc::make_mut(&mut fixture.families[3])
            .household
            .size = 9;
        let summary = fixture.summary();
        let path = Path::new(PROVINCE_WORKBOOK);

        let (kept, second) = kept_province(&summary, &first);
        let streamed = province_workbook(&summary, path).unwrap();

        assert_eq!(second.shared_with(&first), 2, "unchanged universities");
        assert!(streamed == kept, "streamed bytes differ");
    }

    #[test]
    fn province_workbook_reuses_unchanged_rows() {
        let mut fixture = fixture();
        let path = Path::new(PROVINCE_WORKBOOK);
        let summary = fixture.summary();
        let (_, first) =
            province_workbook_with(&summary, path, &digests(&summary), &ProvinceRows::default())
                .unwrap();
        drop(summary);

        // A changed size in the first university keeps every row's place; a
        // family added to it moves the rows of the university after it.
        std::sync::Arc::make_mut(&mut fixture.families[1])
            .household
            .size = 9;
        let summary = fixture.summary();
        let (changed, second) =
            province_workbook_with(&summary, path, &digests(&summary), &first).unwrap();
        assert_equals_whole_province(&changed, &summary, "after the size changed");
        assert_eq!(
            second.shared_with(&first),
            1,
            "河南大学's rows are taken over"
        );
        drop(summary);

        fixture.families.push(
            family(
                "郑州大学",
                "a-sun",
                "孙某",
                "郑州大学第一附属医院",
                "zzu-01",
            )
            .into(),
        );
        let summary = fixture.summary();
        let (added, third) =
            province_workbook_with(&summary, path, &digests(&summary), &second).unwrap();
        assert_eq!(
            third.shared_with(&second),
            0,
            "every university's rows changed"
        );
        assert_equals_whole_province(&added, &summary, "after a family was added");
    }

    #[test]
    fn formula_like_text_stays_text() {
        let mut fixture = fixture();
        let values = ["=1+1", "+86", "-1", "@SUM(A1)"];
        for (family, value) in fixture.families.iter_mut().zip(values) {
            std::sync::Arc::make_mut(family).worker.name = value.into();
        }
        std::sync::Arc::make_mut(&mut fixture.families[0])
            .worker
            .hospital = values[3].into();
        let summary = fixture.summary();
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(PROVINCE_WORKBOOK);

        write_province(&summary, &path).unwrap();

        let sheet = read_sheet(&path);
        let names: Vec<Data> = (2..5)
            .map(|row| sheet.get_value((row, 1)).cloned().unwrap())
            .collect();
        // Families are sorted by id within each university: a-wang, b-li, then c-zhao.
        assert_eq!(names, vec![text("-1"), text("+86"), text("=1+1")]);
        assert_eq!(sheet.get_value((4, 2)), Some(&text("@SUM(A1)")));
        let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
        let formulas = workbook.worksheet_formula(SHEET_NAME).unwrap();
        assert!(formulas.used_cells().next().is_none(), "{formulas:?}");
    }

    #[test]
    fn phone_and_address_left_out() {
        let fixture = fixture();
        let summary = fixture.summary();
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(PROVINCE_WORKBOOK);

        write_province(&summary, &path).unwrap();

        let sheet = read_sheet(&path);
        for (row, column, cell) in sheet.used_cells() {
            let value = cell.to_string();
            assert!(!value.contains("13800000000"), "phone at ({row}, {column})");
            assert!(
                !value.contains("13900000000"),
                "leader phone at ({row}, {column})"
            );
            assert!(!value.contains("某路1号"), "address at ({row}, {column})");
        }
    }

    #[test]
    fn overlong_text_names_record() {
        let cases = [
            ("医".repeat(32_768), true),
            ("医".repeat(32_767), false),
            ("𠀀".repeat(16_384), true),
        ];
        for (hospital, rejected) in cases {
            let mut fixture = fixture();
            std::sync::Arc::make_mut(&mut fixture.families[1])
                .worker
                .hospital = hospital.into();
            let summary = fixture.summary();
            let folder = tempfile::tempdir().unwrap();
            let path = folder.path().join(PROVINCE_WORKBOOK);

            let result = write_province(&summary, &path);

            if !rejected {
                assert!(result.is_ok(), "{result:?}");
                continue;
            }
            let Err(Error::Workbook {
                path: error_path,
                message,
            }) = result
            else {
                panic!("expected a workbook error, got {result:?}");
            };
            assert_eq!(error_path, path);
            assert!(message.contains("records/b-li.yaml"), "{message}");
            assert!(
                message.contains("所属医院 (`worker.hospital`)"),
                "{message}"
            );
            assert!(!path.exists(), "a rejected workbook must not be written");
        }
    }

    #[test]
    fn deadline_after_9999_rejected() {
        let mut fixture = fixture();
        fixture.campaign.deadline = Date::from_ymd(10_000, 1, 1).unwrap();
        let summary = fixture.summary();
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join(PROVINCE_WORKBOOK);

        let result = write_province(&summary, &path);

        let Err(Error::Workbook { message, .. }) = result else {
            panic!("expected a workbook error, got {result:?}");
        };
        assert!(message.contains("deadline 10000-01-01"), "{message}");
    }

    #[test]
    fn missing_folder_is_io_error() {
        let fixture = fixture();
        let summary = fixture.summary();
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("missing").join(PROVINCE_WORKBOOK);

        let result = write_province(&summary, &path);

        assert!(matches!(result, Err(Error::Io { .. })), "{result:?}");
    }

    #[test]
    fn column_widths_count_cjk_twice() {
        let long = "医".repeat(40);
        let row = Row {
            source: Path::new("records/a.yaml"),
            cells: [
                Cell::Text(Cow::Borrowed("郑州大学")),
                Cell::Text(Cow::Borrowed("王某")),
                Cell::Text(Cow::Borrowed("郑州大学第一附属医院")),
                Cell::Text(Cow::Borrowed(&long)),
                Cell::Number(4),
                Cell::Number(2),
                Cell::Number(1),
                Cell::Number(123_456),
                Cell::Text(Cow::Borrowed("1、2")),
            ],
        };

        let widths = column_widths(&[row]);

        assert_eq!(widths[0], 10.0, "高校: 4 CJK characters plus padding");
        assert_eq!(widths[1], 14.0, "the header is wider than 王某");
        assert_eq!(widths[2], 22.0, "10 CJK characters plus padding");
        assert_eq!(widths[3], MAX_COLUMN_WIDTH as f64, "capped, the rest wraps");
        assert_eq!(widths[7], 18.0, "the header is wider than 6 digits");
    }

    #[test]
    fn note_fits_narrowest_table() {
        let narrowest: f64 = column_widths(&[]).iter().sum();

        assert!(narrowest >= service_note().width() as f64, "{narrowest}");
    }
}
