//! The province workbook, which lists every family of the campaign.
//!
//! rust_xlsxwriter writes the rows of a worksheet one at a time, so one
//! workbook of 100,000 families took about half a second of one core on the
//! machine of `docs/benchmarks.md`. Here rust_xlsxwriter writes the rows of
//! each university at their place in the table, in a workbook of their own
//! and on all cores. It then writes the whole form with the first row only,
//! and that row is replaced by the rows of every university.
//!
//! A `serve` session keeps the rows of each university, so that its next
//! build writes again only those of universities whose rows or place
//! changed. A build that keeps no rows streams them instead: it measures
//! the columns first, writes the form, and then zips the rows of each run
//! of universities as soon as the runs before it are zipped. So it keeps
//! the rows of a few runs in memory rather than those of every university.
//!
//! The parts of the workbook are zipped with the same options that
//! rust_xlsxwriter uses. The tests check that each part is the one that
//! rust_xlsxwriter writes for the whole workbook in one piece. The zipped
//! bytes can differ, because rust_xlsxwriter hands the compressor the
//! worksheet in several pieces. Both ways of putting the workbook together
//! here hand the compressor the same pieces, one per university, so they
//! write the same bytes.

use std::io::{Cursor, Read, Write as _};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use foldhash::HashMap;
use rayon::prelude::*;
use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::{
    COMPRESSION, Document, FIRST_DATA_ROW, Layout, Row, check_text_lengths, form_bytes,
    longest_values, padded_widths, province_document, rows_of, workbook_bytes,
};
use crate::error::Error;
use crate::summary::{Summary, UniversityReport};

/// Zip compression level of the workbooks whose parts are read back and
/// zipped again: the fastest level. rust_xlsxwriter accepts 1 to 9 only
/// and prints a message for any other level.
const PART_COMPRESSION: u8 = 1;

/// The part of a workbook that contains its only worksheet.
const SHEET_PART: &str = "xl/worksheets/sheet1.xml";

/// The number of table rows at which a run of a streamed workbook is
/// closed. A run contains whole universities, so it can have more rows, by
/// those of its last university. 2,000 rows of the generated benchmark
/// campaign are about 1 MB of XML.
const STREAM_RUN_ROWS: u32 = 2_000;

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
    /// The index of the university in report order.
    index: usize,
    /// The index of its first row in the table, counted from 0.
    first: u32,
    count: u32,
}

/// Returns the universities of `summary` that have families, with the
/// place of their rows, and the number of rows of the table.
fn places<'r, 'a>(summary: &'r Summary<'a>) -> (Vec<Place<'r, 'a>>, u32) {
    let mut places = Vec::new();
    let mut table_rows = 0u32;
    for (index, university) in summary.universities.iter().enumerate() {
        let count = university.families.len() as u32;
        if count > 0 {
            places.push(Place {
                university,
                index,
                first: table_rows,
                count,
            });
        }
        table_rows += count;
    }
    (places, table_rows)
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
    let (places, table_rows) = places(summary);
    let key = |place: &Place| (digests[place.index], place.first);

    let missing: Vec<&Place> = places
        .iter()
        .filter(|place| !previous.rows.contains_key(&key(place)))
        .collect();
    let missing_rows = missing.iter().map(|place| place.count).sum();
    let runs = runs(&missing, run_share(missing_rows));
    let written: Vec<Result<Option<Vec<Arc<UniversityRows>>>, Error>> = runs
        .par_iter()
        .map(|run| keep_run(&document, run, path))
        .collect();
    let mut made = HashMap::default();
    let mut laid_out = true;
    for (run, rows) in runs.iter().zip(written) {
        match rows? {
            Some(rows) => made.extend(run.iter().map(|place| key(place)).zip(rows)),
            // rust_xlsxwriter laid the rows out in a way that this module
            // does not expect.
            None => laid_out = false,
        }
    }

    let parts: Vec<((u128, u32), Arc<UniversityRows>)> = places
        .iter()
        .filter_map(|place| {
            let key = key(place);
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

/// Returns the bytes of the province workbook, which goes to `path`, like
/// [`province_workbook`] without previous rows, but keeps no rows.
pub(super) fn streamed_province_workbook(summary: &Summary, path: &Path) -> Result<Vec<u8>, Error> {
    let table_rows = summary
        .universities
        .iter()
        .map(|university| university.families.len() as u32)
        .sum();
    let streaming = Streaming {
        run_rows: run_share(table_rows).min(STREAM_RUN_ROWS),
        window: rayon::current_num_threads(),
    };
    streamed_with(summary, path, &streaming)
}

/// Run size and parallelism of a streamed workbook.
pub(super) struct Streaming {
    /// The number of rows at which a run is closed.
    pub(super) run_rows: u32,
    /// The number of runs written at the same time. The runs of one window
    /// are written while those of the window before are zipped, so at most
    /// twice this number of runs are in memory at once.
    pub(super) window: usize,
}

/// Returns the bytes of the province workbook like
/// [`streamed_province_workbook`], with the runs of `streaming`.
pub(super) fn streamed_with(
    summary: &Summary,
    path: &Path,
    streaming: &Streaming,
) -> Result<Vec<u8>, Error> {
    let document = province_document(summary.campaign);
    let (places, table_rows) = places(summary);

    // The form carries the column widths, so every row is measured before
    // the first is zipped. Checking the texts here also rejects an overlong
    // one before any workbook is written.
    let measured: Vec<Result<[usize; 9], Error>> = places
        .par_iter()
        .map(|place| {
            let rows = rows_of(std::slice::from_ref(place.university));
            check_text_lengths(&rows, path)?;
            Ok(longest_values(&rows))
        })
        .collect();
    let mut longest = [0; 9];
    for widths in measured {
        for (max, width) in longest.iter_mut().zip(widths?) {
            *max = (*max).max(width);
        }
    }

    let streamed = stream(
        summary, &document, &places, longest, table_rows, path, streaming,
    )?;
    match streamed {
        Some(bytes) => Ok(bytes),
        None => {
            let rows = rows_of(&summary.universities);
            workbook_bytes(&document, &rows, path)
        }
    }
}

/// Writes the form, then writes the rows of `places` in runs and zips each
/// run's rows in table order. Returns `None` when there are no rows or
/// rust_xlsxwriter laid them out in a way that this module does not expect.
fn stream(
    summary: &Summary,
    document: &Document,
    places: &[Place],
    longest: [usize; 9],
    table_rows: u32,
    path: &Path,
    streaming: &Streaming,
) -> Result<Option<Vec<u8>>, Error> {
    let Some(form) = form_head(summary, document, longest, table_rows, path)? else {
        return Ok(None);
    };
    let Some(mut splice) = Splice::start(&form, table_rows, 0) else {
        return Ok(None);
    };
    let all: Vec<&Place> = places.iter().collect();
    let runs = runs(&all, streaming.run_rows);

    let mut written = Vec::new();
    for window in runs.chunks(streaming.window.max(1)) {
        let (zipped, next) = rayon::join(
            || zip_runs(&mut splice, std::mem::take(&mut written)),
            || {
                window
                    .par_iter()
                    .map(|run| stream_run(document, run, path))
                    .collect::<Vec<_>>()
            },
        );
        if !zipped? {
            return Ok(None);
        }
        written = next;
    }
    if !zip_runs(&mut splice, written)? {
        return Ok(None);
    }
    Ok(splice.finish())
}

/// Zips the rows of each university of `sheets`, in order, and frees each
/// run's XML once it is zipped. Returns `false` when a run's rows were not
/// laid out as expected.
fn zip_runs(
    splice: &mut Splice,
    sheets: Vec<Result<Option<RunSheet>, Error>>,
) -> Result<bool, Error> {
    for sheet in sheets {
        let Some(sheet) = sheet? else {
            return Ok(false);
        };
        for xml in sheet.university_rows() {
            if splice.write_rows(xml).is_none() {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Returns the number of rows at which a run of `rows` rows in all is
/// closed, so that each core writes a few runs, because a workbook per
/// university cost more than writing the rows.
fn run_share(rows: u32) -> u32 {
    rows / (2 * rayon::current_num_threads() as u32).max(1)
}

/// Splits `places` into runs of universities whose rows follow each other,
/// each written by rust_xlsxwriter as one workbook. A run is closed once it
/// contains `share` rows or more.
fn runs<'p, 'r, 'a>(places: &[&'p Place<'r, 'a>], share: u32) -> Vec<Vec<&'p Place<'r, 'a>>> {
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

/// The worksheet XML of one run and the range of each university's rows
/// in it, in the order of the run.
struct RunSheet {
    xml: String,
    universities: Vec<Range<usize>>,
}

impl RunSheet {
    fn university_rows(&self) -> impl Iterator<Item = &str> {
        self.universities
            .iter()
            .map(|range| &self.xml[range.clone()])
    }
}

/// Writes the rows of the universities of `run` at their place in the
/// table and returns the XML of each, with the width of its columns.
/// Returns `None` when the worksheet is not laid out as expected.
fn keep_run(
    document: &Document,
    run: &[&Place],
    path: &Path,
) -> Result<Option<Vec<Arc<UniversityRows>>>, Error> {
    let mut rows = Vec::new();
    let mut longest = Vec::with_capacity(run.len());
    for place in run {
        let own = rows_of(std::slice::from_ref(place.university));
        check_text_lengths(&own, path)?;
        longest.push(longest_values(&own));
        rows.extend(own);
    }
    let Some(sheet) = write_run(document, run, &rows, path)? else {
        return Ok(None);
    };
    let universities = sheet
        .university_rows()
        .zip(longest)
        .map(|(xml, longest)| {
            Arc::new(UniversityRows {
                xml: xml.to_owned(),
                longest,
            })
        })
        .collect();
    Ok(Some(universities))
}

/// Writes the rows of the universities of `run` at their place in the
/// table, whose texts were checked before.
fn stream_run(document: &Document, run: &[&Place], path: &Path) -> Result<Option<RunSheet>, Error> {
    let rows: Vec<Row> = run
        .iter()
        .flat_map(|place| rows_of(std::slice::from_ref(place.university)))
        .collect();
    write_run(document, run, &rows, path)
}

/// Writes `rows`, the rows of the universities of `run`, at their place in
/// the table. Returns `None` when the worksheet is not laid out as
/// expected.
fn write_run(
    document: &Document,
    run: &[&Place],
    rows: &[Row],
    path: &Path,
) -> Result<Option<RunSheet>, Error> {
    let (Some(first), Some(last)) = (run.first(), run.last()) else {
        return Ok(Some(RunSheet {
            xml: String::new(),
            universities: Vec::new(),
        }));
    };
    let end = last.first + last.count;
    // The note after the rows makes rust_xlsxwriter write the last row
    // before the columns lose their formats, as in the whole workbook.
    let layout = Layout {
        rows,
        first: first.first,
        table_rows: end as usize,
        widths: padded_widths(longest_values(&[])),
        note_row: FIRST_DATA_ROW + end + 1,
        compression: PART_COMPRESSION,
    };
    let bytes = form_bytes(document, &layout, path)?;
    let Some(xml) = read_part(&bytes, SHEET_PART) else {
        return Ok(None);
    };

    let mut universities = Vec::with_capacity(run.len());
    for place in run {
        let start = FIRST_DATA_ROW + place.first;
        // The row after a university's is the next one's first, or the note.
        let next = match start + place.count {
            next if next == FIRST_DATA_ROW + end => next + 1,
            next => next,
        };
        let Some(range) = rows_between(&xml, start, next) else {
            return Ok(None);
        };
        universities.push(range);
    }
    Ok(Some(RunSheet { xml, universities }))
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
    let mut longest = [0; 9];
    for (_, part) in parts {
        for (max, width) in longest.iter_mut().zip(part.longest) {
            *max = (*max).max(width);
        }
    }
    let Some(form) = form_head(summary, document, longest, table_rows, path)? else {
        return Ok(None);
    };
    let length: usize = parts.iter().map(|(_, part)| part.xml.len()).sum();
    let spliced = Splice::start(&form, table_rows, length / 4).and_then(|mut splice| {
        for (_, part) in parts {
            splice.write_rows(&part.xml)?;
        }
        splice.finish()
    });
    Ok(spliced)
}

/// Returns the sheet row of the note under a table of `table_rows` rows,
/// counted from 0.
fn note_row(table_rows: u32) -> u32 {
    FIRST_DATA_ROW + table_rows + 1
}

/// Writes the whole form, with columns as wide as `longest` and the first
/// row of the first university with families only. Returns `None` when no
/// university has families.
fn form_head(
    summary: &Summary,
    document: &Document,
    longest: [usize; 9],
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
    let layout = Layout {
        rows: &first_rows[..1],
        first: 0,
        table_rows: table_rows as usize,
        widths: padded_widths(longest),
        note_row: note_row(table_rows),
        compression: PART_COMPRESSION,
    };
    form_bytes(document, &layout, path).map(Some)
}

/// A zipped workbook made from a form whose table has its first row only.
/// The rows of the whole table replace that row, handed over in pieces.
struct Splice<'f> {
    form: ZipArchive<Cursor<&'f [u8]>>,
    /// The index of the worksheet among the parts of the form.
    sheet_index: usize,
    /// The form's worksheet XML.
    sheet: String,
    /// The form's first data row in `sheet`, which the rows replace.
    first_row: Range<usize>,
    /// Whether any rows were written.
    started: bool,
    zip: ZipWriter<StreamWriter<Vec<u8>>>,
    options: SimpleFileOptions,
}

impl<'f> Splice<'f> {
    /// Zips the parts of `form` before its worksheet and the worksheet up
    /// to its first data row. `capacity` is a guess of the zipped size in
    /// bytes. Returns `None` when the form has no first data row or no
    /// note where a table of `table_rows` rows puts it.
    fn start(form: &'f [u8], table_rows: u32, capacity: usize) -> Option<Splice<'f>> {
        let sheet = read_part(form, SHEET_PART)?;
        let start = sheet.find(&row_start(FIRST_DATA_ROW))?;
        let end = sheet.find(&row_start(note_row(table_rows)))?;
        let archive = ZipArchive::new(Cursor::new(form)).ok()?;
        let sheet_index = archive.index_for_name(SHEET_PART)?;

        // The options rust_xlsxwriter 0.102 zips every part with.
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(i64::from(COMPRESSION)))
            .unix_permissions(0o600)
            .last_modified_time(DateTime::default())
            .large_file(false);
        let mut splice = Splice {
            form: archive,
            sheet_index,
            sheet,
            first_row: start..end,
            started: false,
            zip: ZipWriter::new_stream(Vec::with_capacity(capacity)),
            options,
        };
        splice.copy_parts(0..sheet_index)?;
        splice.zip.start_file(SHEET_PART, options).ok()?;
        splice
            .zip
            .write_all(&splice.sheet.as_bytes()[..start])
            .ok()?;
        Some(splice)
    }

    /// Zips `xml`, the `<row>` elements that follow those zipped before.
    /// The worksheet goes to the compressor in these pieces, so that it is
    /// never copied whole. Returns `None` when the first rows do not start
    /// with the form's first row, which would mean that rust_xlsxwriter
    /// wrote them differently.
    fn write_rows(&mut self, xml: &str) -> Option<()> {
        if !self.started {
            let first_row = &xml[..xml.find("</row>")? + "</row>".len()];
            if self.sheet[self.first_row.clone()] != *first_row {
                return None;
            }
            self.started = true;
        }
        self.zip.write_all(xml.as_bytes()).ok()
    }

    /// Zips the rest of the worksheet and the parts after it, and returns
    /// the zipped workbook. Returns `None` when no rows were written.
    fn finish(mut self) -> Option<Vec<u8>> {
        if !self.started {
            return None;
        }
        let tail = &self.sheet.as_bytes()[self.first_row.end..];
        self.zip.write_all(tail).ok()?;
        self.copy_parts(self.sheet_index + 1..self.form.len())?;
        Some(self.zip.finish().ok()?.into_inner())
    }

    /// Zips the parts of the form with the indexes `indexes` unchanged.
    fn copy_parts(&mut self, indexes: Range<usize>) -> Option<()> {
        for index in indexes {
            let mut part = self.form.by_index(index).ok()?;
            let name = part.name().ok()?.into_owned();
            self.zip.start_file(name.as_str(), self.options).ok()?;
            let mut bytes = Vec::new();
            part.read_to_end(&mut bytes).ok()?;
            self.zip.write_all(&bytes).ok()?;
        }
        Some(())
    }
}

/// Returns the start of the `<row>` element of sheet row `row`, counted from 0.
fn row_start(row: u32) -> String {
    format!("<row r=\"{}\"", row + 1)
}

/// Returns the byte range of the sheet rows from `first` up to `end`, which
/// must both start a `<row>` element.
fn rows_between(sheet: &str, first: u32, end: u32) -> Option<Range<usize>> {
    let start = sheet.find(&row_start(first))?;
    let end = start + sheet[start..].find(&row_start(end))?;
    Some(start..end)
}

/// Returns the text of the part `name` of a zipped workbook.
fn read_part(bytes: &[u8], name: &str) -> Option<String> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut part = archive.by_name(name).ok()?;
    let mut text = String::new();
    part.read_to_string(&mut text).ok()?;
    Some(text)
}
