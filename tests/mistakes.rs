//! Mistakes that people make when they edit records by hand in Notepad or
//! VS Code with a Chinese input method. Each test runs `check` through the
//! real binary in Chinese and in English and asserts the exit status and the
//! whole text on stderr: message, position, the quoted line with its carets
//! (two per Chinese character, a TAB expanded to the next multiple of four
//! columns) and the hint. An exact exit status also shows that no input
//! here makes the binary panic.

// Each test binary uses only part of the shared harness.
#[allow(dead_code)]
mod common;

use common::{AS_OF, Fixture, WANG};

const ERRORS: i32 = 1;
const CLEAN: i32 = 0;
const FAILURE: i32 = 2;

/// Runs `check` in both languages without colour and asserts the exit
/// status, an empty stdout and the whole of stderr.
fn assert_text(fixture: &Fixture, status: i32, zh: &str, en: &str) {
    for (lang, expected) in [("zh", zh), ("en", en)] {
        let arguments = [
            "check", "--as-of", AS_OF, "--lang", lang, "--color", "never",
        ];
        let run = fixture.run(&arguments);
        assert_eq!(run.stderr, expected, "stderr with --lang {lang}");
        assert_eq!(run.status, status, "exit status with --lang {lang}");
        assert_eq!(run.stdout, "", "stdout with --lang {lang}");
    }
}

// Full-width colon and full-width spaces around the colon

#[test]
fn rejects_full_width_colon_after_key() {
    // YAML stops at the next line, which it cannot fit into a text value.
    let fixture = Fixture::base().replace(WANG, "  size: 4", "  size：4");

    let zh = "\
错误[E001]: `family.size`（家庭人数）后面是全角冒号 `：`，YAML 认不出这是一个键
 --> records/zzu/wang.yaml:9:7
  |
9 |   size：4
  |       ^^
  = 提示: 把 `：` 改成半角冒号和一个空格 `: `，写成 `size: 4`（把输入法切换到半角）

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: `family.size` (家庭人数) is followed by a full-width colon `：`, so YAML does not read it as a key
 --> records/zzu/wang.yaml:9:7
  |
9 |   size：4
  |       ^^
  = help: replace `：` with a half-width colon and a space, `: `, as in `size: 4` (switch the input method to 半角)

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn rejects_full_width_colon_read_as_odd_key() {
    // `address：…(门卫: 张)` parses as one odd key, so nothing but the slip
    // itself would explain the missing `address`.
    let fixture = Fixture::base().replace(
        WANG,
        "  address: 郑州市金水区示例路1号",
        "  address：郑州市金水区示例路1号 (门卫: 张)",
    );

    let zh = "\
错误[E001]: `family.address`（家庭地址）后面是全角冒号 `：`，YAML 认不出这是一个键
  --> records/zzu/wang.yaml:11:10
   |
11 |   address：郑州市金水区示例路1号 (门卫: 张)
   |          ^^
   = 提示: 把 `：` 改成半角冒号和一个空格 `: `，写成 `address: 郑州市金水区示例路1号 (门卫: 张)`（把输入法切换到半角）

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: `family.address` (家庭地址) is followed by a full-width colon `：`, so YAML does not read it as a key
  --> records/zzu/wang.yaml:11:10
   |
11 |   address：郑州市金水区示例路1号 (门卫: 张)
   |          ^^
   = help: replace `：` with a half-width colon and a space, `: `, as in `address: 郑州市金水区示例路1号 (门卫: 张)` (switch the input method to 半角)

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn rejects_full_width_colon_read_as_text() {
    // Indented further, the last line joins the text of `elderly_health` and
    // the file parses; `minors` must not silently go missing.
    let fixture = Fixture::base().replace(
        WANG,
        "  elderly_health: 高血压\n  minors: 1\n",
        "  elderly_health: 高血压\n    minors：1\n",
    );

    let zh = "\
错误[E001]: `family.minors`（未成年子女数）后面是全角冒号 `：`，YAML 认不出这是一个键
  --> records/zzu/wang.yaml:15:11
   |
15 |     minors：1
   |           ^^
   = 提示: 把 `：` 改成半角冒号和一个空格 `: `，写成 `minors: 1`（把输入法切换到半角）

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: `family.minors` (未成年子女数) is followed by a full-width colon `：`, so YAML does not read it as a key
  --> records/zzu/wang.yaml:15:11
   |
15 |     minors：1
   |           ^^
   = help: replace `：` with a half-width colon and a space, `: `, as in `minors: 1` (switch the input method to 半角)

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn rejects_full_width_space_after_colon() {
    let fixture = Fixture::base().replace(WANG, "  size: 4", "  size:\u{3000}4");

    let zh = "\
错误[E001]: `family.size`（家庭人数）的冒号后面是全角空格，YAML 认不出这是一个键
 --> records/zzu/wang.yaml:9:8
  |
9 |   size:\u{3000}4
  |        ^^
  = 提示: 把全角空格换成半角空格，在冒号后输入 `: `，写成 `size: 4`（把输入法切换到半角）

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: the colon after `family.size` (家庭人数) is followed by a full-width space (全角空格, U+3000), so YAML does not read it as a key
 --> records/zzu/wang.yaml:9:8
  |
9 |   size:\u{3000}4
  |        ^^
  = help: replace the full-width space with a half-width one, typing `: ` after the key, as in `size: 4` (switch the input method to 半角)

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn rejects_full_width_space_before_colon() {
    let fixture = Fixture::base().replace(WANG, "  size: 4", "  size\u{3000}: 4");

    let zh = "\
错误[E001]: `family.size`（家庭人数）和冒号之间有全角空格，YAML 会把它当成键名的一部分
 --> records/zzu/wang.yaml:9:7
  |
9 |   size\u{3000}: 4
  |       ^^
  = 提示: 删掉这个全角空格，写成 `size: 4`（把输入法切换到半角）

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: a full-width space (全角空格, U+3000) stands between `family.size` (家庭人数) and its colon, so YAML takes it as part of the key
 --> records/zzu/wang.yaml:9:7
  |
9 |   size\u{3000}: 4
  |       ^^
  = help: delete the full-width space and write `size: 4` (switch the input method to 半角)

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

// Indentation with a TAB or full-width spaces

#[test]
fn rejects_tab_indentation() {
    // The snippet expands the TAB to four columns and underlines all of them.
    let fixture = Fixture::base().replace(WANG, "  size: 4", "\tsize: 4");

    let zh = "\
错误[E001]: `family.size`（家庭人数）这一行用 Tab（制表符）缩进，YAML 不允许用 Tab 缩进
 --> records/zzu/wang.yaml:9:1
  |
9 |     size: 4
  | ^^^^
  = 提示: 删掉 Tab，改用空格缩进，每深一级多两个空格；编辑器可以设置成按 Tab 键时插入空格

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: the line of `family.size` (家庭人数) is indented with a TAB, which YAML does not allow
 --> records/zzu/wang.yaml:9:1
  |
9 |     size: 4
  | ^^^^
  = help: delete the TAB and indent with spaces, two more for each level; editors can be set to insert spaces for the Tab key

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn rejects_tab_after_spaces() {
    let fixture = Fixture::base().replace(WANG, "  in_hubei: 1", "  \tin_hubei: 1");

    let zh = "\
错误[E001]: `family.in_hubei`（家庭援鄂人数）这一行用 Tab（制表符）缩进，YAML 不允许用 Tab 缩进
  --> records/zzu/wang.yaml:10:3
   |
10 |     in_hubei: 1
   |   ^^
   = 提示: 删掉 Tab，改用空格缩进，每深一级多两个空格；编辑器可以设置成按 Tab 键时插入空格

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: the line of `family.in_hubei` (家庭援鄂人数) is indented with a TAB, which YAML does not allow
  --> records/zzu/wang.yaml:10:3
   |
10 |     in_hubei: 1
   |   ^^
   = help: delete the TAB and indent with spaces, two more for each level; editors can be set to insert spaces for the Tab key

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn rejects_full_width_indentation() {
    // Without the check, `grades` became a top-level key and `family` lost it.
    let fixture = Fixture::base().replace(
        WANG,
        "  grades: [小学三年级]",
        "\u{3000}\u{3000}grades: [小学三年级]",
    );

    let zh = "\
错误[E001]: `family.grades`（就读年级）用全角空格缩进，YAML 不把全角空格当作缩进，这一行会脱离 `family`
  --> records/zzu/wang.yaml:16:1
   |
16 | \u{3000}\u{3000}grades: [小学三年级]
   | ^^^^
   = 提示: 删掉全角空格，改用半角空格缩进，与同一级的键对齐（把输入法切换到半角）

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: `family.grades` (就读年级) is indented with full-width spaces (全角空格, U+3000), which YAML does not count as indentation, so the line would fall outside `family`
  --> records/zzu/wang.yaml:16:1
   |
16 | \u{3000}\u{3000}grades: [小学三年级]
   | ^^^^
   = help: delete the full-width spaces and indent with half-width spaces, in line with the other keys of its level (switch the input method to 半角)

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn rejects_full_width_indentation_in_list_item() {
    let fixture = Fixture::base().replace(
        WANG,
        "    note: 孩子按时完成了作业。",
        "\u{3000}\u{3000}\u{3000}\u{3000}note: 孩子按时完成了作业。",
    );

    let zh = "\
错误[E001]: `visits.0.note`（回访记录）用全角空格缩进，YAML 不把全角空格当作缩进，这一行会脱离 `visits.0`
  --> records/zzu/wang.yaml:28:1
   |
28 | \u{3000}\u{3000}\u{3000}\u{3000}note: 孩子按时完成了作业。
   | ^^^^^^^^
   = 提示: 删掉全角空格，改用半角空格缩进，与同一级的键对齐（把输入法切换到半角）

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: `visits.0.note` (回访记录) is indented with full-width spaces (全角空格, U+3000), which YAML does not count as indentation, so the line would fall outside `visits.0`
  --> records/zzu/wang.yaml:28:1
   |
28 | \u{3000}\u{3000}\u{3000}\u{3000}note: 孩子按时完成了作业。
   | ^^^^^^^^
   = help: delete the full-width spaces and indent with half-width spaces, in line with the other keys of its level (switch the input method to 半角)

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

// File encoding

#[test]
fn rejects_file_saved_as_gbk() {
    // Notepad's "ANSI" on Chinese Windows is GBK. The line is shown decoded and
    // the carets cover the Chinese text, which starts at column 13 although
    // UTF-8 decoding fails only at column 14: 郑 in GBK happens to be valid UTF-8.
    let base = Fixture::base();
    let text = base.text(WANG);
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    let fixture = base.bytes(WANG, &gbk);

    let zh = "\
错误[E023]: records/zzu/wang.yaml 不是 UTF-8 编码，看起来是 GBK（记事本的“ANSI”）；第 1 行第 13 列起的中文无法识别
 --> records/zzu/wang.yaml:1:13
  |
1 | university: 郑州大学
  |             ^^^^^^^^
  = 提示: 用记事本打开文件，选择“文件 > 另存为”，在“编码”中选 UTF-8 后保存；VS Code 中点右下角的编码，选“通过编码重新打开 > GBK”，再“通过编码保存 > UTF-8”

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E023]: records/zzu/wang.yaml is not UTF-8: it looks like GBK (Notepad's \"ANSI\"), and the text from line 1, column 13 cannot be read
 --> records/zzu/wang.yaml:1:13
  |
1 | university: 郑州大学
  |             ^^^^^^^^
  = help: in Notepad choose File > Save As and pick the encoding UTF-8; in VS Code click the encoding in the status bar, reopen with GBK, then save with UTF-8

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, FAILURE, zh, en);
}

#[test]
fn accepts_byte_order_mark() {
    let base = Fixture::base();
    let text = format!("\u{feff}{}", base.text(WANG));
    let fixture = base.file(WANG, &text);

    let zh = "\
共 7 条记录：0 个错误，0 个警告
";
    let en = "\
0 errors and 0 warnings in 7 records
";
    assert_text(&fixture, CLEAN, zh, en);
}

#[test]
fn counts_columns_after_byte_order_mark() {
    // The mark is not a column: the colon on line 1 is at column 11.
    let base = Fixture::base();
    let text = format!(
        "\u{feff}{}",
        base.text(WANG)
            .replacen("university: 郑州大学", "university：郑州大学", 1)
    );
    let fixture = base.file(WANG, &text);

    let zh = "\
错误[E001]: `university`（高校）后面是全角冒号 `：`，YAML 认不出这是一个键
 --> records/zzu/wang.yaml:1:11
  |
1 | university：郑州大学
  |           ^^
  = 提示: 把 `：` 改成半角冒号和一个空格 `: `，写成 `university: 郑州大学`（把输入法切换到半角）

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: `university` (高校) is followed by a full-width colon `：`, so YAML does not read it as a key
 --> records/zzu/wang.yaml:1:11
  |
1 | university：郑州大学
  |           ^^
  = help: replace `：` with a half-width colon and a space, `: `, as in `university: 郑州大学` (switch the input method to 半角)

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

// Counts typed as full-width digits, Chinese numerals or yes and no

#[test]
fn rejects_full_width_digit_count() {
    let fixture = Fixture::base().replace(WANG, "  elderly: 1", "  elderly: ２");

    let zh = "\
错误[E002]: `family.elderly`（家中老年人数）应当是整数，实际是文字 `２`
  --> records/zzu/wang.yaml:13:12
   |
13 |   elderly: ２
   |            ^^
   = 提示: 这是中文输入法打出的全角数字，请改成半角的 `2`

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E002]: `family.elderly` (家中老年人数) must be a whole number, found the text `２`
  --> records/zzu/wang.yaml:13:12
   |
13 |   elderly: ２
   |            ^^
   = help: full-width digits were typed with a Chinese input method: write `2`

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn rejects_chinese_numeral_count() {
    let fixture = Fixture::base().replace(WANG, "  minors: 1", "  minors: 两");

    let zh = "\
错误[E002]: `family.minors`（未成年子女数）应当是整数，实际是文字 `两`
  --> records/zzu/wang.yaml:15:11
   |
15 |   minors: 两
   |           ^^
   = 提示: 用阿拉伯数字写人数：`两` 写作 `2`

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E002]: `family.minors` (未成年子女数) must be a whole number, found the text `两`
  --> records/zzu/wang.yaml:15:11
   |
15 |   minors: 两
   |           ^^
   = help: write the count in digits: `两` is `2`

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn rejects_yes_as_count() {
    let fixture = Fixture::base().replace(WANG, "  elderly: 1", "  elderly: yes");

    let zh = "\
错误[E002]: `family.elderly`（家中老年人数）应当是整数，实际是文字 `yes`
  --> records/zzu/wang.yaml:13:12
   |
13 |   elderly: yes
   |            ^^^
   = 提示: 这里要写人数而不是“是/否”：没有就写 0，有几人就写几

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E002]: `family.elderly` (家中老年人数) must be a whole number, found the text `yes`
  --> records/zzu/wang.yaml:13:12
   |
13 |   elderly: yes
   |            ^^^
   = help: a count is expected, not yes or no: write 0 for none, otherwise the number of people

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn rejects_no_as_count() {
    let fixture = Fixture::base().replace(WANG, "  elderly: 1", "  elderly: no");

    let zh = "\
错误[E002]: `family.elderly`（家中老年人数）应当是整数，实际是文字 `no`
  --> records/zzu/wang.yaml:13:12
   |
13 |   elderly: no
   |            ^^
   = 提示: 这里要写人数而不是“是/否”：没有就写 0，有几人就写几

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E002]: `family.elderly` (家中老年人数) must be a whole number, found the text `no`
  --> records/zzu/wang.yaml:13:12
   |
13 |   elderly: no
   |            ^^
   = help: a count is expected, not yes or no: write 0 for none, otherwise the number of people

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn rejects_shi_as_count() {
    let fixture = Fixture::base().replace(WANG, "  elderly: 1", "  elderly: 是");

    let zh = "\
错误[E002]: `family.elderly`（家中老年人数）应当是整数，实际是文字 `是`
  --> records/zzu/wang.yaml:13:12
   |
13 |   elderly: 是
   |            ^^
   = 提示: 这里要写人数而不是“是/否”：没有就写 0，有几人就写几

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E002]: `family.elderly` (家中老年人数) must be a whole number, found the text `是`
  --> records/zzu/wang.yaml:13:12
   |
13 |   elderly: 是
   |            ^^
   = help: a count is expected, not yes or no: write 0 for none, otherwise the number of people

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn rejects_fou_as_count() {
    let fixture = Fixture::base().replace(WANG, "  elderly: 1", "  elderly: 否");

    let zh = "\
错误[E002]: `family.elderly`（家中老年人数）应当是整数，实际是文字 `否`
  --> records/zzu/wang.yaml:13:12
   |
13 |   elderly: 否
   |            ^^
   = 提示: 这里要写人数而不是“是/否”：没有就写 0，有几人就写几

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E002]: `family.elderly` (家中老年人数) must be a whole number, found the text `否`
  --> records/zzu/wang.yaml:13:12
   |
13 |   elderly: 否
   |            ^^
   = help: a count is expected, not yes or no: write 0 for none, otherwise the number of people

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

// Duplicate keys and merge conflicts

#[test]
fn rejects_duplicate_key_left_by_merge() {
    let fixture = Fixture::base().replace(WANG, "team: zzu-01\n", "team: zzu-01\nteam: zzu-02\n");

    let zh = "\
错误[E001]: `team`（志愿者团队）写了两次，第一次在第 18 行
  --> records/zzu/wang.yaml:19:1
   |
19 | team: zzu-02
   | ^^^^
   = 提示: 保留其中一行，删除另一行；git 合并后常会留下这样的重复

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: `team` (志愿者团队) is written twice; the first is on line 18
  --> records/zzu/wang.yaml:19:1
   |
19 | team: zzu-02
   | ^^^^
   = help: keep one of the two lines and delete the other; a git merge often leaves such a copy

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn rejects_merge_conflict_markers() {
    let fixture = Fixture::base().replace(
        WANG,
        "team: zzu-01\n",
        "<<<<<<< HEAD\nteam: zzu-01\n=======\nteam: zzu-02\n>>>>>>> feature/wang\n",
    );

    let zh = "\
错误[E001]: 第 18 至 22 行是没有解决的 git 合并冲突：文件里同时留着两个版本和冲突标记
  --> records/zzu/wang.yaml:18:1
   |
18 | <<<<<<< HEAD
   | ^^^^^^^
   = 提示: `<<<<<<<` 与 `=======` 之间是一个版本，`=======` 与 `>>>>>>>` 之间是另一个版本：保留正确的那个版本，删掉另一个版本和这三行标记

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: unresolved git merge conflict on lines 18 to 22: the file still holds both versions and the conflict markers
  --> records/zzu/wang.yaml:18:1
   |
18 | <<<<<<< HEAD
   | ^^^^^^^
   = help: the lines between `<<<<<<<` and `=======` are one version and those between `=======` and `>>>>>>>` the other: keep the right one, then delete the other and the three marker lines

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn rejects_merge_conflict_in_crlf_file() {
    // Markers are found before parsing, also with Windows line endings.
    let base = Fixture::base();
    let text = base.text(WANG).replace('\n', "\r\n");
    let fixture = base
        .file(WANG, &text)
        .replace(WANG, "plan: |\r\n", "<<<<<<< HEAD\r\nplan: |\r\n")
        .replace(
            WANG,
            "approval:\r\n",
            "=======\r\nplan: 每周一次。\r\n>>>>>>> main\r\napproval:\r\n",
        );

    let zh = "\
错误[E001]: 第 19 至 24 行是没有解决的 git 合并冲突：文件里同时留着两个版本和冲突标记
  --> records/zzu/wang.yaml:19:1
   |
19 | <<<<<<< HEAD
   | ^^^^^^^
   = 提示: `<<<<<<<` 与 `=======` 之间是一个版本，`=======` 与 `>>>>>>>` 之间是另一个版本：保留正确的那个版本，删掉另一个版本和这三行标记

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: unresolved git merge conflict on lines 19 to 24: the file still holds both versions and the conflict markers
  --> records/zzu/wang.yaml:19:1
   |
19 | <<<<<<< HEAD
   | ^^^^^^^
   = help: the lines between `<<<<<<<` and `=======` are one version and those between `=======` and `>>>>>>>` the other: keep the right one, then delete the other and the three marker lines

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

// Phones written without quotes

#[test]
fn keeps_leading_zero_of_unquoted_landline() {
    // If YAML dropped the zero, 37160000000 would be an invalid phone.
    let fixture =
        Fixture::base().replace(WANG, "  phone: \"13800000000\"", "  phone: 037160000000");

    let zh = "\
共 7 条记录：0 个错误，0 个警告
";
    let en = "\
0 errors and 0 warnings in 7 records
";
    assert_text(&fixture, CLEAN, zh, en);
}

#[test]
fn keeps_digits_of_unquoted_mobile() {
    let fixture = Fixture::base().replace(WANG, "  phone: \"13800000000\"", "  phone: 13800001234");

    let zh = "\
共 7 条记录：0 个错误，0 个警告
";
    let en = "\
0 errors and 0 warnings in 7 records
";
    assert_text(&fixture, CLEAN, zh, en);
}

#[test]
fn shows_unquoted_phone_with_leading_zero_as_written() {
    let fixture =
        Fixture::base().replace(WANG, "  phone: \"13800000000\"", "  phone: 0371600000001");

    let zh = "\
错误[E014]: `family.phone`（家庭联系方式）`0371600000001` 既不是手机号也不是固定电话：有 13 位数字，固定电话是 3 到 4 位区号加 7 到 8 位号码
  --> records/zzu/wang.yaml:12:10
   |
12 |   phone: 0371600000001
   |          ^^^^^^^^^^^^^
   = 提示: 写 11 位手机号，如 \"13800001234\"，或带区号的固定电话，如 \"0371-60001234\"，并加上引号

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E014]: `family.phone` (家庭联系方式) `0371600000001` is neither a mobile nor a landline number: it has 13 digits, and a landline is a 3- or 4-digit area code and 7 or 8 digits
  --> records/zzu/wang.yaml:12:10
   |
12 |   phone: 0371600000001
   |          ^^^^^^^^^^^^^
   = help: write an 11-digit mobile such as \"13800001234\" or a landline such as \"0371-60001234\", in quotes

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn shows_phone_with_two_hyphens_as_written() {
    let fixture =
        Fixture::base().replace(WANG, "  phone: \"13800000000\"", "  phone: 0371-6000-0000");

    let zh = "\
错误[E014]: `family.phone`（家庭联系方式）`0371-6000-0000` 既不是手机号也不是固定电话：有 2 个连字符，区号和号码之间只能有一个
  --> records/zzu/wang.yaml:12:10
   |
12 |   phone: 0371-6000-0000
   |          ^^^^^^^^^^^^^^
   = 提示: 写 11 位手机号，如 \"13800001234\"，或带区号的固定电话，如 \"0371-60001234\"，并加上引号

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E014]: `family.phone` (家庭联系方式) `0371-6000-0000` is neither a mobile nor a landline number: it has 2 hyphens, and only one goes between the area code and the number
  --> records/zzu/wang.yaml:12:10
   |
12 |   phone: 0371-6000-0000
   |          ^^^^^^^^^^^^^^
   = help: write an 11-digit mobile such as \"13800001234\" or a landline such as \"0371-60001234\", in quotes

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn shows_phone_with_plus_sign_as_written() {
    // YAML reads +8613800001234 as the number 8613800001234.
    let fixture =
        Fixture::base().replace(WANG, "  phone: \"13800000000\"", "  phone: +8613800001234");

    let zh = "\
错误[E014]: `family.phone`（家庭联系方式）`+8613800001234` 既不是手机号也不是固定电话：含有“+”，电话只能有数字和一个连字符
  --> records/zzu/wang.yaml:12:10
   |
12 |   phone: +8613800001234
   |          ^^^^^^^^^^^^^^
   = 提示: 写 11 位手机号，如 \"13800001234\"，或带区号的固定电话，如 \"0371-60001234\"，并加上引号

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E014]: `family.phone` (家庭联系方式) `+8613800001234` is neither a mobile nor a landline number: it contains `+`; a phone has only digits and one hyphen
  --> records/zzu/wang.yaml:12:10
   |
12 |   phone: +8613800001234
   |          ^^^^^^^^^^^^^^
   = help: write an 11-digit mobile such as \"13800001234\" or a landline such as \"0371-60001234\", in quotes

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

// Misspelled keys

#[test]
fn suggests_elderly_for_eldery() {
    let fixture = Fixture::base().replace(WANG, "  elderly: 1", "  eldery: 1");

    let zh = "\
错误[E004]: 缺少 `family.elderly`（家中老年人数）
 --> records/zzu/wang.yaml:8:1
  |
8 | family:
  | ^^^^^^
  = 提示: 加上一行 `elderly: ...`，填写家中老年人数

错误[E003]: 未知的键 `family.eldery`
  --> records/zzu/wang.yaml:13:3
   |
13 |   eldery: 1
   |   ^^^^^^
   = 提示: 是不是要写 `elderly`（家中老年人数）？

共 7 条记录：2 个错误，0 个警告
";
    let en = "\
error[E004]: `family.elderly` (家中老年人数) is missing
 --> records/zzu/wang.yaml:8:1
  |
8 | family:
  | ^^^^^^
  = help: add the line `elderly: ...` and fill in 家中老年人数

error[E003]: unknown key `family.eldery`
  --> records/zzu/wang.yaml:13:3
   |
13 |   eldery: 1
   |   ^^^^^^
   = help: did you mean `elderly` (家中老年人数)?

2 errors and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn suggests_minors_for_minor() {
    let fixture = Fixture::base().replace(WANG, "  minors: 1", "  minor: 1");

    let zh = "\
错误[E004]: 缺少 `family.minors`（未成年子女数）
 --> records/zzu/wang.yaml:8:1
  |
8 | family:
  | ^^^^^^
  = 提示: 加上一行 `minors: ...`，填写未成年子女数

错误[E003]: 未知的键 `family.minor`
  --> records/zzu/wang.yaml:15:3
   |
15 |   minor: 1
   |   ^^^^^
   = 提示: 是不是要写 `minors`（未成年子女数）？

共 7 条记录：2 个错误，0 个警告
";
    let en = "\
error[E004]: `family.minors` (未成年子女数) is missing
 --> records/zzu/wang.yaml:8:1
  |
8 | family:
  | ^^^^^^
  = help: add the line `minors: ...` and fill in 未成年子女数

error[E003]: unknown key `family.minor`
  --> records/zzu/wang.yaml:15:3
   |
15 |   minor: 1
   |   ^^^^^
   = help: did you mean `minors` (未成年子女数)?

2 errors and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn suggests_aided_hospital_for_aided_hosptial() {
    let fixture = Fixture::base().replace(WANG, "  aided_hospital:", "  aided_hosptial:");

    let zh = "\
错误[E004]: 缺少 `worker.aided_hospital`（援助医院（含在本院抗疫一线））
 --> records/zzu/wang.yaml:2:1
  |
2 | worker:
  | ^^^^^^
  = 提示: 加上一行 `aided_hospital: ...`，填写援助医院（含在本院抗疫一线）

错误[E003]: 未知的键 `worker.aided_hosptial`
 --> records/zzu/wang.yaml:6:3
  |
6 |   aided_hosptial: 武汉市某医院
  |   ^^^^^^^^^^^^^^
  = 提示: 是不是要写 `aided_hospital`（援助医院（含在本院抗疫一线））？

共 7 条记录：2 个错误，0 个警告
";
    let en = "\
error[E004]: `worker.aided_hospital` (援助医院（含在本院抗疫一线）) is missing
 --> records/zzu/wang.yaml:2:1
  |
2 | worker:
  | ^^^^^^
  = help: add the line `aided_hospital: ...` and fill in 援助医院（含在本院抗疫一线）

error[E003]: unknown key `worker.aided_hosptial`
 --> records/zzu/wang.yaml:6:3
  |
6 |   aided_hosptial: 武汉市某医院
  |   ^^^^^^^^^^^^^^
  = help: did you mean `aided_hospital` (援助医院（含在本院抗疫一线）)?

2 errors and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

// Quotes and brackets never closed

#[test]
fn points_at_unclosed_double_quote() {
    // The parser fails only on line 12, where the next quote closes the text.
    let fixture = Fixture::base().replace(
        WANG,
        "  hospital: 郑州大学第一附属医院",
        "  hospital: \"郑州大学第一附属医院",
    );

    let zh = "\
错误[E001]: 这里开始的引号 `\"` 没有闭合：`worker.hospital`（医务人员所属医院）把后面直到第 12 行的内容都当成了自己的值
 --> records/zzu/wang.yaml:5:13
  |
5 |   hospital: \"郑州大学第一附属医院
  |             ^
  = 提示: 在这个值的末尾补上 `\"`；值里没有 `#` 或 `: ` 时，也可以删掉开头的 `\"`

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: the quote `\"` opened here is never closed, so `worker.hospital` (医务人员所属医院) takes in the lines after it, up to line 12
 --> records/zzu/wang.yaml:5:13
  |
5 |   hospital: \"郑州大学第一附属医院
  |             ^
  = help: add the closing `\"` at the end of the value, or delete the opening `\"` when the value holds no `#` or `: `

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn points_at_unclosed_single_quote() {
    let fixture = Fixture::base().replace(
        WANG,
        "  hospital: 郑州大学第一附属医院",
        "  hospital: '郑州大学第一附属医院",
    );

    let zh = "\
错误[E001]: 这里开始的引号 `'` 没有闭合：`worker.hospital`（医务人员所属医院）把后面直到文件末尾的内容都当成了自己的值
 --> records/zzu/wang.yaml:5:13
  |
5 |   hospital: '郑州大学第一附属医院
  |             ^
  = 提示: 在这个值的末尾补上 `'`；值里没有 `#` 或 `: ` 时，也可以删掉开头的 `'`

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: the quote `'` opened here is never closed, so `worker.hospital` (医务人员所属医院) takes in the lines after it, up to the end of the file
 --> records/zzu/wang.yaml:5:13
  |
5 |   hospital: '郑州大学第一附属医院
  |             ^
  = help: add the closing `'` at the end of the value, or delete the opening `'` when the value holds no `#` or `: `

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn points_at_unclosed_bracket() {
    let fixture = Fixture::base().replace(WANG, "  grades: [小学三年级]", "  grades: [小学三年级");

    let zh = "\
错误[E001]: 这里开始的 `[` 没有对应的 `]`：`family.grades`（就读年级）把后面直到第 17 行的内容都当成了自己的一部分
  --> records/zzu/wang.yaml:16:11
   |
16 |   grades: [小学三年级
   |           ^
   = 提示: 在这一行的末尾补上 `]`

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: the `[` opened here is never closed, so `family.grades` (就读年级) takes in the lines after it, up to line 17
  --> records/zzu/wang.yaml:16:11
   |
16 |   grades: [小学三年级
   |           ^
   = help: add the closing `]` at the end of this line

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn points_at_unclosed_brace() {
    let fixture = Fixture::base().replace(WANG, "needs: [1, 2, 3]", "needs: {1, 2, 3");

    let zh = "\
错误[E001]: 这里开始的 `{` 没有对应的 `}`：`needs`（需要帮扶内容）把后面直到第 18 行的内容都当成了自己的一部分
  --> records/zzu/wang.yaml:17:8
   |
17 | needs: {1, 2, 3
   |        ^
   = 提示: 在这一行的末尾补上 `}`

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: the `{` opened here is never closed, so `needs` (需要帮扶内容) takes in the lines after it, up to line 18
  --> records/zzu/wang.yaml:17:8
   |
17 | needs: {1, 2, 3
   |        ^
   = help: add the closing `}` at the end of this line

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

// Wrong kind of value in a list

#[test]
fn points_at_number_among_grades() {
    let fixture = Fixture::base().replace(WANG, "  grades: [小学三年级]", "  grades: [初一, 3]");

    let zh = "\
错误[E002]: `family.grades`（就读年级）的第 2 项应当是文字，实际是数字 `3`
  --> records/zzu/wang.yaml:16:16
   |
16 |   grades: [初一, 3]
   |                  ^
   = 提示: 每一项都用文字写，例如 [小学三年级, 初中一年级]

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E002]: item 2 of `family.grades` (就读年级) must be text, found the number `3`
  --> records/zzu/wang.yaml:16:16
   |
16 |   grades: [初一, 3]
   |                  ^
   = help: write each item as words, for example [小学三年级, 初中一年级]

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn points_at_text_among_needs() {
    let fixture = Fixture::base().replace(WANG, "needs: [1, 2, 3]", "needs: [1, 学习辅导]");

    let zh = "\
错误[E002]: `needs`（需要帮扶内容）的第 2 项应当是 1 到 5 的代码，实际是文字 `学习辅导`
  --> records/zzu/wang.yaml:17:12
   |
17 | needs: [1, 学习辅导]
   |            ^^^^^^^^
   = 提示: 服务内容填数字：1 子女学习辅导，2 心理援助，3 健康咨询与在线问诊，4 生活帮扶，5 其他

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E002]: item 2 of `needs` (需要帮扶内容) must be a code from 1 to 5, found the text `学习辅导`
  --> records/zzu/wang.yaml:17:12
   |
17 | needs: [1, 学习辅导]
   |            ^^^^^^^^
   = help: write the service codes as numbers: 1 子女学习辅导, 2 心理援助, 3 健康咨询与在线问诊, 4 生活帮扶, 5 其他

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

// Positions on the first and last line, after a block and with CRLF

#[test]
fn locates_value_on_first_line() {
    let fixture = Fixture::base().replace(WANG, "university: 郑州大学", "university: 郑大");

    let zh = "\
警告[W001]: 郑大不在活动设置的高校名单中
 --> records/zzu/wang.yaml:1:13
  |
1 | university: 郑大
  |             ^^^^
  = 提示: 是不是 郑州大学？高校要写名单中的全称；确是另一所高校时，在 campaign.yaml 的 `universities:` 中加上它

错误[E016]: 团队 `zzu-01` 属于郑州大学，而这户家庭的高校“郑大”不在名单中
  --> records/zzu/wang.yaml:18:7
   |
18 | team: zzu-01
   |       ^^^^^^
   = 提示: 如果这户家庭属于郑州大学，把 `university` 改为 郑州大学

共 7 条记录：1 个错误，1 个警告
";
    let en = "\
warning[W001]: 郑大 is not in the campaign's list of universities
 --> records/zzu/wang.yaml:1:13
  |
1 | university: 郑大
  |             ^^^^
  = help: did you mean 郑州大学? Write the full name from the list, or add a new university under `universities:` in campaign.yaml

error[E016]: team `zzu-01` belongs to 郑州大学, and this family's university 郑大 is not in the campaign's list
  --> records/zzu/wang.yaml:18:7
   |
18 | team: zzu-01
   |       ^^^^^^
   = help: if the family belongs to 郑州大学, write `university: 郑州大学`

1 error and 1 warning in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn locates_key_on_last_line() {
    let fixture = Fixture::base().replace(
        WANG,
        "    note: 孩子按时完成了作业。",
        "    nite: 孩子按时完成了作业。",
    );

    let zh = "\
错误[E003]: 未知的键 `visits.0.nite`
  --> records/zzu/wang.yaml:28:5
   |
28 |     nite: 孩子按时完成了作业。
   |     ^^^^
   = 提示: 是不是要写 `note`（回访记录）？

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E003]: unknown key `visits.0.nite`
  --> records/zzu/wang.yaml:28:5
   |
28 |     nite: 孩子按时完成了作业。
   |     ^^^^
   = help: did you mean `note` (回访记录)?

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn locates_key_on_last_line_without_newline() {
    let fixture = Fixture::base().replace(
        WANG,
        "    note: 孩子按时完成了作业。\n",
        "    nite: 孩子按时完成了作业。",
    );

    let zh = "\
错误[E003]: 未知的键 `visits.0.nite`
  --> records/zzu/wang.yaml:28:5
   |
28 |     nite: 孩子按时完成了作业。
   |     ^^^^
   = 提示: 是不是要写 `note`（回访记录）？

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E003]: unknown key `visits.0.nite`
  --> records/zzu/wang.yaml:28:5
   |
28 |     nite: 孩子按时完成了作业。
   |     ^^^^
   = help: did you mean `note` (回访记录)?

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn locates_value_after_block_scalar() {
    let fixture = Fixture::base().replace(
        WANG,
        "team: zzu-01\nplan: |\n  每周两次线上辅导数学，每周一次电话问候老人。\n",
        "plan: |\n  每周两次线上辅导数学，每周一次电话问候老人。\nteam: zzu-02\n",
    );

    let zh = "\
错误[E015]: 郑州大学没有编号为 `zzu-02` 的团队
  --> records/zzu/wang.yaml:20:7
   |
20 | team: zzu-02
   |       ^^^^^^
   = 提示: 写本校一个团队的编号（`teams` 文件夹中团队文件的文件名，不含 .yaml）：zzu-01

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E015]: no team of 郑州大学 has the id `zzu-02`
  --> records/zzu/wang.yaml:20:7
   |
20 | team: zzu-02
   |       ^^^^^^
   = help: write the id (file name without .yaml) of a team of the same university: zzu-01

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn locates_value_in_crlf_file() {
    let base = Fixture::base();
    let text = base.text(WANG).replace('\n', "\r\n");
    let fixture =
        base.file(WANG, &text)
            .replace(WANG, "  phone: \"13800000000\"", "  phone: \"138000000\"");

    let zh = "\
错误[E014]: `family.phone`（家庭联系方式）`138000000` 既不是手机号也不是固定电话：有 9 位数字，手机号是 11 位
  --> records/zzu/wang.yaml:12:10
   |
12 |   phone: \"138000000\"
   |          ^^^^^^^^^^^
   = 提示: 写 11 位手机号，如 \"13800001234\"，或带区号的固定电话，如 \"0371-60001234\"，并加上引号

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E014]: `family.phone` (家庭联系方式) `138000000` is neither a mobile nor a landline number: it has 9 digits, and a mobile has 11
  --> records/zzu/wang.yaml:12:10
   |
12 |   phone: \"138000000\"
   |          ^^^^^^^^^^^
   = help: write an 11-digit mobile such as \"13800001234\" or a landline such as \"0371-60001234\", in quotes

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}

#[test]
fn locates_full_width_colon_in_crlf_file() {
    let base = Fixture::base();
    let text = base.text(WANG).replace('\n', "\r\n");
    let fixture = base
        .file(WANG, &text)
        .replace(WANG, "  size: 4", "  size：4");

    let zh = "\
错误[E001]: `family.size`（家庭人数）后面是全角冒号 `：`，YAML 认不出这是一个键
 --> records/zzu/wang.yaml:9:7
  |
9 |   size：4
  |       ^^
  = 提示: 把 `：` 改成半角冒号和一个空格 `: `，写成 `size: 4`（把输入法切换到半角）

共 7 条记录：1 个错误，0 个警告
";
    let en = "\
error[E001]: `family.size` (家庭人数) is followed by a full-width colon `：`, so YAML does not read it as a key
 --> records/zzu/wang.yaml:9:7
  |
9 |   size：4
  |       ^^
  = help: replace `：` with a half-width colon and a space, `: `, as in `size: 4` (switch the input method to 半角)

1 error and 0 warnings in 7 records
";
    assert_text(&fixture, ERRORS, zh, en);
}
