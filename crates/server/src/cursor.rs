//! Opaque page cursors: where a page of a list or of a transcript ends, as the next
//! request names it. A cursor is a position (time, then id), not an offset, so a row
//! inserted meanwhile neither repeats nor hides a row of the next page.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use social_api::{ConversationId, MessageId, Timestamp};

/// A cursor that this server did not give: the request is refused (400).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("The cursor is not one this server gave; start from the first page.")]
pub struct BadCursor;

/// After this conversation in a list ordered by last message, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    pub last_at: Timestamp,
    pub id: ConversationId,
}

/// Before this message in a transcript ordered by time, then id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageCursor {
    pub sent_at: Timestamp,
    pub id: MessageId,
}

impl ListCursor {
    pub fn encode(self) -> String {
        encode('c', self.last_at, self.id.0)
    }

    pub fn decode(text: &str) -> Result<Self, BadCursor> {
        let (last_at, id) = decode('c', text)?;
        Ok(Self {
            last_at,
            id: ConversationId(id),
        })
    }
}

impl MessageCursor {
    pub fn encode(self) -> String {
        encode('m', self.sent_at, self.id.0)
    }

    pub fn decode(text: &str) -> Result<Self, BadCursor> {
        let (sent_at, id) = decode('m', text)?;
        Ok(Self {
            sent_at,
            id: MessageId(id),
        })
    }
}

/// `kind:time:id` in unpadded base64url: opaque to clients, and a list's cursor is not
/// taken for a transcript's.
fn encode(kind: char, at: Timestamp, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{kind}:{}:{id}", at.0))
}

fn decode(kind: char, text: &str) -> Result<(Timestamp, i64), BadCursor> {
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| BadCursor)?;
    let plain = std::str::from_utf8(&bytes).map_err(|_| BadCursor)?;
    let mut parts = plain.split(':');
    let (Some(k), Some(at), Some(id), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BadCursor);
    };
    if k.len() != 1 || !k.starts_with(kind) {
        return Err(BadCursor);
    }
    let at = at.parse().map_err(|_| BadCursor)?;
    let id = id.parse().map_err(|_| BadCursor)?;
    Ok((Timestamp(at), id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_given() {
        let list = ListCursor {
            last_at: Timestamp(1_700_000_000_000),
            id: ConversationId(42),
        };
        assert_eq!(ListCursor::decode(&list.encode()), Ok(list));
        let message = MessageCursor {
            sent_at: Timestamp(-5),
            id: MessageId(7),
        };
        assert_eq!(MessageCursor::decode(&message.encode()), Ok(message));
    }

    #[test]
    fn garbage_and_the_other_kind_are_refused() {
        let list = ListCursor {
            last_at: Timestamp(1),
            id: ConversationId(2),
        }
        .encode();
        assert_eq!(MessageCursor::decode(&list), Err(BadCursor));
        for text in [
            "",
            "!!",
            "bTox",
            "bToxOjI6Mw",
            &URL_SAFE_NO_PAD.encode("m:x:1"),
        ] {
            assert_eq!(MessageCursor::decode(text), Err(BadCursor), "{text}");
        }
    }
}
