//! API errors: one JSON shape, `{"error": {"message", "column"?}}`, and the HTTP status that
//! says whose fault it is: 400 for a bad query or parameter, 404 for something that is not in
//! the index, 503 when a request ran out of time, 500 only for the server's own failures (a
//! missing or damaged index, I/O), never for user input.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error answered to an API request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, for the user.
    pub message: String,
    /// For a query error, the 1-based character column of the problem in `q`.
    pub column: Option<usize>,
}

impl ApiError {
    /// 400: a malformed parameter.
    pub fn bad(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            column: None,
        }
    }

    /// 404: not in the index.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
            column: None,
        }
    }

    /// 503: the request took longer than the server's time limit.
    pub fn timed_out(limit: std::time::Duration) -> ApiError {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: format!(
                "the request took longer than the server's limit of {:.1} s and was stopped; \
                 narrow the query or the filters",
                limit.as_secs_f64()
            ),
            column: None,
        }
    }

    /// A library error: a query error (400, with its column in `query`), a bad option (400),
    /// anything else (500: the index or the system failed, not the request).
    pub fn from_library(e: crate::Error, query: Option<&str>) -> ApiError {
        match e {
            crate::Error::Query(q) => ApiError {
                status: StatusCode::BAD_REQUEST,
                column: Some(q.column(query.unwrap_or(""))),
                message: format!("invalid query: {}", q.message),
            },
            e if e.is_usage() => ApiError::bad(e.to_string()),
            e => ApiError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                message: e.to_string(),
                column: None,
            },
        }
    }

    /// The JSON body.
    pub fn body(&self) -> String {
        #[derive(Serialize)]
        struct Inner<'a> {
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            column: Option<usize>,
        }
        #[derive(Serialize)]
        struct Doc<'a> {
            error: Inner<'a>,
        }
        let doc = Doc {
            error: Inner {
                message: &self.message,
                column: self.column,
            },
        };
        let json = serde_json::to_string(&doc).unwrap_or_default();
        crate::present::safe::json(&json).into_owned() + "\n"
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        super::json_response(self.status, self.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_error_is_a_400_with_its_column() {
        let q = "Mosul AND (Raqqa";
        let e = crate::search::parse(q).unwrap_err();
        let api = ApiError::from_library(crate::Error::Query(e), Some(q));
        assert_eq!(api.status, StatusCode::BAD_REQUEST);
        let v: serde_json::Value = serde_json::from_str(&api.body()).unwrap();
        assert!(v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid query"));
        assert!(v["error"]["column"].as_u64().unwrap() >= 1);
    }

    #[test]
    fn a_missing_index_is_the_servers_fault_and_has_no_column() {
        let e = crate::Error::NoIndex {
            path: "nowhere".into(),
        };
        let api = ApiError::from_library(e, None);
        assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(api.body().matches("column").count(), 0);
    }
}
