//! The web UI's pages as minimal HTML: the routes of `apps/frontend/src/app` that a
//! desktop client links to, each with the root layout's runtime config in `<head>`.

use axum::{
    body::Body,
    http::{header, HeaderValue, StatusCode},
    response::Response,
};
use serde_json::Value;

/// What the root layout (`apps/frontend/src/app/layout.tsx`) renders into every page's
/// `<head>` as `window.__HP_CONFIG__`: the socket's base URL (`WS_URL`) and the app's
/// own (`APP_URL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origins {
    pub(crate) ws_url: String,
    pub(crate) app_url: String,
}

/// A page of the web UI, with the id its path names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Page {
    /// `/` (`app/page.tsx`).
    Home,
    /// `/login` (`app/(auth)/login`), the one page the middleware lets through without
    /// a session cookie.
    Login,
    /// `/inbox`: the pending reviews.
    Inbox,
    /// `/inbox/<messageId>`: one review (`app/(app)/inbox/[messageId]`).
    Review(String),
    /// `/chats`: the agent list.
    Chats,
    /// `/chats/<agentId>`: one agent's chat (`app/(app)/chats/[agentId]`).
    Chat(String),
    /// `/settings`, where a person changes their password and API keys.
    Settings,
    /// `/files`.
    Files,
    /// `/status`: the agents' status board.
    Status,
}

impl Page {
    /// The page at `path`, if the web UI has one there.
    pub(crate) fn at(path: &str) -> Option<Page> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let id = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        Some(match segments.as_slice() {
            [""] => Page::Home,
            ["login"] => Page::Login,
            ["inbox"] => Page::Inbox,
            ["inbox", message] => Page::Review(id(message)?),
            ["chats"] => Page::Chats,
            ["chats", agent] => Page::Chat(id(agent)?),
            ["settings"] => Page::Settings,
            ["files"] => Page::Files,
            ["status"] => Page::Status,
            _ => return None,
        })
    }

    /// `data-page`, and the heading a test or a person reads.
    fn describe(&self) -> (&'static str, String) {
        match self {
            Page::Home => ("home", "Placet".to_owned()),
            Page::Login => ("login", "Sign in".to_owned()),
            Page::Inbox => ("inbox", "Inbox".to_owned()),
            Page::Review(id) => ("review", format!("Review {id}")),
            Page::Chats => ("chats", "Chats".to_owned()),
            Page::Chat(id) => ("chat", format!("Chat with agent {id}")),
            Page::Settings => ("settings", "Settings".to_owned()),
            Page::Files => ("files", "Files".to_owned()),
            Page::Status => ("status", "Status".to_owned()),
        }
    }

    fn id(&self) -> Option<&str> {
        match self {
            Page::Review(id) | Page::Chat(id) => Some(id),
            _ => None,
        }
    }
}

/// The page as a 200 HTML response.
pub(crate) fn render(page: &Page, origins: &Origins) -> Response {
    let (name, heading) = page.describe();
    let id = page
        .id()
        .map(|id| format!(" data-id=\"{}\"", escape(id)))
        .unwrap_or_default();
    let body = format!(
        "<main data-page=\"{name}\"{id}><h1>{}</h1></main>",
        escape(&heading)
    );
    html(StatusCode::OK, &document("Placet", origins, &body))
}

/// Next.js's built-in not-found page (the app has no `not-found.tsx`), still inside the
/// root layout, so it carries the runtime config too.
pub(crate) fn not_found(origins: &Origins) -> Response {
    let body = "<div><h1 class=\"next-error-h1\">404</h1>\
                <div><h2>This page could not be found.</h2></div></div>";
    html(
        StatusCode::NOT_FOUND,
        &document("404: This page could not be found.", origins, body),
    )
}

/// A document with the root layout's `<head>`.
fn document(title: &str, origins: &Origins, body: &str) -> String {
    // `JSON.stringify({wsUrl, appUrl})`, in that key order; `<` is escaped so a value can
    // never close the script element.
    let config = format!(
        "{{\"wsUrl\":{},\"appUrl\":{}}}",
        Value::String(origins.ws_url.clone()),
        Value::String(origins.app_url.clone())
    )
    .replace('<', "\\u003c");
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charSet=\"utf-8\"/>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <title>{}</title>\
         <meta name=\"description\" content=\"Chat-based agent inbox for AI-human interaction\"/>\
         <script>window.__HP_CONFIG__={config}</script></head>\
         <body>{body}</body></html>",
        escape(title)
    )
}

fn html(status: StatusCode, document: &str) -> Response {
    let mut response = Response::new(Body::from(document.to_owned()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// Escapes text for HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_routes() {
        assert_eq!(Page::at("/"), Some(Page::Home));
        assert_eq!(Page::at("/login"), Some(Page::Login));
        assert_eq!(Page::at("/inbox/c1"), Some(Page::Review("c1".into())));
        assert_eq!(Page::at("/chats/a1"), Some(Page::Chat("a1".into())));
        assert_eq!(Page::at("/chats/a1/more"), None);
        assert_eq!(Page::at("/inbox/"), None);
        assert_eq!(Page::at("/socket.io"), None);
    }

    #[test]
    fn escapes_ids() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
