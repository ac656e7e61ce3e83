//! Message text (markdown) rendered to HTML that is safe to insert into the webview:
//! no script, no event handlers, no `javascript:` or `data:` URLs, no iframes, no forms,
//! no images (they would load from remote hosts), no styles. Links keep only http,
//! https and mailto targets; the page opens them in the system browser.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{html, Options, Parser};

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let tags: HashSet<&str> = [
            "a",
            "p",
            "br",
            "hr",
            "strong",
            "b",
            "em",
            "i",
            "del",
            "s",
            "code",
            "pre",
            "blockquote",
            "ul",
            "ol",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "sup",
            "sub",
            "kbd",
        ]
        .into_iter()
        .collect();
        let mut b = ammonia::Builder::empty();
        b.tags(tags)
            .generic_attributes(HashSet::new())
            .tag_attributes(
                [("a", ["href", "title"].into_iter().collect::<HashSet<_>>())]
                    .into_iter()
                    .collect(),
            )
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .url_relative(ammonia::UrlRelative::Deny)
            .link_rel(Some("noopener noreferrer nofollow"))
            .strip_comments(true)
            .clean_content_tags(
                [
                    "script", "style", "iframe", "object", "embed", "template", "svg", "math",
                    "noscript", "textarea", "title",
                ]
                .into_iter()
                .collect(),
            );
        b
    })
}

/// Markdown to sanitised HTML. Images become their alt text in brackets.
pub fn render(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_TASKLISTS);
    let parser = Parser::new_ext(markdown, options).map(|event| match event {
        // Images would load from wherever the agent points; show their text instead.
        pulldown_cmark::Event::Start(pulldown_cmark::Tag::Image { .. }) => {
            pulldown_cmark::Event::Text("[image: ".into())
        }
        pulldown_cmark::Event::End(pulldown_cmark::TagEnd::Image) => {
            pulldown_cmark::Event::Text("]".into())
        }
        other => other,
    });
    let mut raw = String::new();
    html::push_html(&mut raw, parser);
    sanitizer().clean(&raw).to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn formatting_survives() {
        let html = render("**bold** _it_ `code`\n\n- a\n- b\n\n[site](https://example.com)");
        assert!(html.contains("<strong>bold</strong>"));
        assert!(html.contains("<li>a</li>"));
        assert!(
            html.contains(
                r#"<a href="https://example.com" rel="noopener noreferrer nofollow">site</a>"#
            ),
            "{html}"
        );
    }

    #[test]
    fn hostile_input_is_neutralised() {
        let cases = [
            "<script>window.pwned=1</script>",
            "<img src=x onerror=\"window.pwned=1\">",
            "[x](javascript:window.pwned=1)",
            "[x](data:text/html,<script>1</script>)",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg onload=\"window.pwned=1\"><circle/></svg>",
            "<math><mtext><script>1</script></mtext></math>",
            "![tracker](https://evil.example/pixel.png)",
            "<a href=\"https://x\" onclick=\"window.pwned=1\">x</a>",
            "<div style=\"background:url(https://evil.example)\">x</div>",
            "<form action=\"https://evil.example\"><input></form>",
            "[rel](/relative/path)",
        ];
        for c in cases {
            let html = render(c).to_ascii_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onload",
                "onclick",
                "javascript:",
                "data:",
                "<iframe",
                "<svg",
                "<math",
                "<img",
                "style=",
                "<form",
                "<input",
                "evil.example",
                "href=\"/relative",
            ] {
                assert!(
                    !html.contains(bad),
                    "`{c}` rendered `{html}` which contains `{bad}`"
                );
            }
        }
        assert_eq!(
            render("![tracker](https://evil.example/p.png)").trim(),
            "<p>[image: tracker]</p>"
        );
    }
}
