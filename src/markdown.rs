//! Markdown fields of a record (`plan`, `needs_summary`, `offline`, visit
//! `note`) rendered to HTML that is safe to insert into a page: raw HTML is
//! shown as text and only http, https, mailto and relative links stay live.
//!
//! Two passes adapt CommonMark to Chinese text. CommonMark's flanking rules
//! leave `**注意：**老人` unbolded, because a closing `**` preceded by
//! punctuation must be followed by space or punctuation, and Chinese puts
//! neither between words. The leftover `*` runs next to CJK text are paired
//! here. A line break between two CJK characters is dropped, because
//! browsers show it as a space that Chinese text does not have.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// URL schemes that a link or image may use. A link with any other scheme is shown as text.
const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Renders Markdown to HTML in which record text cannot run as markup.
///
/// Raw HTML, block or inline, comes out escaped, as the text the author typed.
/// A link or image whose destination has a scheme other than http, https or
/// mailto loses its tag and keeps only its text (an image keeps its alt text).
/// `*` and `**` that CommonMark leaves unmatched next to CJK text become
/// emphasis when they pair up inside one block, and a line break between
/// two CJK characters disappears.
pub fn render_markdown(source: &str) -> String {
    if is_plain_line(source) {
        return format!("<p>{source}</p>\n");
    }
    if let Some(html) = render_plain_lines(source) {
        return html;
    }
    render_parsed(source)
}

/// Renders text of several plain lines, as [`is_plain_line`] defines them,
/// without parsing. CommonMark makes one paragraph of them, joined by soft
/// breaks. A soft break becomes a line break, except between two CJK
/// characters, where [`render_markdown`] drops it. Returns `None` for any
/// other text, such as one with a blank line inside. A block scalar's final
/// line break is allowed.
fn render_plain_lines(source: &str) -> Option<String> {
    let text = source.strip_suffix('\n').unwrap_or(source);
    if !text.contains('\n') {
        return None;
    }
    let mut html = String::with_capacity(text.len() + 9);
    html.push_str("<p>");
    let mut previous: Option<char> = None;
    for line in text.split('\n') {
        if !is_plain_line(line) {
            return None;
        }
        if let Some(last) = previous {
            let first = line.chars().next();
            if !(is_cjk(last) && first.is_some_and(is_cjk)) {
                html.push('\n');
            }
        }
        html.push_str(line);
        previous = line.chars().next_back();
    }
    html.push_str("</p>\n");
    Some(html)
}

/// Returns whether CommonMark renders `source` as one paragraph that contains
/// the text unchanged, so that it needs no parsing. That is so when the text
/// is not empty and has no ASCII punctuation, which every Markdown construct,
/// entity, escape and HTML-escaped character needs. It must also have no control
/// character, line break or tab, no byte order mark, and no whitespace
/// other than single spaces inside it.
fn is_plain_line(source: &str) -> bool {
    let plain_characters = source.chars().all(|c| {
        let whitespace = c.is_whitespace() && c != ' ';
        !(c.is_ascii_punctuation() || c.is_control() || whitespace || c == '\u{FEFF}')
    });
    let trimmed = !source.starts_with(' ') && !source.ends_with(' ');
    plain_characters && trimmed && !source.is_empty() && !source.contains("  ")
}

/// Renders Markdown as [`render_markdown`] does, always through the parser.
fn render_parsed(source: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let parsed: Vec<(Event, Range<usize>)> = Parser::new_ext(source, options)
        .into_offset_iter()
        .collect();
    let paired = pair_cjk_emphasis(parsed, source);

    let mut dropped_ends: Vec<bool> = Vec::new();
    let events = paired
        .into_iter()
        .filter(|(event, range)| !is_cjk_soft_break(event, range, source))
        .filter_map(|(event, _)| neutralize(event, &mut dropped_ends));

    let mut output = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut output, events);
    output
}

/// Returns whether a link destination is safe to keep live: it has no scheme
/// (a relative or fragment link) or one of http, https and mailto.
pub fn is_allowed_url(url: &str) -> bool {
    // The WHATWG URL parser strips leading control characters and spaces
    // and drops tabs and newlines anywhere, so `java\tscript:` still runs
    // script. Removing them all first finds the scheme a browser would use.
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    let scheme_end = cleaned.find([':', '/', '?', '#']);
    match scheme_end {
        Some(index) if cleaned[index..].starts_with(':') => {
            let scheme = &cleaned[..index];
            ALLOWED_SCHEMES
                .iter()
                .any(|allowed| scheme.eq_ignore_ascii_case(allowed))
        }
        // `//host/path` is relative in form only: it leaves the site for
        // another host, so it is treated like an absolute link without a scheme.
        None | Some(_) if cleaned.starts_with("//") || cleaned.starts_with("\\\\") => false,
        _ => true,
    }
}

/// Rewrites one event so that it cannot produce live markup. `dropped_ends`
/// tracks, for each open link or image, whether its start tag was dropped,
/// so the matching end tag is dropped too.
fn neutralize<'a>(event: Event<'a>, dropped_ends: &mut Vec<bool>) -> Option<Event<'a>> {
    match event {
        Event::Html(text) | Event::InlineHtml(text) => Some(Event::Text(text)),
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        Event::Start(Tag::Link { ref dest_url, .. })
        | Event::Start(Tag::Image { ref dest_url, .. }) => {
            let allowed = is_allowed_url(dest_url);
            dropped_ends.push(!allowed);
            allowed.then_some(event)
        }
        Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
            let dropped = dropped_ends.pop().unwrap_or(false);
            (!dropped).then_some(event)
        }
        other => Some(other),
    }
}

/// A run of unescaped `*` that CommonMark left as text, as indexes into the
/// event list.
#[derive(Debug, Clone, Copy)]
struct Delimiter {
    first: usize,
    length: usize,
}

/// One entry of the stack of open delimiters: an opening run, or the start
/// of an element that no emphasis may cross.
enum Open {
    Run(Delimiter),
    Element,
}

/// Turns leftover `*` runs next to CJK text into emphasis events.
///
/// pulldown-cmark 0.13 reports each unmatched `*` as its own one-character
/// text event. Consecutive ones form a run. A run touching a CJK character
/// or CJK punctuation on either side opens when text follows it and closes
/// when text precedes it. A closing run matches the nearest open run of the
/// same length inside the same element: 1 gives `<em>`, 2 `<strong>` and 3
/// both. Runs of other lengths and runs left unmatched stay text.
fn pair_cjk_emphasis<'a>(
    mut events: Vec<(Event<'a>, Range<usize>)>,
    source: &str,
) -> Vec<(Event<'a>, Range<usize>)> {
    let mut stack: Vec<Open> = Vec::new();
    let mut index = 0;
    while index < events.len() {
        match &events[index].0 {
            Event::Start(_) => stack.push(Open::Element),
            Event::End(_) => while let Some(Open::Run(_)) = stack.pop() {},
            _ => {}
        }
        let length = star_run_length(&events[index..], source);
        if length == 0 {
            index += 1;
            continue;
        }

        let run = Delimiter {
            first: index,
            length,
        };
        let range = events[index].1.start..events[index + length - 1].1.end;
        let (before, after) = neighbours(source, &range);
        let touches_cjk = before.is_some_and(is_cjk) || after.is_some_and(is_cjk);
        let can_open = after.is_some_and(|c| !c.is_whitespace());
        let can_close = before.is_some_and(|c| !c.is_whitespace());
        let opener = can_close.then(|| matching_opener(&stack, run)).flatten();
        if touches_cjk && (1..=3).contains(&length) {
            if let Some((position, open)) = opener {
                stack.truncate(position);
                set_emphasis(&mut events, open, run);
            } else if can_open {
                stack.push(Open::Run(run));
            }
        }
        index += length;
    }
    events.retain(|(event, _)| !matches!(event, Event::Text(text) if text.is_empty()));
    events
}

/// Returns the number of consecutive events from the first one that are
/// each one unescaped `*` of the source, adjacent to the previous one.
fn star_run_length(events: &[(Event, Range<usize>)], source: &str) -> usize {
    let mut length = 0;
    let mut expected_start = None;
    for (event, range) in events {
        let is_star = matches!(event, Event::Text(text) if text.as_ref() == "*")
            && source.get(range.clone()) == Some("*")
            && expected_start.is_none_or(|start| start == range.start)
            && !is_escaped(source, range.start);
        if !is_star {
            break;
        }
        length += 1;
        expected_start = Some(range.end);
    }
    length
}

/// Returns whether the byte at `index` follows an odd number of backslashes.
/// pulldown-cmark gives an escaped `\*` the range of the `*` alone, so the
/// backslash has to be looked up in the source.
fn is_escaped(source: &str, index: usize) -> bool {
    let backslashes = source.as_bytes()[..index]
        .iter()
        .rev()
        .take_while(|&&byte| byte == b'\\')
        .count();
    backslashes % 2 == 1
}

/// Returns the nearest open run as long as `closer` and its position in
/// `stack`, unless an element starts after it.
fn matching_opener(stack: &[Open], closer: Delimiter) -> Option<(usize, Delimiter)> {
    for (position, open) in stack.iter().enumerate().rev() {
        match open {
            Open::Element => return None,
            Open::Run(run) if run.length == closer.length => {
                // An opener right before the closer would make empty emphasis.
                let adjacent = run.first + run.length == closer.first;
                return (!adjacent).then_some((position, *run));
            }
            Open::Run(_) => {}
        }
    }
    None
}

/// Replaces the `*` events of a matched pair with emphasis tags. The events
/// left over become empty text, which the caller removes.
fn set_emphasis(events: &mut [(Event, Range<usize>)], open: Delimiter, close: Delimiter) {
    let (starts, ends): (Vec<Event>, Vec<Event>) = match open.length {
        1 => (
            vec![Event::Start(Tag::Emphasis)],
            vec![Event::End(TagEnd::Emphasis)],
        ),
        2 => (
            vec![Event::Start(Tag::Strong)],
            vec![Event::End(TagEnd::Strong)],
        ),
        _ => (
            vec![Event::Start(Tag::Emphasis), Event::Start(Tag::Strong)],
            vec![Event::End(TagEnd::Strong), Event::End(TagEnd::Emphasis)],
        ),
    };
    for offset in 0..open.length {
        events[open.first + offset].0 = Event::Text("".into());
        events[close.first + offset].0 = Event::Text("".into());
    }
    for (offset, event) in starts.into_iter().enumerate() {
        events[open.first + offset].0 = event;
    }
    for (offset, event) in ends.into_iter().enumerate() {
        events[close.first + offset].0 = event;
    }
}

/// Returns the characters of the source just before and just after `range`.
fn neighbours(source: &str, range: &Range<usize>) -> (Option<char>, Option<char>) {
    let before = source
        .get(..range.start)
        .and_then(|text| text.chars().next_back());
    let after = source.get(range.end..).and_then(|text| text.chars().next());
    (before, after)
}

/// Returns whether `event` is a soft line break between two CJK characters,
/// ignoring the spaces around the line ending.
fn is_cjk_soft_break(event: &Event, range: &Range<usize>, source: &str) -> bool {
    if !matches!(event, Event::SoftBreak) {
        return false;
    }
    let before = source
        .get(..range.start)
        .and_then(|text| text.trim_end().chars().next_back());
    let after = source
        .get(range.end..)
        .and_then(|text| text.trim_start().chars().next());
    before.is_some_and(is_cjk) && after.is_some_and(is_cjk)
}

/// Returns whether `c` is a CJK character or CJK punctuation: ideographs,
/// kana, hangul, CJK symbols, full-width forms, and the quotation marks,
/// dash and ellipsis that Chinese text shares with English.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FFF}'     // radicals, ideographic description
        | '\u{3000}'..='\u{303F}'   // CJK symbols and punctuation: 、。「」
        | '\u{3040}'..='\u{31FF}'   // kana, bopomofo, hangul jamo
        | '\u{3200}'..='\u{4DBF}'   // enclosed, compatibility, extension A
        | '\u{4E00}'..='\u{9FFF}'   // unified ideographs
        | '\u{AC00}'..='\u{D7AF}'   // hangul syllables
        | '\u{F900}'..='\u{FAFF}'   // compatibility ideographs
        | '\u{FE30}'..='\u{FE4F}'   // CJK compatibility forms
        | '\u{FF00}'..='\u{FFEF}'   // full-width forms: ，：！（）
        | '\u{20000}'..='\u{3FFFF}' // extensions B and later
        | '‘' | '’' | '“' | '”' | '—' | '…'
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn plain_line_renders_as_parser_does(
            source in "[a1郑，。（） \u{3000}\u{00A0}\u{FEFF}\u{200B}*_<&#>\\\n\t-]{0,12}"
        ) {
            if is_plain_line(&source) {
                prop_assert_eq!(render_markdown(&source), render_parsed(&source));
            }
        }

        #[test]
        fn mostly_plain_line_renders_as_parser_does(
            source in "[a1郑，。（）“” \u{00A0}\u{200B}\u{2014}]{0,16}"
        ) {
            if is_plain_line(&source) {
                prop_assert_eq!(render_markdown(&source), render_parsed(&source));
            }
        }
    }

    proptest! {
        #[test]
        fn plain_lines_render_as_parser_does(
            source in "[a1郑，。“— \u{3000}\u{00A0}*<&\n\t-]{0,24}"
        ) {
            if let Some(html) = render_plain_lines(&source) {
                prop_assert_eq!(html, render_parsed(&source));
            }
        }

        #[test]
        fn mostly_plain_lines_render_as_parser_does(
            lines in proptest::collection::vec("[a1郑，。“”— ]{1,10}", 2..6),
            final_break in proptest::bool::ANY,
        ) {
            let mut source = lines.join("\n");
            if final_break {
                source.push('\n');
            }
            if let Some(html) = render_plain_lines(&source) {
                prop_assert_eq!(html, render_parsed(&source));
            }
        }
    }

    #[test]
    fn plain_lines_skip_parser() {
        for source in [
            "老人身体平稳，\n已按时服药。\n",
            "每周 2 次\nonline 辅导",
            "line one\nline two\n",
            "郑州\nabc\n大学",
        ] {
            let html = render_plain_lines(source);
            assert_eq!(html, Some(render_parsed(source)), "{source:?}");
        }
        for source in ["一行", "两段\n\n文字", "a\n- 列表", "前\n 有空格", "a\r\nb"] {
            assert_eq!(render_plain_lines(source), None, "{source:?}");
        }
    }

    #[test]
    fn plain_line_skips_parser() {
        for source in ["老人身体平稳，已按时服药。", "每周 2 次 online 辅导", "一"]
        {
            assert!(is_plain_line(source), "{source}");
            assert_eq!(render_markdown(source), render_parsed(source), "{source}");
        }
        for source in [
            "",
            " 前有空格",
            "后有空格 ",
            "两个  空格",
            "**加粗**",
            "两行\n文字",
            "a\tb",
            "\u{3000}全角空格",
            "1. 列表",
            "a &amp; b",
        ] {
            assert!(!is_plain_line(source), "{source:?}");
        }
    }

    #[test]
    fn network_path_links_are_dropped() {
        for url in ["//evil.example/x", "\\\\evil.example\\x", " //evil.example"] {
            assert!(!is_allowed_url(url), "{url}");
        }
        assert!(is_allowed_url("../zzu/index.html"));
        let html = render_markdown("[资料](//evil.example/x)");
        assert!(!html.contains("href"), "{html}");
    }

    #[test]
    fn renders_basic_markdown() {
        let html = render_markdown("每周**两次**线上辅导\n\n- 数学\n- 语文");
        assert!(html.contains("<strong>两次</strong>"), "{html}");
        assert!(html.contains("<li>数学</li>"), "{html}");
    }

    #[test]
    fn block_html_is_escaped() {
        let html = render_markdown("<script>alert(1)</script>\n\n正文");
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("<p>正文</p>"), "{html}");
    }

    #[test]
    fn block_html_div_is_escaped() {
        let html = render_markdown("<div onclick=\"x()\">\n文字\n</div>");
        assert!(!html.contains("<div"), "{html}");
        assert!(html.contains("&lt;div onclick"), "{html}");
    }

    #[test]
    fn inline_html_is_escaped() {
        let html = render_markdown("请<b onmouseover=\"x()\">注意</b>安全");
        assert!(!html.contains("<b "), "{html}");
        assert!(html.contains("&lt;b onmouseover="), "{html}");
        assert!(html.contains("&lt;/b&gt;"), "{html}");
    }

    #[test]
    fn html_comment_is_escaped() {
        let html = render_markdown("前 <!-- 隐藏 --> 后");
        assert!(html.contains("&lt;!-- 隐藏 --&gt;"), "{html}");
    }

    #[test]
    fn allowed_links_stay_live() {
        let html = render_markdown(
            "[课表](https://example.org/a) [站内](../zzu/index.html) [信](mailto:a@example.org) [锚](#top)",
        );
        assert!(
            html.contains("<a href=\"https://example.org/a\">课表</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"../zzu/index.html\">站内</a>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"mailto:a@example.org\">信</a>"),
            "{html}"
        );
        assert!(html.contains("<a href=\"#top\">锚</a>"), "{html}");
    }

    #[test]
    fn other_schemes_become_text() {
        let html = render_markdown(
            "[点我](javascript:alert(1)) [数据](data:text/html,x) [实体](&#106;avascript:alert(2))",
        );
        assert!(!html.contains("<a"), "{html}");
        assert!(html.contains("点我"), "{html}");
        assert!(html.contains("数据"), "{html}");
        assert!(html.contains("实体"), "{html}");
    }

    #[test]
    fn autolink_with_other_scheme_becomes_text() {
        let html = render_markdown("<javascript:alert(1)>");
        assert!(!html.contains("<a"), "{html}");
        assert!(html.contains("javascript:alert(1)"), "{html}");
    }

    #[test]
    fn images_follow_the_same_rule() {
        let html = render_markdown("![图一](photo.png) ![坏图](javascript:x)");
        assert!(
            html.contains("<img src=\"photo.png\" alt=\"图一\""),
            "{html}"
        );
        assert!(!html.contains("javascript"), "{html}");
        assert!(html.contains("坏图"), "{html}");
    }

    #[test]
    fn scheme_check_ignores_case_and_hidden_whitespace() {
        assert!(is_allowed_url("HTTPS://example.org"));
        assert!(is_allowed_url("page.html?x=a:b"));
        assert!(is_allowed_url("folder/a:b.html"));
        assert!(!is_allowed_url("JavaScript:alert(1)"));
        assert!(!is_allowed_url("java\tscript:alert(1)"));
        assert!(!is_allowed_url(" vbscript:x"));
        assert!(!is_allowed_url("file:///etc/passwd"));
    }
    #[test]
    fn bold_closes_after_full_width_colon() {
        let html = render_markdown("**注意：**老人需每日服药");
        assert_eq!(html, "<p><strong>注意：</strong>老人需每日服药</p>\n");
    }

    #[test]
    fn bold_around_chinese_quotes() {
        let html = render_markdown("请**“按时”**服药");
        assert_eq!(html, "<p>请<strong>“按时”</strong>服药</p>\n");
    }

    #[test]
    fn emphasis_closes_after_full_width_punctuation() {
        let html = render_markdown("每天*两次！*提醒");
        assert_eq!(html, "<p>每天<em>两次！</em>提醒</p>\n");
    }

    #[test]
    fn triple_star_gives_strong_emphasis() {
        let html = render_markdown("***重要：***按时服药");
        assert_eq!(html, "<p><em><strong>重要：</strong></em>按时服药</p>\n");
    }

    #[test]
    fn bold_with_nested_emphasis_after_colon() {
        let html = render_markdown("**每日*两次*：**服药");
        assert_eq!(html, "<p><strong>每日<em>两次</em>：</strong>服药</p>\n");
    }

    #[test]
    fn bold_in_list_item_and_heading() {
        let html = render_markdown("- **用药：**降压药\n\n## **提醒：**每周");
        assert!(
            html.contains("<li><strong>用药：</strong>降压药</li>"),
            "{html}"
        );
        assert!(
            html.contains("<h2><strong>提醒：</strong>每周</h2>"),
            "{html}"
        );
    }

    #[test]
    fn escaped_stars_stay_text() {
        let html = render_markdown("\\*\\*注意：\\*\\*老人");
        assert_eq!(html, "<p>**注意：**老人</p>\n");
    }

    #[test]
    fn unmatched_star_stays_text() {
        let html = render_markdown("**注意：老人需每日服药");
        assert_eq!(html, "<p>**注意：老人需每日服药</p>\n");
    }

    #[test]
    fn stars_between_latin_words_stay_text() {
        // CommonMark's own rules decide outside CJK text.
        let html = render_markdown("a **b:**c");
        assert_eq!(html, "<p>a **b:**c</p>\n");
    }

    #[test]
    fn stars_do_not_pair_across_paragraphs() {
        let html = render_markdown("**注意：\n\n**老人");
        assert!(!html.contains("<strong>"), "{html}");
    }

    #[test]
    fn stars_in_code_stay_code() {
        let html = render_markdown("`**注意：**`老人");
        assert_eq!(html, "<p><code>**注意：**</code>老人</p>\n");
    }

    #[test]
    fn plain_emphasis_still_works() {
        let html = render_markdown("每周**两次**辅导，*线上*为主");
        assert_eq!(
            html,
            "<p>每周<strong>两次</strong>辅导，<em>线上</em>为主</p>\n"
        );
    }

    #[test]
    fn line_break_between_chinese_adds_no_space() {
        let html = render_markdown("每周两次线上辅导，\n周末心理疏导");
        assert_eq!(html, "<p>每周两次线上辅导，周末心理疏导</p>\n");
    }

    #[test]
    fn line_break_between_chinese_characters_with_spaces() {
        let html = render_markdown("每周两次 \n  周末心理疏导");
        assert_eq!(html, "<p>每周两次周末心理疏导</p>\n");
    }

    #[test]
    fn line_break_next_to_latin_text_stays() {
        let html = render_markdown("数学 math\n英语");
        assert_eq!(html, "<p>数学 math\n英语</p>\n");
        let html = render_markdown("语文\nEnglish");
        assert_eq!(html, "<p>语文\nEnglish</p>\n");
    }

    #[test]
    fn hard_break_stays() {
        let html = render_markdown("每周两次\\\n周末");
        assert_eq!(html, "<p>每周两次<br />\n周末</p>\n");
    }

    #[test]
    fn escaped_html_next_to_bold_stays_escaped() {
        let html = render_markdown("**注意：**<b>老人</b>");
        assert!(html.contains("<strong>注意：</strong>&lt;b&gt;"), "{html}");
    }
}
