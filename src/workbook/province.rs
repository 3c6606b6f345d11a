//! The province workbook, which lists every family of the campaign.
//!
//! rust_xlsxwriter writes the rows of a worksheet one at a time, so one
//! workbook of 100,000 families took about half a second of one core on the
//! machine of `docs/benchmarks.md`. Here rust_xlsxwriter writes the rows of
//! each university at their place in the table, in a workbook of their own
//! and on all cores. It then writes the whole form with the first row only,
//! and that row is replaced by the rows of every university. The rows of a
//! university are kept, so that the next build of a `serve` session writes
//! again only those of universities whose rows or place changed.
//!
//! The parts of the workbook are zipped with the same options that
//! rust_xlsxwriter uses. The tests check that each part is the one that
//! rust_xlsxwriter writes for the whole workbook in one piece. The zipped
//! bytes can differ, because rust_xlsxwriter hands the compressor the
//! worksheet in several pieces, but `build` and `serve` both put the
//! workbook together here, so they write the same bytes.

use std::io::{Cursor, Read, Write as _};
use std::path::Path;
use std::sync::Arc;

use foldhash::HashMap;
use rayon::prelude::*;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::{
    COMPRESSION, Document, FIRST_DATA_ROW, Layout, check_text_lengths, form_bytes, longest_values,
    padded_widths, province_document, rows_of, workbook_bytes,
};
use crate::error::Error;
use crate::summary::{Summary, UniversityReport};

/// Zip compression level of the workbooks whose parts are read back and
/// zipped again: the fastest level. rust_xlsxwriter accepts 1 to 9 only
/// and prints a message for any other level.
const PART_COMPRESSION: u8 = 1;

/// The part of a workbook that contains its only worksheet.
const SHEET_PART: &str = "xl/worksheets/sheet1.xml";

/// The rows of each university in the province workbook of the last build,
/// as rust_xlsxwriter wrote them.
#[derive(Debug, Default)]
pub struct ProvinceRows {
    /// By the [`super::rows_digest`] of the university and the index of
    /// its first row in the table.
    rows: HashMap<(u128, u32), Arc<UniversityRows>>,
}

impl ProvinceRows {
    /// Returns how many universities' rows are shared with `previous`.
    #[cfg(test)]
    pub(super) fn shared_with(&self, previous: &ProvinceRows) -> usize {
        self.rows
            .iter()
            .filter(|(key, rows)| {
                previous
                    .rows
                    .get(*key)
                    .is_some_and(|earlier| Arc::ptr_eq(earlier, rows))
            })
            .count()
    }
}

/// The rows of one university, written at their place in the table.
#[derive(Debug)]
struct UniversityRows {
    /// The `<row>` elements of the worksheet's XML.
    xml: String,
    /// The display width of each column's longest value or header.
    longest: [usize; 9],
}

/// A university with families and the place of its rows in the table.
struct Place<'r, 'a> {
    university: &'r UniversityReport<'a>,
    /// Its [`super::rows_digest`].
    digest: u128,
    /// The index of its first row in the table, counted from 0.
    first: u32,
    count: u32,
}

impl Place<'_, '_> {
    fn key(&self) -> (u128, u32) {
        (self.digest, self.first)
    }
}

/// Returns the bytes of the province workbook, which goes to `path`, and
/// its rows for the next build. `digests` are the [`super::rows_digest`]
/// of each university in report order. The rows of `previous` whose
/// university has the same digest and first row are taken over.
pub(super) fn province_workbook(
    summary: &Summary,
    path: &Path,
    digests: &[u128],
    previous: &ProvinceRows,
) -> Result<(Vec<u8>, ProvinceRows), Error> {
    let document = province_document(summary.campaign);
    let mut places = Vec::new();
    let mut table_rows = 0u32;
    for (university, &digest) in summary.universities.iter().zip(digests) {
        let count = university.families.len() as u32;
        if count > 0 {
            places.push(Place {
                university,
                digest,
                first: table_rows,
                count,
            });
        }
        table_rows += count;
    }

    let missing: Vec<&Place> = places
        .iter()
        .filter(|place| !previous.rows.contains_key(&place.key()))
        .collect();
    let written: Vec<Result<Option<Vec<Arc<UniversityRows>>>, Error>> = runs(&missing)
        .par_iter()
        .map(|run| write_run(&document, run, path))
        .collect();
    let mut made = HashMap::default();
    let mut laid_out = true;
    for (run, rows) in runs(&missing).iter().zip(written) {
        match rows? {
            Some(rows) => made.extend(run.iter().map(|place| place.key()).zip(rows)),
            // rust_xlsxwriter laid the rows out in a way that this module
            // does not expect.
            None => laid_out = false,
        }
    }

    let parts: Vec<((u128, u32), Arc<UniversityRows>)> = places
        .iter()
        .filter_map(|place| {
            let key = place.key();
            let rows = made.get(&key).or_else(|| previous.rows.get(&key))?;
            Some((key, Arc::clone(rows)))
        })
        .collect();
    let assembled = match laid_out && !parts.is_empty() {
        true => assemble(summary, &document, &parts, table_rows, path)?,
        false => None,
    };
    match assembled {
        Some(bytes) => Ok((
            bytes,
            ProvinceRows {
                rows: parts.into_iter().collect(),
            },
        )),
        None => {
            let rows = rows_of(&summary.universities);
            let bytes = workbook_bytes(&document, &rows, path)?;
            Ok((bytes, ProvinceRows::default()))
        }
    }
}

/// Splits `places` into runs of universities whose rows follow each other,
/// each written by rust_xlsxwriter as one workbook. A run contains a share
/// of the rows, so that each core writes a few runs, because a workbook per
/// university cost more than writing the rows.
fn runs<'p, 'r, 'a>(places: &[&'p Place<'r, 'a>]) -> Vec<Vec<&'p Place<'r, 'a>>> {
    let rows: u32 = places.iter().map(|place| place.count).sum();
    let share = rows / (2 * rayon::current_num_threads() as u32).max(1);
    let mut runs: Vec<Vec<&Place>> = Vec::new();
    for &place in places {
        let joins = runs.last().and_then(|run| run.last()).is_some_and(|last| {
            let run_rows: u32 = runs
                .last()
                .map_or(0, |run| run.iter().map(|place| place.count).sum());
            last.first + last.count == place.first && run_rows < share
        });
        match runs.last_mut() {
            Some(run) if joins => run.push(place),
            _ => runs.push(vec![place]),
        }
    }
    runs
}

/// Writes the rows of the universities of `run` at their place in the
/// table and returns the XML of each. Returns `None` when the worksheet is
/// not laid out as expected.
fn write_run(
    document: &Document,
    run: &[&Place],
    path: &Path,
) -> Result<Option<Vec<Arc<UniversityRows>>>, Error> {
    let (Some(first), Some(last)) = (run.first(), run.last()) else {
        return Ok(Some(Vec::new()));
    };
    let mut rows = Vec::new();
    let mut longest = Vec::with_capacity(run.len());
    for place in run {
        let own = rows_of(std::slice::from_ref(place.university));
        check_text_lengths(&own, path)?;
        longest.push(longest_values(&own));
        rows.extend(own);
    }

    let end = last.first + last.count;
    // The note after the rows makes rust_xlsxwriter write the last row
    // before the columns lose their formats, as in the whole workbook.
    let layout = Layout {
        rows: &rows,
        first: first.first,
        table_rows: end as usize,
        widths: padded_widths(longest_values(&[])),
        note_row: FIRST_DATA_ROW + end + 1,
        compression: PART_COMPRESSION,
    };
    let bytes = form_bytes(document, &layout, path)?;
    let Some(sheet) = read_part(&bytes, SHEET_PART) else {
        return Ok(None);
    };

    let mut written = Vec::with_capacity(run.len());
    for (place, longest) in run.iter().zip(longest) {
        let start = FIRST_DATA_ROW + place.first;
        // The row after a university's is the next one's first, or the note.
        let next = match start + place.count {
            next if next == FIRST_DATA_ROW + end => next + 1,
            next => next,
        };
        let Some(xml) = rows_between(&sheet, start, next) else {
            return Ok(None);
        };
        written.push(Arc::new(UniversityRows {
            xml: xml.to_owned(),
            longest,
        }));
    }
    Ok(Some(written))
}

/// Writes the whole form with its first row only, replaces that row with
/// the rows of every part and zips the workbook. Returns `None` when the
/// form's first row is not the first row of the first part, which would
/// mean that rust_xlsxwriter wrote the parts' rows differently.
fn assemble(
    summary: &Summary,
    document: &Document,
    parts: &[((u128, u32), Arc<UniversityRows>)],
    table_rows: u32,
    path: &Path,
) -> Result<Option<Vec<u8>>, Error> {
    let Some(first_university) = summary
        .universities
        .iter()
        .find(|university| !university.families.is_empty())
    else {
        return Ok(None);
    };
    let first_rows = rows_of(std::slice::from_ref(first_university));
    let mut longest = [0; 9];
    for (_, part) in parts {
        for (max, width) in longest.iter_mut().zip(part.longest) {
            *max = (*max).max(width);
        }
    }
    let note_row = FIRST_DATA_ROW + table_rows + 1;
    let layout = Layout {
        rows: &first_rows[..1],
        first: 0,
        table_rows: table_rows as usize,
        widths: padded_widths(longest),
        note_row,
        compression: PART_COMPRESSION,
    };
    let form = form_bytes(document, &layout, path)?;
    Ok(splice(&form, parts, note_row))
}

/// Returns the zipped workbook `form` with the rows from its first data row
/// to its note row replaced by the rows of `parts`.
fn splice(
    form: &[u8],
    parts: &[((u128, u32), Arc<UniversityRows>)],
    note_row: u32,
) -> Option<Vec<u8>> {
    let sheet = read_part(form, SHEET_PART)?;
    let start = sheet.find(&row_start(FIRST_DATA_ROW))?;
    let end = sheet.find(&row_start(note_row))?;
    let (_, first) = parts.first()?;
    let first_row = &first.xml[..first.xml.find("</row>")? + "</row>".len()];
    if sheet[start..end] != *first_row {
        return None;
    }
    let length: usize = parts.iter().map(|(_, part)| part.xml.len()).sum();

    // The options rust_xlsxwriter 0.102 zips every part with.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(i64::from(COMPRESSION)))
        .unix_permissions(0o600)
        .last_modified_time(DateTime::default())
        .large_file(false);
    let mut archive = ZipArchive::new(Cursor::new(form)).ok()?;
    let mut zip = ZipWriter::new_stream(Vec::with_capacity(length / 4));
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).ok()?;
        let name = part.name().ok()?.into_owned();
        zip.start_file(name.as_str(), options).ok()?;
        if name == SHEET_PART {
            // The worksheet goes to the compressor in pieces, so that it is
            // never copied whole. The pieces are the same whether the rows
            // were written now or taken over.
            zip.write_all(&sheet.as_bytes()[..start]).ok()?;
            for (_, part) in parts {
                zip.write_all(part.xml.as_bytes()).ok()?;
            }
            zip.write_all(&sheet.as_bytes()[end..]).ok()?;
        } else {
            let mut bytes = Vec::new();
            part.read_to_end(&mut bytes).ok()?;
            zip.write_all(&bytes).ok()?;
        }
    }
    Some(zip.finish().ok()?.into_inner())
}

/// Returns the start of the `<row>` element of sheet row `row`, counted from 0.
fn row_start(row: u32) -> String {
    format!("<row r=\"{}\"", row + 1)
}

/// Returns the XML of the sheet rows from `first` up to `end`, which must
/// both start a `<row>` element.
fn rows_between(sheet: &str, first: u32, end: u32) -> Option<&str> {
    let start = sheet.find(&row_start(first))?;
    let end = start + sheet[start..].find(&row_start(end))?;
    Some(&sheet[start..end])
}

/// Returns the text of the part `name` of a zipped workbook.
fn read_part(bytes: &[u8], name: &str) -> Option<String> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut part = archive.by_name(name).ok()?;
    let mut text = String::new();
    part.read_to_string(&mut text).ok()?;
    Some(text)
}
