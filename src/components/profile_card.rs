//! Who the consumer is, as far as the platform tells: or, when it withholds the profile,
//! why, in words.

use leptos::{either::Either, prelude::*};
use social_api::{Consumer, Profile, PublicProfile, Source, WithheldReason};

use crate::links::safe_url;

/// Up to two initials of a name, for a missing picture. Upper-cased by the browser: Rust's
/// Unicode case tables would cost kilobytes of wasm.
pub fn initials(name: &str) -> String {
    let initials: String = name
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| !c.is_ascii_punctuation()))
        .take(2)
        .collect();
    if initials.is_empty() {
        "?".into()
    } else {
        js_sys::JsString::from(initials).to_upper_case().into()
    }
}

/// The consumer's card: profile details, or the reason there are none.
#[component]
pub fn ProfileCard(
    /// The consumer of the conversation.
    consumer: Consumer,
    /// The network, to name it on the profile link.
    source: Source,
) -> impl IntoView {
    match consumer.profile {
        Profile::Available(profile) => Either::Left(view! { <AvailableProfile profile source/> }),
        Profile::Withheld(reason) => Either::Right(view! { <WithheldProfile reason/> }),
    }
}

#[component]
fn AvailableProfile(profile: PublicProfile, source: Source) -> impl IntoView {
    let PublicProfile {
        display_name,
        handle,
        picture_url,
        profile_url,
        locale,
        timezone,
        follower_count,
    } = profile;
    let picture_failed = RwSignal::new(false);
    let picture = picture_url.filter(|url| safe_url(url).is_some());
    let initials = initials(&display_name);
    let avatar = move || match picture.clone() {
        Some(src) if !picture_failed.get() => Either::Left(view! {
            <img class="avatar" src=src alt="" width="40" height="40" on:error=move |_| picture_failed.set(true)/>
        }),
        _ => Either::Right(view! {
            <span class="avatar avatar--initials" aria-hidden="true">{initials.clone()}</span>
        }),
    };
    let facts = [
        ("Locale", locale),
        ("Timezone", timezone),
        ("Followers", follower_count.map(|n| n.to_string())),
    ]
    .into_iter()
    .filter_map(|(term, value)| {
        value.map(|value| view! { <dt>{term}</dt><dd dir="auto">{value}</dd> })
    })
    .collect_view();
    let link = profile_url
        .filter(|url| safe_url(url).is_some())
        .map(|href| {
            view! {
                <a class="profile__link" href=href target="_blank" rel="noopener noreferrer">
                    {format!("Open profile on {}", source.label())}
                </a>
            }
        });
    view! {
        <section class="profile" aria-labelledby="profile-name">
            {avatar}
            <div class="profile__body">
                <h2 class="profile__name" id="profile-name" dir="auto">{display_name}</h2>
                {handle.map(|handle| view! { <p class="profile__handle">"@"<bdi>{handle}</bdi></p> })}
                <dl class="profile__facts">{facts}</dl>
                {link}
            </div>
        </section>
    }
}

#[component]
fn WithheldProfile(reason: WithheldReason) -> impl IntoView {
    view! {
        <section class="profile profile--withheld" aria-labelledby="profile-name">
            <span class="avatar avatar--initials" aria-hidden="true">"?"</span>
            <div class="profile__body">
                <h2 class="profile__name" id="profile-name">"Profile withheld by the platform"</h2>
                <p class="profile__reason">{reason.explanation()}</p>
            </div>
        </section>
    }
}
