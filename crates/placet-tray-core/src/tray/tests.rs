use super::*;

#[test]
fn menu_ids_round_trip() {
    for id in [
        MenuId::Review("m 1".into()),
        MenuId::Agent(3),
        MenuId::Inbox,
        MenuId::PauseTomorrow,
        MenuId::SignOut,
        MenuId::Quit,
    ] {
        assert_eq!(MenuId::parse(&id.as_string()), Some(id));
    }
    assert_eq!(MenuId::parse("nonsense"), None);
}

#[test]
fn signed_out_menu_offers_sign_in() {
    let m = menu("Signed out", None, &[], 0, None, false, &[]);
    assert!(m.iter().any(
        |e| matches!(e, MenuEntry::Item { id: MenuId::SignIn, label, .. } if label == "Sign in…")
    ));
    let with = menu(
        "x",
        Some("14:00".into()),
        &[("m1".into(), "Bot: hi".into())],
        3,
        Some("me_you&me@x"),
        true,
        &["Bot: busy since 14:00".to_owned()],
    );
    assert_ne!(shape_of(&m), shape_of(&with));
    assert!(with
        .iter()
        .any(|e| matches!(e, MenuEntry::Item { label, .. } if label == "Sign out (me_you&&me@x)")));
    assert!(with
        .iter()
        .any(|e| matches!(e, MenuEntry::Item { label, .. } if label == "…and 3 more")));
}
