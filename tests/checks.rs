//! One failing fixture per check of the record format, run through the real
//! binary. Each fixture is the valid base with one edit, and each test pins
//! the code, the file, the 1-based line and column, and the exit status.
//! Lines and columns were counted by hand from the fixture text: the column
//! is the character (not byte) where the value starts, or the key for an
//! unknown key, or the parent key when a key is missing.

// Each test binary uses only part of the shared harness.
#[allow(dead_code)]
mod common;

use common::{
    AS_OF, BASE_RECORDS, CAMPAIGN, Fixture, HENU_TEAM, LI, SUN, WANG, ZHANG, ZHAO, ZZU_TEAM,
};

const ERRORS: i32 = 1;
const WARNINGS_ONLY: i32 = 0;
const FAILURE: i32 = 2;

#[test]
fn base_campaign_is_clean() {
    let run = Fixture::base().check();

    assert_eq!(run.status, 0, "{}", run.stderr);
    let report = run.report();
    assert_eq!(report.records, BASE_RECORDS);
    assert_eq!(report.errors, 0);
    assert_eq!(report.warnings, 0);
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
}

#[test]
fn every_check_code_has_a_test() {
    let tests = include_str!("checks.rs");
    for check in shoulashou::diagnostic::ALL_CHECKS {
        let quoted = format!("\"{}\"", check.code);
        assert!(
            tests.contains(&quoted),
            "no test asserts {} ({})",
            check.code,
            check.name
        );
    }
}

// E001 yaml-syntax

#[test]
fn rejects_yaml_syntax_error() {
    // A second `: ` inside a plain value makes the parser stop at that colon.
    let run = Fixture::base()
        .replace(
            WANG,
            "  aided_hospital: 武汉市某医院",
            "  aided_hospital: 武汉市某医院 院区: 光谷",
        )
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E001", WANG, 6, 28);
}

#[test]
fn rejects_duplicate_key() {
    let run = Fixture::base()
        .replace(LI, "team: zzu-01\n", "team: zzu-01\nteam: zzu-01\n")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E001", LI, 18, 1);
}

#[test]
fn locates_full_width_colon_on_its_line() {
    let run = Fixture::base()
        .replace(WANG, "  size: 4", "  size：4")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E001", WANG, 9, 7);
    assert!(diagnostic.hint.contains('：'), "hint: {}", diagnostic.hint);
}

#[test]
fn reads_file_with_byte_order_mark() {
    // Notepad may save UTF-8 with a byte order mark, which must not count as a column.
    let fixture = Fixture::base();
    let text = fixture
        .text(WANG)
        .replace("university: 郑州大学", "university: 郑州大学 本部: 东区");
    let run = fixture.file(WANG, &format!("\u{feff}{text}")).check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E001", WANG, 1, 20);
}

#[test]
fn rejects_key_longer_than_1024_characters() {
    // YAML limits an implicit key to 1024 characters before its colon.
    let key = "k".repeat(1025);
    let run = Fixture::base()
        .replace(LI, "team: zzu-01\n", &format!("{key}: 1\nteam: zzu-01\n"))
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E001", LI, 17, 1026);
}

// E002 wrong-type

#[test]
fn rejects_text_where_count_belongs() {
    let run = Fixture::base()
        .replace(WANG, "  size: 4", "  size: 四")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E002", WANG, 9, 9);
    assert_eq!(diagnostic.key_path, "family.size");
}

#[test]
fn rejects_needs_written_as_single_number() {
    let run = Fixture::base()
        .replace(WANG, "needs: [1, 2, 3]", "needs: 1")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E002", WANG, 17, 8);
}

// E003 unknown-key

#[test]
fn rejects_misspelled_optional_key() {
    let run = Fixture::base()
        .replace(WANG, "  deployment: 援鄂", "  deploymnet: 援鄂")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E003", WANG, 7, 3);
    assert!(
        diagnostic.hint.contains("`deployment`"),
        "hint: {}",
        diagnostic.hint
    );
}

#[test]
fn rejects_misspelled_campaign_key() {
    let run = Fixture::base()
        .replace(CAMPAIGN, "visit_interval_days: 14", "visit_interval: 14")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E003", CAMPAIGN, 4, 1);
    assert!(
        diagnostic.hint.contains("`visit_interval_days`"),
        "hint: {}",
        diagnostic.hint
    );
}

#[test]
fn suggests_elderly_for_eldery() {
    let run = Fixture::base()
        .replace(WANG, "  elderly: 1", "  eldery: 1")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostics = run.diagnostics();
    assert_eq!(run.codes(), ["E004", "E003"]);
    // The required `elderly` is now missing, so its block `family:` is shown.
    diagnostics[0].assert_at("E004", WANG, 8, 1);
    diagnostics[1].assert_at("E003", WANG, 13, 3);
    assert!(
        diagnostics[1].hint.contains("`elderly`"),
        "hint: {}",
        diagnostics[1].hint
    );
}

// E004 missing-key

#[test]
fn rejects_missing_hospital() {
    let run = Fixture::base()
        .remove_line(WANG, "  hospital: 郑州大学第一附属医院")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E004", WANG, 2, 1);
    assert_eq!(diagnostic.key_path, "worker.hospital");
}

#[test]
fn rejects_blank_plan() {
    let run = Fixture::base()
        .replace(LI, "plan: |\n  每周一次线上心理疏导。\n", "plan:\n")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E004", LI, 18, 1);
}

// E005 invalid-gender

#[test]
fn rejects_gender_other_than_male_or_female() {
    let run = Fixture::base()
        .replace(WANG, "  gender: 女", "  gender: 女性")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E005", WANG, 4, 11);
}

// E006 count-out-of-range

#[test]
fn rejects_negative_count() {
    let run = Fixture::base()
        .replace(WANG, "  elderly: 1", "  elderly: -1")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E006", WANG, 13, 12);
}

// E007 counts-exceed-size

#[test]
fn rejects_counts_exceeding_family_size() {
    // in_hubei 1 + elderly 1 + minors 1 = 3 people in a household of 2.
    let run = Fixture::base()
        .replace(WANG, "  size: 4", "  size: 2")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E007", WANG, 9, 9);
}

#[test]
fn accepts_counts_equal_to_family_size() {
    let run = Fixture::base()
        .replace(WANG, "  size: 4", "  size: 3")
        .check();

    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(run.codes().is_empty(), "{:?}", run.codes());
}

// E008 grades-mismatch

#[test]
fn rejects_more_grades_than_minors() {
    let run = Fixture::base()
        .replace(
            WANG,
            "  grades: [小学三年级]",
            "  grades: [小学三年级, 初中一年级]",
        )
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E008", WANG, 16, 11);
}

// E009 missing-elderly-health

#[test]
fn rejects_elderly_without_health() {
    let run = Fixture::base()
        .remove_line(WANG, "  elderly_health: 高血压")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E009", WANG, 8, 1);
    assert_eq!(diagnostic.key_path, "family.elderly_health");
}

// E010 no-needs

#[test]
fn rejects_empty_needs() {
    let run = Fixture::base()
        .replace(WANG, "needs: [1, 2, 3]", "needs: []")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E010", WANG, 17, 8);
}

// E011 invalid-need-code

#[test]
fn rejects_need_code_above_five() {
    let run = Fixture::base()
        .replace(WANG, "needs: [1, 2, 3]", "needs: [1, 2, 7]")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E011", WANG, 17, 15);
    assert_eq!(diagnostic.key_path, "needs.2");
}

#[test]
fn rejects_need_code_zero() {
    let run = Fixture::base()
        .replace(LI, "needs: [2]", "needs: [0, 2]")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E011", LI, 16, 9);
}

// E012 missing-needs-summary

#[test]
fn rejects_code_five_without_summary() {
    let run = Fixture::base()
        .remove_line(ZHANG, "needs_summary: 老人需要有人代购降糖药。")
        .check();

    assert_eq!(run.status, ERRORS);
    // The diagnostic points at the code 5 in `needs: [3, 4, 5]`.
    run.single().assert_at("E012", ZHANG, 16, 15);
}

// E013 tutoring-without-minors

#[test]
fn rejects_tutoring_without_minors() {
    let run = Fixture::base()
        .replace(LI, "needs: [2]", "needs: [1, 2]")
        .check();

    assert_eq!(run.status, ERRORS);
    // The diagnostic points at the code itself, the first item of the list.
    run.single().assert_at("E013", LI, 16, 9);
}

// E014 invalid-phone

#[test]
fn rejects_phone_with_nine_digits() {
    let run = Fixture::base()
        .replace(WANG, "  phone: \"13800000000\"", "  phone: \"138000000\"")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E014", WANG, 12, 10);
    assert!(
        diagnostic.message.contains("`138000000`"),
        "message: {}",
        diagnostic.message
    );
    assert_eq!(diagnostic.name, "invalid-phone");
    assert_eq!(diagnostic.severity, "error");
    // The span ends after the closing quote: `"138000000"` is 11 characters.
    assert_eq!((diagnostic.end_line, diagnostic.end_column), (12, 21));
}

#[test]
fn rejects_landline_with_six_digit_number() {
    let run = Fixture::base()
        .replace(LI, "  phone: \"0371-60000000\"", "  phone: \"0371-600000\"")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E014", LI, 12, 10);
}

#[test]
fn rejects_landline_without_leading_zero() {
    let run = Fixture::base()
        .replace(
            LI,
            "  phone: \"0371-60000000\"",
            "  phone: \"371-60000000\"",
        )
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E014", LI, 12, 10);
}

#[test]
fn rejects_leader_phone_with_ten_digits() {
    let run = Fixture::base()
        .replace(
            ZZU_TEAM,
            "  phone: \"13900000000\"",
            "  phone: \"1390000000\"",
        )
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E014", ZZU_TEAM, 6, 10);
    assert_eq!(diagnostic.key_path, "leader.phone");
}

#[test]
fn accepts_unquoted_mobile() {
    let run = Fixture::base()
        .replace(WANG, "  phone: \"13800000000\"", "  phone: 13800000000")
        .check();

    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(run.codes().is_empty(), "{:?}", run.codes());
}

// E015 unknown-team

#[test]
fn rejects_unknown_team() {
    let run = Fixture::base()
        .replace(WANG, "team: zzu-01", "team: zzu-02")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E015", WANG, 18, 7);
}

// E016 team-of-other-university

#[test]
fn rejects_team_of_other_university() {
    let run = Fixture::base()
        .replace(WANG, "team: zzu-01", "team: henu-01")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E016", WANG, 18, 7);
    assert!(
        diagnostic.message.contains("河南大学"),
        "message: {}",
        diagnostic.message
    );
}

// E017 duplicate-worker

#[test]
fn rejects_same_worker_in_two_files() {
    // ZHANG now registers WANG's worker and comes later in path order.
    let run = Fixture::base()
        .replace(ZHANG, "  name: 张某某", "  name: 王某某")
        .replace(
            ZHANG,
            "  hospital: 河南省某人民医院",
            "  hospital: 郑州大学第一附属医院",
        )
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E017", ZHANG, 3, 9);
    assert!(
        diagnostic.message.contains(WANG),
        "message: {}",
        diagnostic.message
    );
}

#[test]
fn accepts_same_name_at_other_hospital() {
    let run = Fixture::base()
        .replace(ZHANG, "  name: 张某某", "  name: 王某某")
        .check();

    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(run.codes().is_empty(), "{:?}", run.codes());
}

// E018 output-collision

#[test]
fn rejects_same_family_id_in_two_folders() {
    let first = "records/zzu/a/li.yaml";
    let second = "records/zzu/b/li.yaml";
    let run = Fixture::base()
        .rename(LI, first)
        .rename(ZHANG, second)
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E018", second, 1, 1);
    assert!(
        diagnostic.message.contains(first),
        "message: {}",
        diagnostic.message
    );
}

#[test]
fn rejects_family_ids_differing_in_case() {
    // `Li.yaml` sorts before `li.yaml`, so the lower-case file is the second.
    let upper = "records/zzu/Li.yaml";
    let run = Fixture::base().rename(ZHANG, upper).check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E018", LI, 1, 1);
    assert!(
        diagnostic.message.contains(upper),
        "message: {}",
        diagnostic.message
    );
}

#[test]
fn accepts_same_family_id_in_two_universities() {
    let run = Fixture::base().rename(SUN, "records/henu/li.yaml").check();

    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(run.codes().is_empty(), "{:?}", run.codes());
}

#[test]
fn rejects_same_team_id_in_two_folders() {
    let copy = "records/zzu/old/teams/zzu-01.yaml";
    let fixture = Fixture::base();
    let team = fixture.text(ZZU_TEAM);
    let run = fixture.file(copy, &team).check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E018", ZZU_TEAM, 1, 1);
    assert!(
        diagnostic.message.contains(copy),
        "message: {}",
        diagnostic.message
    );
}

// E019 untrained-volunteer

#[test]
fn rejects_roster_member_not_passed_training() {
    let run = Fixture::base()
        .replace(
            ZZU_TEAM,
            "周某\n    training: 合格",
            "周某\n    training: 未合格",
        )
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E019", ZZU_TEAM, 13, 15);
    assert_eq!(diagnostic.key_path, "roster.1.training");
}

// E020 invalid-date

#[test]
fn rejects_february_thirtieth() {
    let run = Fixture::base()
        .replace(WANG, "  date: 2020-02-17", "  date: 2020-02-30")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E020", WANG, 24, 9);
}

#[test]
fn rejects_visit_date_without_zero_padding() {
    let run = Fixture::base()
        .replace(WANG, "  - date: 2020-02-24", "  - date: 2020-2-24")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E020", WANG, 26, 11);
}

// E021 invalid-choice

#[test]
fn rejects_unknown_deployment() {
    let run = Fixture::base()
        .replace(WANG, "  deployment: 援鄂", "  deployment: 援外")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E021", WANG, 7, 15);
}

#[test]
fn rejects_unknown_team_kind() {
    let run = Fixture::base()
        .replace(ZZU_TEAM, "kind: 青年志愿者服务队", "kind: 志愿者服务队")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E021", ZZU_TEAM, 3, 7);
}

#[test]
fn rejects_unknown_visit_mode() {
    let run = Fixture::base()
        .replace(WANG, "    mode: 线上", "    mode: 电话")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E021", WANG, 27, 11);
}

// E022 roster-size-mismatch

#[test]
fn rejects_roster_shorter_than_members() {
    let run = Fixture::base()
        .replace(ZZU_TEAM, "members: 2", "members: 3")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E022", ZZU_TEAM, 7, 10);
}

// E023 unreadable-file

#[test]
fn rejects_file_saved_as_gbk() {
    // 0xC4 0xE3 is 你 in GBK, which Notepad on Chinese Windows wrote as "ANSI"
    // by default before Windows 10 version 1903.
    let fixture = Fixture::base();
    let text = fixture.text(WANG);
    let (before, after) = text.split_once("王某某").expect("WANG names its worker");
    let contents = [before.as_bytes(), &[0xC4, 0xE3], after.as_bytes()].concat();
    let run = fixture.bytes(WANG, &contents).check();

    assert_eq!(run.status, FAILURE);
    let diagnostic = run.single();
    diagnostic.assert_at("E023", WANG, 3, 9);
    assert!(
        diagnostic.hint.contains("UTF-8"),
        "hint: {}",
        diagnostic.hint
    );
}

// W001 unknown-university

#[test]
fn warns_university_missing_from_campaign() {
    let run = Fixture::base()
        .replace(
            CAMPAIGN,
            "  - name: 河南大学\n    folder: henu\n    deadline: 2020-02-18\n",
            "",
        )
        .check();

    assert_eq!(run.status, WARNINGS_ONLY);
    let diagnostics = run.diagnostics();
    assert_eq!(run.codes(), ["W001", "W001", "W001"]);
    diagnostics[0].assert_at("W001", SUN, 1, 13);
    diagnostics[1].assert_at("W001", HENU_TEAM, 1, 13);
    diagnostics[2].assert_at("W001", ZHAO, 1, 13);
}

// W002 team-size

#[test]
fn invalid_family_still_counts_for_its_team() {
    let run = Fixture::base()
        .replace(ZHAO, "  gender: 女", "  gender: 女性")
        .check();

    assert_eq!(run.status, ERRORS);
    run.single().assert_at("E005", ZHAO, 4, 11);
}

#[test]
fn warns_team_with_one_family() {
    let run = Fixture::base().remove(SUN).check();

    assert_eq!(run.status, WARNINGS_ONLY);
    let diagnostic = run.single();
    diagnostic.assert_at("W002", HENU_TEAM, 1, 1);
    assert_eq!(diagnostic.severity, "warning");
    assert!(
        diagnostic.message.contains("serves 1 famil"),
        "message: {}",
        diagnostic.message
    );
}

#[test]
fn warns_team_with_four_families() {
    let fixture = Fixture::base();
    let fourth = fixture.text(LI).replace("  name: 李某某", "  name: 周某某");
    let run = fixture.file("records/zzu/zhou.yaml", &fourth).check();

    assert_eq!(run.status, WARNINGS_ONLY);
    run.single().assert_at("W002", ZZU_TEAM, 1, 1);
}

#[test]
fn lists_families_of_oversized_team() {
    // A fourth family whose record is invalid still counts, under `?`.
    let fixture = Fixture::base();
    let fourth = fixture
        .text(LI)
        .replace("  name: 李某某", "  name: 周某某")
        .replace("  gender: 男", "  gender: 男性");
    let run = fixture.file("records/zzu/zhou.yaml", &fourth).check();

    assert_eq!(run.status, ERRORS);
    let sizes: Vec<_> = run
        .diagnostics()
        .into_iter()
        .filter(|diagnostic| diagnostic.code == "W002")
        .collect();
    assert_eq!(sizes.len(), 1, "{}", run.stderr);
    assert!(
        sizes[0]
            .message
            .contains("serves 4 families (li, wang, zhang, ?)"),
        "message: {}",
        sizes[0].message
    );
}

// W003 health-without-elderly

#[test]
fn warns_health_code_without_elderly() {
    let run = Fixture::base()
        .replace(LI, "needs: [2]", "needs: [2, 3]")
        .check();

    assert_eq!(run.status, WARNINGS_ONLY);
    // The code 3 is the second item of `[2, 3]`.
    run.single().assert_at("W003", LI, 16, 12);
}

// W004 offline-without-arrangement

#[test]
fn warns_offline_help_without_arrangement() {
    let fixture = Fixture::base();
    let offline = "offline: |\n  校团委于 2020-02-18 批准；志愿者佩戴口罩和手套，无接触交接。\n";
    let run = fixture.replace(ZHANG, offline, "").check();

    assert_eq!(run.status, WARNINGS_ONLY);
    // The diagnostic points at the code 4 in `needs: [3, 4, 5]`.
    run.single().assert_at("W004", ZHANG, 16, 12);
}

// W005 not-approved

#[test]
fn warns_family_without_approval() {
    let approval = "approval:\n  opinion: 同意\n  signer: 赵某\n  date: 2020-02-17\n";
    let run = Fixture::base().replace(LI, approval, "").check();

    assert_eq!(run.status, WARNINGS_ONLY);
    // Without an `approval:` line the warning is about the whole file.
    run.single().assert_at("W005", LI, 1, 1);
}

#[test]
fn warns_blank_approval_at_its_key() {
    let approval = "approval:\n  opinion: 同意\n  signer: 赵某\n  date: 2020-02-17\n";
    let run = Fixture::base().replace(LI, approval, "approval:\n").check();

    assert_eq!(run.status, WARNINGS_ONLY);
    run.single().assert_at("W005", LI, 20, 1);
}

#[test]
fn deny_warnings_turns_warning_into_failure() {
    let approval = "approval:\n  opinion: 同意\n  signer: 赵某\n  date: 2020-02-17\n";
    let fixture = Fixture::base().replace(LI, approval, "");

    let denied = fixture.run(&[
        "check",
        "--as-of",
        AS_OF,
        "--deny-warnings",
        "--format",
        "json",
    ]);

    assert_eq!(denied.status, ERRORS);
    denied.single().assert_at("W005", LI, 1, 1);
}

// W006 visit-overdue

#[test]
fn warns_visit_older_than_interval() {
    // WANG's last visit, 2020-02-24, is 15 days before 2020-03-10. Every
    // other family was visited on 2020-02-27 or later.
    let run = Fixture::base().check_as_of("2020-03-10");

    assert_eq!(run.status, WARNINGS_ONLY);
    let diagnostic = run.single();
    diagnostic.assert_at("W006", WANG, 26, 11);
    assert_eq!(diagnostic.key_path, "visits.0.date");
}

#[test]
fn accepts_visit_exactly_interval_old() {
    // 2020-02-24 to 2020-03-09 is 14 days, as 2020 is a leap year.
    let run = Fixture::base().check_as_of("2020-03-09");

    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(run.codes().is_empty(), "{:?}", run.codes());
}

#[test]
fn warns_old_approval_without_visits() {
    // LI is approved on 2020-02-17, 15 days before 2020-03-03, and never visited.
    let visits = "visits:\n  - date: 2020-02-28\n    mode: 线上\n    note: 情绪稳定。\n";
    let run = Fixture::base()
        .replace(LI, visits, "")
        .check_as_of("2020-03-03");

    assert_eq!(run.status, WARNINGS_ONLY);
    let diagnostic = run.single();
    diagnostic.assert_at("W006", LI, 23, 9);
    assert_eq!(diagnostic.key_path, "approval.date");
}

// W007 full-width-characters

#[test]
fn warns_full_width_digit_in_address() {
    let run = Fixture::base()
        .replace(
            WANG,
            "  address: 郑州市金水区示例路1号",
            "  address: 郑州市金水区示例路１号",
        )
        .check();

    assert_eq!(run.status, WARNINGS_ONLY);
    let diagnostic = run.single();
    diagnostic.assert_at("W007", WANG, 11, 12);
    assert_eq!(diagnostic.key_path, "family.address");
}

#[test]
fn counts_columns_in_characters_after_chinese_text() {
    // The second grade starts at character 19 but at byte 29 of the line.
    let run = Fixture::base()
        .replace(ZHAO, "[初中二年级, 小学五年级]", "[初中二年级, 小学５年级]")
        .check();

    assert_eq!(run.status, WARNINGS_ONLY);
    let diagnostic = run.single();
    diagnostic.assert_at("W007", ZHAO, 16, 19);
    assert_eq!(diagnostic.key_path, "family.grades.1");
}

// Folder walk

#[test]
fn skips_drafts_and_hidden_paths() {
    let broken = "university: [not closed\n";
    let run = Fixture::base()
        .file("records/zzu/_draft.yaml", broken)
        .file("records/zzu/.hidden/wang.yaml", broken)
        .file("records/_drafts/wang.yaml", broken)
        .file("records/zzu/.backup.yaml", broken)
        .check();

    assert_eq!(run.status, 0, "{}", run.stdout);
    let report = run.report();
    assert_eq!(report.records, BASE_RECORDS);
    assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
}

#[test]
fn reads_yml_files() {
    let yml = "records/zzu/li.yml";
    let run = Fixture::base()
        .rename(LI, yml)
        .replace(
            yml,
            "  phone: \"0371-60000000\"",
            "  phone: \"0371-600000\"",
        )
        .check();

    assert_eq!(run.status, ERRORS);
    assert_eq!(run.report().records, BASE_RECORDS);
    run.single().assert_at("E014", yml, 12, 10);
}

#[test]
fn fails_when_records_folder_is_missing() {
    let run = Fixture::empty().check();

    assert_eq!(run.status, FAILURE);
    assert!(run.stderr.contains("records"), "stderr: {}", run.stderr);
}

#[test]
fn fails_when_campaign_file_is_missing() {
    let run = Fixture::base().run(&["check", "--as-of", AS_OF, "--campaign", "other.yaml"]);

    assert_eq!(run.status, FAILURE);
    assert!(run.stderr.contains("other.yaml"), "stderr: {}", run.stderr);
}

// Output

#[test]
fn sorts_diagnostics_by_file_then_line() {
    let run = Fixture::base()
        .replace(ZHANG, "  gender: 男", "  gender: 男性")
        .replace(WANG, "  phone: \"13800000000\"", "  phone: \"138000000\"")
        .replace(WANG, "  size: 4", "  size: 2")
        .replace(ZHAO, "needs: [1, 2]", "needs: [1, 2, 6]")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostics = run.diagnostics();
    assert_eq!(run.codes(), ["E011", "E007", "E014", "E005"]);
    diagnostics[0].assert_at("E011", ZHAO, 17, 15);
    diagnostics[1].assert_at("E007", WANG, 9, 9);
    diagnostics[2].assert_at("E014", WANG, 12, 10);
    diagnostics[3].assert_at("E005", ZHANG, 4, 11);
}

#[test]
fn renders_diagnostic_text_exactly() {
    let run = Fixture::base()
        .replace(WANG, "  phone: \"13800000000\"", "  phone: \"138000000\"")
        .check_text();

    assert_eq!(run.status, ERRORS);
    assert_eq!(run.stdout, "");
    let expected = "\
error[E014]: `family.phone` (家庭联系方式) `138000000` is neither a mobile nor a landline number: it has 9 digits, and a mobile has 11
  --> records/zzu/wang.yaml:12:10
   |
12 |   phone: \"138000000\"
   |          ^^^^^^^^^^^
   = help: write an 11-digit mobile such as \"13800001234\" or a landline such as \"0371-60001234\", in quotes

1 error and 0 warnings in 7 records
";
    assert_eq!(run.stderr, expected);
}

#[test]
fn renders_carets_two_columns_per_chinese_character() {
    let run = Fixture::base()
        .replace(WANG, "  gender: 女", "  gender: 女性")
        .check_text();

    assert_eq!(run.status, ERRORS);
    let snippet = "  |\n4 |   gender: 女性\n  |           ^^^^\n";
    assert!(run.stderr.contains(snippet), "stderr:\n{}", run.stderr);
}

#[test]
fn locates_values_in_windows_line_endings() {
    let fixture = Fixture::base();
    let crlf = fixture.text(WANG).replace('\n', "\r\n");
    let run = fixture
        .file(WANG, &crlf)
        .replace(WANG, "  phone: \"13800000000\"", "  phone: \"138000000\"")
        .check_text();

    assert_eq!(run.status, ERRORS);
    assert!(
        run.stderr.contains("  --> records/zzu/wang.yaml:12:10\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("12 |   phone: \"138000000\"\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn build_with_error_writes_no_site() {
    let run = Fixture::base()
        .replace(WANG, "  phone: \"13800000000\"", "  phone: \"138000000\"")
        .run(&["build", "--as-of", AS_OF]);

    assert_eq!(run.status, ERRORS);
    assert!(!run.exists("site"), "site/ was written");
    assert_eq!(run.top_entries(), ["campaign.yaml", "records"]);
}

#[test]
fn build_writes_site_for_valid_records() {
    let run = Fixture::base().run(&["build", "--as-of", AS_OF]);

    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.exists("site/附件2-信息汇总表-全省.xlsx"),
        "{:?}",
        run.top_entries()
    );
}

// E024 unusable-name

#[test]
fn rejects_family_file_named_index() {
    let index = "records/zzu/index.yaml";
    let run = Fixture::base().rename(WANG, index).check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E024", index, 1, 1);
    assert!(
        diagnostic.message.contains("reserved"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn rejects_university_folder_with_slash() {
    let run = Fixture::base()
        .replace(CAMPAIGN, "    folder: henu", "    folder: he/nu")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E024", CAMPAIGN, 10, 13);
}

#[test]
fn rejects_two_universities_in_one_folder() {
    let run = Fixture::base()
        .replace(CAMPAIGN, "    folder: henu", "    folder: ZZU")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E018", CAMPAIGN, 10, 13);
    assert!(
        diagnostic.message.contains("郑州大学"),
        "{}",
        diagnostic.message
    );
}

// E025 file-too-large

#[test]
fn rejects_record_over_one_mebibyte() {
    let long_plan = format!("plan: {}\n", "很".repeat(400_000));
    let run = Fixture::base()
        .replace(WANG, "plan: |", &format!("{long_plan}old_plan: |"))
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E025", WANG, 1, 1);
}

#[test]
fn rejects_brackets_nested_too_deep() {
    let grades = format!("  grades: {}", "[".repeat(70));
    let run = Fixture::base()
        .replace(WANG, "  grades: [小学三年级]", &grades)
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    // The 65th bracket is the first too deep; the value starts at column 11.
    diagnostic.assert_at("E025", WANG, 16, 75);
}

// W008 future-date

#[test]
fn warns_visit_dated_after_build_date() {
    let run = Fixture::base()
        .replace(WANG, "  - date: 2020-02-24", "  - date: 2200-02-24")
        .check();

    assert_eq!(run.status, WARNINGS_ONLY);
    let codes = run.codes();
    assert!(codes.contains(&"W008".to_owned()), "{codes:?}");
    let future = run
        .diagnostics()
        .into_iter()
        .find(|d| d.code == "W008")
        .expect("a W008 diagnostic");
    future.assert_at("W008", WANG, 26, 11);
}

// Links of records that fail to parse

#[test]
fn broken_team_file_reports_only_itself() {
    let run = Fixture::base()
        .replace(ZZU_TEAM, "members: 2", "members: [2")
        .check();

    assert_eq!(run.status, ERRORS);
    assert_eq!(run.codes(), ["E001"], "{:#?}", run.diagnostics());
}

#[test]
fn broken_family_still_counts_for_team() {
    let run = Fixture::base()
        .replace(ZHAO, "  size: 5", "  size: [5")
        .check();

    assert_eq!(run.status, ERRORS);
    assert_eq!(run.codes(), ["E001"], "{:#?}", run.diagnostics());
}

#[test]
fn team_reference_ignores_case() {
    let run = Fixture::base()
        .replace(WANG, "team: zzu-01", "team: ZZU-01")
        .check();

    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.diagnostics().is_empty(), "{:#?}", run.diagnostics());
}

#[test]
fn rejects_number_among_grades() {
    let run = Fixture::base()
        .replace(WANG, "  grades: [小学三年级]", "  grades: [3]")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E002", WANG, 16, 12);
    assert_eq!(diagnostic.key_path, "family.grades.0");
}

#[test]
fn rejects_control_character_in_name() {
    let run = Fixture::base()
        .replace(WANG, "  name: 王某某", "  name: \"王某\\e[31m某\"")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E002", WANG, 3, 9);
    assert!(
        diagnostic.message.contains("U+001B"),
        "{}",
        diagnostic.message
    );
}

#[test]
fn rejects_delete_and_c1_controls() {
    // DEL, and NEL and CSI from the C1 range, which UTF-8 writes as C2 85 and C2 9B.
    for (escape, code) in [
        ("\\x7F", "U+007F"),
        ("\\N", "U+0085"),
        ("\\u009B", "U+009B"),
    ] {
        let run = Fixture::base()
            .replace(
                WANG,
                "  name: 王某某",
                &format!("  name: \"王某{escape}某\""),
            )
            .check();

        assert_eq!(run.status, ERRORS, "{escape}");
        let diagnostic = run.single();
        diagnostic.assert_at("E002", WANG, 3, 9);
        assert!(diagnostic.message.contains(code), "{}", diagnostic.message);
    }
}

#[test]
fn broken_campaign_stops_before_records() {
    let run = Fixture::base()
        .replace(CAMPAIGN, "deadline: 2020-02-20", "deadline: 2020-02-30")
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E020", CAMPAIGN, 3, 11);
    assert_eq!(run.report().records, 0);
}

// E026 text-too-long

#[test]
fn rejects_hospital_longer_than_a_cell() {
    let long = format!("  hospital: {}", "院".repeat(32_768));
    let run = Fixture::base()
        .replace(WANG, "  hospital: 郑州大学第一附属医院", &long)
        .check();

    assert_eq!(run.status, ERRORS);
    let diagnostic = run.single();
    diagnostic.assert_at("E026", WANG, 5, 13);
    assert!(
        diagnostic.message.contains("32768"),
        "{}",
        diagnostic.message
    );
}
