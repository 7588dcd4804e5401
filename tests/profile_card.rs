//! The consumer's profile card: details when the platform gives them, the reason in words
//! when it withholds them.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use leptos::{mount::mount_to, prelude::*};
use social_api::*;
use social_widget::components::profile_card::{initials, ProfileCard};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn consumer(profile: Profile) -> Consumer {
    Consumer {
        platform_id: "c-1".into(),
        profile,
    }
}

#[wasm_bindgen_test]
async fn available_profile_shows_name_handle_facts_and_a_safe_link() {
    let el = container();
    let _view = mount_to(el.clone(), || {
        view! { <ProfileCard consumer=consumer(available("Kai Rivers", Some("kai_r"))) source=Source::X/> }
    });
    settle().await;

    let heading = by_role_named(&el, "heading", "Kai Rivers");
    assert_eq!(heading.tag_name(), "H2");
    assert!(text(&el).contains("@kai_r"), "{}", text(&el));
    assert!(text(&el).contains("fr_FR"));
    assert!(text(&el).contains("Europe/Paris"));
    assert!(text(&el).contains("1234"));

    let link = by_role_named(&el, "link", "Open profile on X");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("https://example.com/Kai.Rivers")
    );
    assert_eq!(link.get_attribute("target").as_deref(), Some("_blank"));
    assert_eq!(
        link.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
}

#[wasm_bindgen_test]
async fn missing_picture_shows_initials() {
    let el = container();
    let _view = mount_to(el.clone(), || {
        view! { <ProfileCard consumer=consumer(available("Jane Doe", None)) source=Source::Facebook/> }
    });
    settle().await;

    assert!(one(&el, "img").is_none());
    assert_eq!(
        one(&el, ".avatar--initials").map(|e| text(&e)).as_deref(),
        Some("JD")
    );
}

#[wasm_bindgen_test]
async fn picture_that_fails_to_load_falls_back_to_initials() {
    let mut profile = available("Jane Doe", None);
    if let Profile::Available(p) = &mut profile {
        p.picture_url = Some("https://example.invalid/jane.jpg".into());
    }
    let el = container();
    let _view = mount_to(
        el.clone(),
        move || view! { <ProfileCard consumer=consumer(profile) source=Source::Facebook/> },
    );
    settle().await;

    let img = one(&el, "img").expect("the picture is shown first");
    assert_eq!(
        img.get_attribute("src").as_deref(),
        Some("https://example.invalid/jane.jpg")
    );
    img.dispatch_event(&web_sys::Event::new("error").unwrap())
        .unwrap();
    settle().await;

    assert!(one(&el, "img").is_none(), "the broken picture is removed");
    assert_eq!(
        one(&el, ".avatar--initials").map(|e| text(&e)).as_deref(),
        Some("JD")
    );
}

#[wasm_bindgen_test]
async fn withheld_profile_says_why_in_words_and_shows_no_picture() {
    for reason in [
        WithheldReason::EuPrivacy,
        WithheldReason::NoProfileAvailable,
    ] {
        let el = container();
        let _view = mount_to(el.clone(), move || {
            view! { <ProfileCard consumer=consumer(Profile::Withheld(reason)) source=Source::Facebook/> }
        });
        settle().await;

        by_role_named(&el, "heading", "Profile withheld by the platform");
        assert!(text(&el).contains(reason.explanation()), "{}", text(&el));
        assert!(one(&el, "img").is_none());
        assert!(by_role(&el, "link").is_empty());
    }
}

#[wasm_bindgen_test]
fn initials_take_the_first_letters_of_two_words() {
    assert_eq!(initials("jane van doe"), "JV");
    assert_eq!(initials("Émile"), "É");
    assert_eq!(initials("  "), "?");
}
