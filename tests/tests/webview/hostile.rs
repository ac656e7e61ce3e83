//! Safety: agent-supplied text never runs, never loads anything, and shows as text.
//!
//! Sixty hostile payloads (script tags, event handler attributes, `javascript:` and
//! `data:` links, SVG and MathML tricks, iframes and other embedders, markdown link and
//! image tricks, HTML entities, template syntax, very long text, right-to-left overrides)
//! go into message text, approval option labels, selection items, form labels,
//! descriptions, units, placeholders and select options, text-input placeholder and
//! prefill, a freeform schema, and agent names. Every payload that could run tries to
//! set `window.__pwned`, `document.title = 'pwned'` or create an element `#pwned`, and
//! every one that could load something points at a local TCP listener. Each window must
//! show no trace of any of that, the listener must see no connection, and label-type
//! fields must hold exactly the payload as text.

use placet_e2e::webdriver::Session;
use serde_json::{json, Value};

use crate::support::{artifact_screenshot, wait_review_ready, Tripwire, WebviewWorld, T};

/// The payloads; `u` is the tripwire's URL.
fn payloads(u: &str) -> Vec<String> {
    let list = [
        "<script>window.__pwned=1</script>",
        "<script src=\"{U}/s.js\"></script>",
        "<img src=x onerror=\"window.__pwned=1\">",
        "<img src=\"{U}/pixel.png\">",
        "<img srcset=\"{U}/srcset.png 1x\">",
        "<svg onload=\"window.__pwned=1\"><circle r=\"1\"></circle></svg>",
        "<svg><script>window.__pwned=1</script></svg>",
        "<svg><a xlink:href=\"javascript:window.__pwned=1\"><text y=\"20\">svg link</text></a></svg>",
        "<svg><image href=\"{U}/svg-image.png\"></image></svg>",
        "<svg><use href=\"{U}/sprite.svg#x\"></use></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=\"window.__pwned=1\">",
        "<math href=\"javascript:window.__pwned=1\">math link</math>",
        "<iframe src=\"{U}/frame\"></iframe>",
        "<iframe srcdoc=\"<script>parent.__pwned=1</script>\"></iframe>",
        "<object data=\"{U}/object\"></object>",
        "<embed src=\"{U}/embed\">",
        "<a href=\"javascript:window.__pwned=1\">click me</a>",
        "<a href=\"JaVaScRiPt:window.__pwned=1\">mixed case</a>",
        "<a href=\"&#106;avascript:window.__pwned=1\">entity scheme</a>",
        "<a href=\"java\tscript:window.__pwned=1\">tab in scheme</a>",
        "[markdown link](javascript:window.__pwned=1)",
        "[data link](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)",
        "![tracker]({U}/md-image.png)",
        "![x](x\" onerror=\"window.__pwned=1)",
        "[reference link][1]\n\n[1]: javascript:window.__pwned=1",
        "<div id=\"pwned\">injected element</div>",
        "<p id=pwned>paragraph with an id</p>",
        "<details open ontoggle=\"window.__pwned=1\">toggle</details>",
        "<body onload=\"window.__pwned=1\">",
        "<input autofocus onfocus=\"window.__pwned=1\">",
        "<button formaction=\"javascript:window.__pwned=1\">button</button>",
        "<form action=\"{U}/form\"><input type=\"submit\"></form>",
        "<link rel=\"stylesheet\" href=\"{U}/style.css\">",
        "<style>@import url({U}/import.css); body{background:url({U}/bg.png)}</style>",
        "<div style=\"background:url({U}/inline-bg.png)\">styled</div>",
        "<meta http-equiv=\"refresh\" content=\"0;url={U}/meta\">",
        "<base href=\"{U}/\">",
        "<video src=\"{U}/v.mp4\" autoplay></video>",
        "<audio src=\"{U}/a.mp3\" autoplay></audio>",
        "<template><script>window.__pwned=1</script></template>",
        "<noscript><p title=\"</noscript><img src=x onerror=window.__pwned=1>\">",
        "<!--<img src=\"--><img src=x onerror=window.__pwned=1//\">",
        "&lt;script&gt;window.__pwned=1&lt;/script&gt;",
        "&#60;img src=x onerror=window.__pwned=1&#62;",
        "\"><script>document.title='pwned'</script>",
        "'><img src=x onerror=\"document.title='pwned'\">",
        "</textarea><script>window.__pwned=1</script>",
        "</title><script>document.title='pwned'</script>",
        "</label><script>window.__pwned=1</script>",
        "{{constructor.constructor('window.__pwned=1')()}}",
        "${window.__pwned=1}",
        "<a href=\"{U}/ping\" ping=\"{U}/ping\">a web link with ping</a>",
        "<isindex action=\"javascript:window.__pwned=1\" type=image>",
        "<xss onafterscriptexecute=\"window.__pwned=1\"><script>1</script>",
        "<marquee onstart=\"window.__pwned=1\">marquee</marquee>",
        "\u{202E}exe.tnemhcatta\u{202C} right-to-left override",
        "\u{2067}עברית\u{2069} and العربية mixed with <b>tags</b> \u{200F}",
        "line one\nline two\n\n   spaced   out   ",
        "bell \u{7} and escape \u{1b}[31m codes",
    ];
    let mut out: Vec<String> = list.iter().map(|p| p.replace("{U}", u)).collect();
    out.push(format!(
        "{}<script>window.__pwned=1</script>",
        "A".repeat(5000)
    ));
    out
}

/// What a window shows of the attack: all of it must be empty or false.
async fn traces(s: &Session, title: &str) {
    let v = s
        .execute(
            "const body = document.body; \
             const bad = [...body.querySelectorAll('script, iframe, frame, object, embed, img, svg, math, video, audio, \
               source, link, style, base, meta, template, noscript, marquee, isindex, xss, [autofocus]')] \
               .map(e => e.tagName); \
             const attrs = [...body.querySelectorAll('*')].flatMap(e => [...e.attributes] \
               .filter(a => /^on/i.test(a.name) || ['style', 'srcdoc', 'formaction', 'xlink:href', 'ping', 'src', 'srcset', 'action'].includes(a.name)) \
               .map(a => e.tagName + '[' + a.name + ']')); \
             const links = [...body.querySelectorAll('[href]')].map(a => a.getAttribute('href')) \
               .filter(h => !/^(https?:|mailto:)/i.test(h)); \
             return { pwned: window.__pwned === undefined ? null : String(window.__pwned), title: document.title, \
               pwnedElement: document.getElementById('pwned') !== null, bad, attrs, links }",
            json!([]),
        )
        .await;
    assert_eq!(
        v,
        json!({ "pwned": null, "title": title, "pwnedElement": false, "bad": [], "attrs": [], "links": [] }),
        "no script ran, nothing was injected ({title})"
    );
}

/// `textContent` and child element count of every element matching `css`.
async fn texts(s: &Session, css: &str) -> Vec<(String, u64)> {
    let v = s
        .execute(
            "return [...document.querySelectorAll(arguments[0])].map(e => [e.textContent, e.childElementCount])",
            json!([css]),
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

/// `css` elements must hold exactly `expected`, as text (no child elements).
async fn assert_texts(s: &Session, css: &str, expected: &[String]) {
    let got = texts(s, css).await;
    assert_eq!(got.len(), expected.len(), "one `{css}` per payload");
    for (i, ((text, children), want)) in got.iter().zip(expected).enumerate() {
        assert_eq!(text, want, "`{css}` #{i} shows the payload as text");
        assert_eq!(*children, 0, "`{css}` #{i} has no elements inside");
    }
}

/// Opens a review from the inbox, checks it, and closes it again.
async fn visit(s: &Session, inbox: &str, id: &str) {
    s.switch_to(inbox).await.expect("the inbox");
    s.click_on(&format!("[data-id='{id}']"), T).await;
    s.wait_for_window("review", &[inbox.to_owned()], |u| u.contains(id), T)
        .await;
    let state = wait_review_ready(s).await;
    assert_eq!(state, "pending", "the hostile review renders");
}

async fn close(s: &Session) {
    let handle = s.window_handle().await.expect("a window");
    // The window may be gone before the script's result can be returned.
    let _ = s
        .try_execute(
            "window.__TAURI__.window.getCurrentWindow().close()",
            json!([]),
        )
        .await;
    s.wait_window_closed(&handle, T).await;
}

/// Agent-supplied text in every place a review shows it never runs, never loads
/// anything, and shows as text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_payloads_stay_inert_text() {
    let world = WebviewWorld::signed_in().await;
    let tripwire = Tripwire::start().await;
    let payloads = payloads(&tripwire.url());
    assert!(payloads.len() >= 50, "at least fifty payloads");

    // Agent names: one agent per payload, each with a review.
    let mut agent_reviews = Vec::new();
    for (i, p) in payloads.iter().enumerate() {
        let agent = world.create_agent(p).await;
        let id = world
            .post_review_to(
                &agent,
                p,
                json!({ "type": "approval", "payload": {}, "expiresInSeconds": 3600 }),
            )
            .await;
        agent_reviews.push((id, i));
    }

    let text = payloads.join("\n\n");
    let options: Vec<Value> = payloads
        .iter()
        .enumerate()
        .map(|(i, p)| json!({ "id": format!("o{i}"), "label": p, "style": if i % 3 == 0 { "danger" } else { "default" } }))
        .collect();
    let approval = world
        .post_review(&text, json!({ "type": "approval", "payload": { "options": options, "allowComment": true }, "expiresInSeconds": 3600 }))
        .await;
    let items: Vec<Value> = payloads
        .iter()
        .enumerate()
        .map(|(i, p)| json!({ "id": format!("i{i}"), "label": p, "description": p }))
        .collect();
    let selection = world
        .post_review("Pick some.", json!({ "type": "selection", "payload": { "mode": "multi", "items": items, "submitLabel": payloads[0], "dismissLabel": payloads[1] }, "expiresInSeconds": 3600 }))
        .await;
    const TYPES: [&str; 6] = ["text", "number", "checkbox", "select", "textarea", "email"];
    let fields: Vec<Value> = payloads
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({
                "name": format!("f{i}"), "type": TYPES[i % TYPES.len()], "label": p, "description": p,
                "placeholder": p, "unit": p, "options": [{ "label": p, "value": "v" }]
            })
        })
        .collect();
    let form = world
        .post_review(
            "Fill in.",
            json!({ "type": "form", "payload": { "fields": fields }, "expiresInSeconds": 3600 }),
        )
        .await;
    let text_input = world
        .post_review("Write.", json!({ "type": "text-input", "payload": { "placeholder": payloads[44], "prefill": payloads[46] }, "expiresInSeconds": 3600 }))
        .await;
    let schema = json!({ "title": payloads[0], "enum": payloads });
    let freeform = world
        .post_review("JSON please.", json!({ "type": "freeform", "payload": { "schema": schema }, "expiresInSeconds": 3600 }))
        .await;

    let s = world.open("inbox").await;
    let inbox = s.window_handle().await.expect("the inbox");
    s.wait_script(
        "every review in the inbox",
        "return document.querySelectorAll('[role=option]').length === arguments[0]",
        json!([payloads.len() + 5]),
        T,
    )
    .await;
    traces(&s, "Placet inbox").await;
    let mut names: Vec<String> = texts(&s, ".group-name")
        .await
        .into_iter()
        .map(|(t, c)| {
            assert_eq!(c, 0, "agent names are text");
            t
        })
        .collect();
    names.sort();
    let mut expected: Vec<String> = payloads.clone();
    expected.push("Deploy Bot".into());
    expected.sort();
    assert_eq!(names, expected, "every agent name is shown as text");

    // The message text, rendered from markdown and sanitised in Rust; option labels.
    visit(&s, &inbox, &approval).await;
    traces(&s, "Placet review").await;
    assert_texts(&s, ".opt-label", &payloads).await;
    for (i, p) in payloads.iter().enumerate() {
        let plain = p.split_whitespace().collect::<Vec<_>>().join(" ") == *p
            && !p
                .chars()
                .any(|c| c.is_control() || ('\u{200E}'..='\u{206F}').contains(&c))
            && p.len() < 300;
        if plain {
            let shown = s
                .wait_for(&format!("[data-option='o{i}'] .opt-label"), T)
                .await
                .text()
                .await;
            assert_eq!(&shown, p, "option {i}'s visible text is the payload");
        }
    }
    let dirs = s
        .execute("return ['agent', 'message'].map(id => document.getElementById(id).getAttribute('dir'))", json!([]))
        .await;
    assert_eq!(
        dirs,
        json!(["auto", "auto"]),
        "agent text is laid out by its own direction"
    );
    // A danger option with a hostile label, armed: the confirm text is still text.
    s.wait_for("[data-option='o0']", T).await.click().await;
    assert_texts(
        &s,
        "#confirm-hint",
        &[format!(
            "Click “{}” again to send it. Press Escape to cancel.",
            payloads[0]
        )],
    )
    .await;
    traces(&s, "Placet review").await;
    close(&s).await;

    visit(&s, &inbox, &selection).await;
    traces(&s, "Placet review").await;
    assert_texts(&s, ".choice-label", &payloads).await;
    assert_texts(&s, ".choice-desc", &payloads).await;
    assert_texts(&s, "#submit", &payloads[..1]).await;
    assert_texts(&s, "#dismiss", &payloads[1..2]).await;
    close(&s).await;

    visit(&s, &inbox, &form).await;
    traces(&s, "Placet review").await;
    assert_texts(&s, ".label-text", &payloads).await;
    let described: Vec<String> = payloads.clone();
    let got: Vec<String> = texts(&s, "#answer .field-desc, #answer .check-text")
        .await
        .into_iter()
        .map(|(t, c)| {
            assert_eq!(c, 0, "descriptions are text");
            t
        })
        .collect();
    assert_eq!(
        got, described,
        "descriptions (a checkbox's as its inline label) are text"
    );
    let with_units: Vec<String> = payloads
        .iter()
        .enumerate()
        .filter(|(i, _)| TYPES[i % TYPES.len()] != "checkbox")
        .map(|(_, p)| p.clone())
        .collect();
    assert_texts(&s, ".unit", &with_units).await;
    let placeholders = s
        .execute("return [...document.querySelectorAll('[data-name] input[placeholder], [data-name] textarea[placeholder]')].map(e => e.getAttribute('placeholder'))", json!([]))
        .await;
    let with_placeholders: Vec<String> = payloads
        .iter()
        .enumerate()
        .filter(|(i, _)| ["text", "number", "email", "textarea"].contains(&TYPES[i % TYPES.len()]))
        .map(|(_, p)| p.clone())
        .collect();
    assert_eq!(
        placeholders,
        json!(with_placeholders),
        "placeholders are attribute values, verbatim"
    );
    let select_options = s
        .execute("return [...document.querySelectorAll('[data-type=select] option[value=v]')].map(e => e.textContent)", json!([]))
        .await;
    let with_options: Vec<String> = payloads
        .iter()
        .enumerate()
        .filter(|(i, _)| TYPES[i % TYPES.len()] == "select")
        .map(|(_, p)| p.clone())
        .collect();
    assert_eq!(
        select_options,
        json!(with_options),
        "select options are text"
    );
    artifact_screenshot(&s, "hostile-form").await;
    close(&s).await;

    visit(&s, &inbox, &text_input).await;
    traces(&s, "Placet review").await;
    let area = s.wait_for("textarea", T).await;
    assert_eq!(
        area.attribute("placeholder").await.as_deref(),
        Some(payloads[44].as_str()),
        "placeholder verbatim"
    );
    assert_eq!(
        area.property("value").await,
        json!(payloads[46]),
        "prefill is the textarea's value, verbatim"
    );
    close(&s).await;

    visit(&s, &inbox, &freeform).await;
    traces(&s, "Placet review").await;
    let shown: Value =
        serde_json::from_str(&texts(&s, "#schema").await[0].0).expect("the schema as JSON text");
    assert_eq!(shown, schema, "the schema hint is text");
    close(&s).await;

    // Each hostile agent's own review: the payload as its name and as its message text
    // (one per window: together, an unclosed `<style>` or `<textarea>` in one payload
    // would make the sanitiser drop the ones after it, hiding them from this test).
    for (id, i) in &agent_reviews {
        let p = &payloads[*i];
        visit(&s, &inbox, id).await;
        traces(&s, "Placet review").await;
        assert_texts(&s, "#agent", std::slice::from_ref(p)).await;
        let message = texts(&s, "#message").await.remove(0).0;
        if p.starts_with("&lt;") || p.starts_with("&#60;") {
            let unescaped = p
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&#60;", "<")
                .replace("&#62;", ">");
            assert_eq!(message.trim(), unescaped, "escaped markup shows as text");
        }
        if p.starts_with("![tracker]") {
            assert_eq!(
                message.trim(),
                "[image: tracker]",
                "an image becomes its alt text"
            );
        }
        if p.starts_with("${") || p.starts_with("{{") {
            assert_eq!(message.trim(), p.as_str(), "template syntax is text");
        }
        close(&s).await;
    }

    s.switch_to(&inbox).await.expect("the inbox");
    traces(&s, "Placet inbox").await;
    assert_eq!(
        tripwire.hits(),
        0,
        "no page loaded anything from the payloads' host"
    );
    s.quit().await;
}
