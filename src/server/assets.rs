//! The page: HTML, CSS and JavaScript embedded in the binary (nothing fetched at run time, no
//! build step). The page is one HTML shell for every view (search, article, entity); `app.js`
//! reads the URL and draws the view from the API's JSON with DOM calls, never `innerHTML`.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// The HTML shell.
pub const INDEX_HTML: &str = include_str!("assets/index.html");
/// The script.
pub const APP_JS: &str = include_str!("assets/app.js");
/// The style sheet.
pub const APP_CSS: &str = include_str!("assets/app.css");

/// An embedded file with its content type.
pub fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// The HTML shell.
pub fn page() -> Response {
    asset(INDEX_HTML, "text/html; charset=utf-8")
}
