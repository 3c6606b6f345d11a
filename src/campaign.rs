//! The campaign file: title, issuer, deadlines, the visit interval and the
//! report order of universities. Without a file the 2020 notice applies.

use serde::Serialize;

use crate::date::Date;

/// The settings of one campaign.
#[derive(Debug, Clone, Serialize)]
pub struct Campaign {
    pub title: String,
    pub issuer: String,
    /// Default deadline for Attachment 2.
    pub deadline: Date,
    /// A family in service with no visit for longer than this many days is overdue.
    pub visit_interval_days: u32,
    /// Build date of an archived campaign, so that its follow-up status and
    /// its pages stay the same whenever it is rebuilt; `--as-of` overrides it.
    pub as_of: Option<Date>,
    /// Universities in report order.
    pub universities: Vec<UniversityEntry>,
}

/// One university of the campaign list.
#[derive(Debug, Clone, Serialize)]
pub struct UniversityEntry {
    pub name: String,
    /// Output folder name; defaults to the university name.
    pub folder: Option<String>,
    /// Overrides the campaign deadline.
    pub deadline: Option<Date>,
}

/// The five universities the 2020 notice named, with URL-safe folder names.
const NOTICE_UNIVERSITIES: [(&str, &str); 5] = [
    ("郑州大学", "zzu"),
    ("河南大学", "henu"),
    ("河南理工大学", "hpu"),
    ("河南中医药大学", "hactcm"),
    ("新乡医学院", "xxmu"),
];

impl Default for Campaign {
    /// Reproduces the 2020 notice: five universities due 2020-02-18, every
    /// other one due 2020-02-20, and a visit every 14 days.
    fn default() -> Campaign {
        let early = Date::from_ymd(2020, 2, 18).expect("2020-02-18 is a valid date");
        let universities = NOTICE_UNIVERSITIES
            .iter()
            .map(|(name, folder)| UniversityEntry {
                name: (*name).to_owned(),
                folder: Some((*folder).to_owned()),
                deadline: Some(early),
            })
            .collect();
        Campaign {
            title: "与抗疫一线医务人员家庭手拉手专项志愿服务".to_owned(),
            issuer: "团省委疫情防控指挥部".to_owned(),
            deadline: Date::from_ymd(2020, 2, 20).expect("2020-02-20 is a valid date"),
            visit_interval_days: 14,
            as_of: None,
            universities,
        }
    }
}

impl Campaign {
    /// Returns the list entry of a university, if the campaign lists it.
    pub fn university(&self, name: &str) -> Option<&UniversityEntry> {
        self.universities.iter().find(|entry| entry.name == name)
    }

    /// Returns the deadline that applies to a university.
    pub fn deadline_of(&self, name: &str) -> Date {
        self.university(name)
            .and_then(|entry| entry.deadline)
            .unwrap_or(self.deadline)
    }
}
