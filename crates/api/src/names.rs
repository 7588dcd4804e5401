//! The one place an enum's name is spelled: serde's. The wire (JSON), the database's TEXT
//! columns and URL parameters all use the name serde gives a unit variant, so nothing
//! mirrors it by hand.

use serde::{de::DeserializeOwned, Serialize};

/// The name serde gives `value`, a unit variant (`Space::Public` → `public`).
pub fn name_of<T: Serialize>(value: &T) -> String {
    // Only a unit variant can fail to have a plain name; every caller passes one.
    serde_plain::to_string(value).unwrap_or_default()
}

/// The unit variant serde names `name`; `None` for a name this version does not know.
pub fn parse_name<T: DeserializeOwned>(name: &str) -> Option<T> {
    serde_plain::from_str(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn round_trips<T>(all: &[T], names: &[&str])
    where
        T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        for (value, name) in all.iter().zip(names) {
            assert_eq!(name_of(value), *name);
            assert_eq!(parse_name::<T>(name).as_ref(), Some(value));
            // The JSON form is the same name: one spelling for wire and storage.
            assert_eq!(
                serde_json::to_value(value).expect("serialises"),
                serde_json::Value::String((*name).into())
            );
        }
        assert_eq!(parse_name::<T>("no-such-name"), None);
    }

    #[test]
    fn unit_enums_have_one_name_on_the_wire_and_in_storage() {
        use Space::*;
        round_trips(&[Source::Facebook, Source::X], &["facebook", "x"]);
        round_trips(
            &[Public, Private, Internal],
            &["public", "private", "internal"],
        );
        round_trips(
            &[
                WithheldReason::EuPrivacy,
                WithheldReason::NoProfileAvailable,
            ],
            &["eu_privacy", "no_profile_available"],
        );
        round_trips(&[Role::Agent, Role::Admin], &["agent", "admin"]);
        round_trips(&[AgentKind::Human, AgentKind::Bot], &["human", "bot"]);
        round_trips(&[ListView::Mine, ListView::All], &["mine", "all"]);
    }

    #[test]
    fn kinds_are_named_as_the_tags_of_the_enums_they_summarise() {
        let authors = [
            Author::Consumer,
            Author::Agent {
                id: AgentId(1),
                name: "Dana".into(),
            },
            Author::Bot { name: "Bot".into() },
            Author::System,
            Author::Brand {
                name: "Acme".into(),
            },
        ];
        for author in authors {
            assert_eq!(tag_of(&author), name_of(&author.kind()), "{author:?}");
        }
        let deliveries = [
            Delivery::Pending,
            Delivery::Sent,
            Delivery::Failed { reason: "r".into() },
        ];
        for delivery in deliveries {
            assert_eq!(
                tag_of(&delivery),
                name_of(&delivery.state()),
                "{delivery:?}"
            );
        }
    }

    /// serde's tag of an externally tagged enum value: the string, or the one key.
    fn tag_of<T: Serialize>(value: &T) -> String {
        match serde_json::to_value(value).expect("serialises") {
            serde_json::Value::String(tag) => tag,
            serde_json::Value::Object(map) => map.keys().next().cloned().unwrap_or_default(),
            other => panic!("not an enum: {other}"),
        }
    }
}
