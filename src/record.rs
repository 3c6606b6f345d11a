//! Typed records: one family (Attachment 1), one volunteer team, and the
//! values both share. Decoding from YAML lives in `decode`.

use std::borrow::Cow;
use std::io;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::date::Date;
use crate::stored::{Packer, Stored, TextStore, Unpacker};

/// A service code of the programme, printed as its number on every form.
pub const NEED_CODES: [u8; 5] = [1, 2, 3, 4, 5];

/// Returns the form's label for a service code (1 to 5).
pub fn need_label(code: u8) -> &'static str {
    match code {
        1 => "子女学习辅导",
        2 => "心理援助",
        3 => "健康咨询与在线问诊",
        4 => "生活帮扶",
        _ => "其他",
    }
}

/// Returns the key under which a team id is matched: team ids are unique
/// within a university ignoring case, so references ignore case too.
pub fn team_key(id: &str) -> String {
    id.trim().to_lowercase()
}

/// Returns [`team_key`] of `id`, borrowing `id` when it is the key already,
/// as a trimmed lowercase ASCII id is, so that matching the many families
/// to their teams allocates nothing.
pub fn team_key_of(id: &str) -> Cow<'_, str> {
    let plain = id
        .bytes()
        .all(|byte| byte.is_ascii() && !byte.is_ascii_uppercase());
    if plain && id.trim() == id {
        Cow::Borrowed(id)
    } else {
        Cow::Owned(team_key(id))
    }
}

/// The origin of a record: its file and its id (the file name without extension).
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Source {
    /// Path as given on the command line joined with the path under the records folder.
    pub path: Box<Path>,
    /// File name without the extension.
    pub id: Box<str>,
}

/// One family, as registered on Attachment 1.
///
/// Text and lists are boxed strings and slices, 8 bytes smaller than
/// `String` and `Vec` each. A build keeps every family in memory, and this
/// keeps a shared family (`Arc<Family>`) in mimalloc's 384-byte size class
/// instead of the 640-byte one.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Family {
    pub source: Source,
    pub university: Box<str>,
    pub worker: Worker,
    pub household: Household,
    pub needs: Box<[u8]>,
    pub needs_summary: Option<Box<str>>,
    pub team: Box<str>,
    pub plan: Box<str>,
    pub offline: Option<Box<str>>,
    pub approval: Option<Approval>,
    pub visits: Box<[Visit]>,
    /// The place in a store of the text that only the family's own page
    /// shows, set by [`Family::store_page_text`], which empties that text
    /// here.
    #[serde(skip)]
    pub page_text: Option<Stored>,
}

/// The front-line medical worker whose family is served (医务人员).
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Worker {
    pub name: Box<str>,
    pub gender: Box<str>,
    pub hospital: Box<str>,
    pub aided_hospital: Box<str>,
    pub deployment: Option<Box<str>>,
}

/// The `family` block: household size, people and private contact data.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Household {
    pub size: u32,
    pub in_hubei: u32,
    pub address: Box<str>,
    pub phone: Box<str>,
    pub elderly: u32,
    pub elderly_health: Option<Box<str>>,
    pub minors: u32,
    pub grades: Box<[String]>,
}

/// The university League committee's opinion (高校团委意见).
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Approval {
    pub opinion: Box<str>,
    pub signer: Box<str>,
    pub date: Date,
}

/// One follow-up visit (回访记录).
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Visit {
    pub date: Date,
    pub mode: Box<str>,
    pub note: Option<Box<str>>,
}

/// One volunteer team (`teams/<id>.yaml`).
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Team {
    pub source: Source,
    pub university: String,
    pub name: String,
    pub kind: String,
    pub leader: Leader,
    pub members: u32,
    /// Empty in loaded records: loading drops it once the team file's own
    /// checks have read it.
    pub roster: Vec<Member>,
}

/// The team leader (志愿者团队负责人).
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Leader {
    pub name: String,
    pub phone: String,
}

/// One volunteer on a team's roster.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Member {
    pub name: String,
    pub training: String,
    pub skills: Vec<String>,
}

impl Family {
    /// Empties every field that no check across records reads, keeping the
    /// source, university, team, worker name and hospital, and the dates.
    pub fn drop_text(&mut self) {
        self.clear_page_text();
        self.worker.aided_hospital = Box::default();
        if let Some(approval) = &mut self.approval {
            approval.signer = Box::default();
        }
    }

    /// Empties the text that [`Family::store_page_text`] stores: the fields
    /// that only the family's own page shows.
    fn clear_page_text(&mut self) {
        let worker = &mut self.worker;
        worker.gender = Box::default();
        worker.deployment = None;
        let household = &mut self.household;
        household.address = Box::default();
        household.phone = Box::default();
        household.elderly_health = None;
        household.grades = Box::default();
        self.needs_summary = None;
        self.plan = Box::default();
        self.offline = None;
        if let Some(approval) = &mut self.approval {
            approval.opinion = Box::default();
        }
        for visit in &mut self.visits {
            visit.mode = Box::default();
            visit.note = None;
        }
    }

    /// Moves the text that no check across records, summary, university
    /// page or workbook reads into `store`, until [`Family::restored`]
    /// gives it back for the family's own page. The text stays when the
    /// store cannot take it.
    pub fn store_page_text(&mut self, store: &Arc<TextStore>) {
        let mut packer = Packer::default();
        packer.text(&self.worker.gender);
        packer.optional(self.worker.deployment.as_deref());
        let household = &self.household;
        packer.text(&household.address);
        packer.text(&household.phone);
        packer.optional(household.elderly_health.as_deref());
        packer.count(household.grades.len());
        for grade in &household.grades {
            packer.text(grade);
        }
        packer.optional(self.needs_summary.as_deref());
        packer.text(&self.plan);
        packer.optional(self.offline.as_deref());
        packer.optional(self.approval.as_ref().map(|approval| &*approval.opinion));
        packer.count(self.visits.len());
        for visit in &self.visits {
            packer.text(&visit.mode);
            packer.optional(visit.note.as_deref());
        }
        let Some(stored) = store.keep(&packer.into_bytes()) else {
            return;
        };
        self.clear_page_text();
        self.page_text = Some(stored);
    }

    /// Returns the family whole, with the text that
    /// [`Family::store_page_text`] moved out read back in.
    pub fn restored(&self) -> io::Result<Cow<'_, Family>> {
        let Some(stored) = &self.page_text else {
            return Ok(Cow::Borrowed(self));
        };
        let bytes = stored.read()?;
        let mut unpacker = Unpacker::new(&bytes);
        let mut family = self.clone();
        family.page_text = None;

        family.worker.gender = unpacker.text()?.into();
        family.worker.deployment = unpacker.optional()?.map(Into::into);
        let household = &mut family.household;
        household.address = unpacker.text()?.into();
        household.phone = unpacker.text()?.into();
        household.elderly_health = unpacker.optional()?.map(Into::into);
        let grades = unpacker.count()?;
        household.grades = (0..grades)
            .map(|_| unpacker.text())
            .collect::<io::Result<_>>()?;
        family.needs_summary = unpacker.optional()?.map(Into::into);
        family.plan = unpacker.text()?.into();
        family.offline = unpacker.optional()?.map(Into::into);
        let opinion = unpacker.optional()?;
        if let (Some(approval), Some(opinion)) = (&mut family.approval, opinion) {
            approval.opinion = opinion.into();
        }

        if unpacker.count()? != family.visits.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the temporary file of record text lists another number of visits",
            ));
        }
        for visit in &mut family.visits {
            visit.mode = unpacker.text()?.into();
            visit.note = unpacker.optional()?.map(Into::into);
        }
        unpacker.finish()?;
        Ok(Cow::Owned(family))
    }

    /// Returns the date the family was last followed up: its latest visit, else its approval.
    pub fn last_contact(&self) -> Option<Date> {
        let last_visit = self.visits.iter().map(|visit| visit.date).max();
        last_visit.or(self.approval.as_ref().map(|approval| approval.date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn shared_family_fits_384_bytes() {
        // An `Arc<Family>` allocation is the record and two reference counts.
        let shared = std::mem::size_of::<Family>() + 2 * std::mem::size_of::<usize>();
        assert!(shared <= 384, "a shared family takes {shared} bytes");
    }
}
