//! Markdown fields of a record (`plan`, `needs_summary`, `offline`, visit
//! `note`) rendered to HTML that is safe to insert into a page: raw HTML is
//! shown as text and only http, https, mailto and relative links stay live.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// URL schemes that a link or image may use. A link with any other scheme is shown as text.
const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Renders Markdown to HTML in which record text cannot run as markup.
///
/// Raw HTML, block or inline, comes out escaped, as the text the author typed.
/// A link or image whose destination has a scheme other than http, https or
/// mailto loses its tag and keeps only its text (an image keeps its alt text).
pub fn render_markdown(source: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let parser = Parser::new_ext(source, options);
    let mut dropped_ends: Vec<bool> = Vec::new();
    let events = parser.filter_map(|event| neutralize(event, &mut dropped_ends));

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
