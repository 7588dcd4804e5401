//! Why a call to the backend failed, in words an agent can act on.

use std::fmt;

use social_api::Problem;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No answer came back: offline, server down, or blocked.
    Network,
    /// 401: the session is missing or expired.
    Unauthorized,
    /// 404: not there, or not in this account.
    NotFound,
    /// The server refused in words meant for the agent: a rule (422
    /// `urn:social-widget:rule:*`) or the platform's refusal (502 `…:platform-error`).
    Refused(String),
    /// Any other error answer, with the server's problem detail where it gave one.
    Server {
        status: u16,
        title: String,
        detail: Option<String>,
    },
    /// The answer was not in the expected shape.
    Unreadable,
    /// Cancelled because a newer request replaced it; never shown.
    Aborted,
}

impl ApiError {
    /// The error an error answer (status and, where it parsed, problem body) stands for.
    pub(super) fn from_answer(status: u16, status_text: String, problem: Option<Problem>) -> Self {
        match status {
            401 => ApiError::Unauthorized,
            404 => ApiError::NotFound,
            _ => match problem {
                // Our own problem types speak to the agent: a rule's title is its reason.
                Some(p) if p.is_ours() => ApiError::Refused(match p.detail {
                    Some(detail) if detail != p.title => format!("{} {detail}", p.title),
                    _ => p.title,
                }),
                Some(p) => ApiError::Server {
                    status,
                    title: p.title,
                    detail: p.detail,
                },
                None => ApiError::Server {
                    status,
                    title: status_text,
                    detail: None,
                },
            },
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Network => {
                f.write_str("The server could not be reached. Check the connection and try again.")
            }
            ApiError::Unauthorized => {
                f.write_str("The session is not valid or has expired. Sign in again.")
            }
            ApiError::NotFound => f.write_str(
                "It was not found: it may have been removed or belong to another account.",
            ),
            ApiError::Server {
                status,
                title,
                detail,
            } => {
                write!(f, "The server answered {status} {title}")?;
                match detail {
                    Some(detail) => write!(f, ": {detail}"),
                    None => f.write_str("."),
                }
            }
            ApiError::Refused(reason) => f.write_str(reason),
            ApiError::Unreadable => f.write_str("The server's answer could not be read."),
            ApiError::Aborted => f.write_str("The request was cancelled."),
        }
    }
}
